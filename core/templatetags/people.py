"""How a person is named on the pages: `{{ user|person_name }}`.

One rule for every page and notice: the full name, else the username (a former user, or
none, is ""). `leads.services.owners.display_name` is the same rule for Python callers.
"""

from django import template

register = template.Library()


def person_name(user) -> str:
    """The user's full name, else their username; "" for no one."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


register.filter("person_name", person_name)
