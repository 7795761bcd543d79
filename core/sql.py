"""Hand-written SQL helpers shared by the set-based jobs."""

import datetime as dt

from django.db import connection


def db_value(value):
    """Raw SQL parameters in the form the ORM stores (SQLite keeps datetimes as text)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value
