"""The embedded default: SQLite, a file-system broker; DEBUG only when asked for (DEBUG=1),
so a newcomer sees the product's own 403/404/500 pages rather than Django's debug pages."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", False)

# Serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
