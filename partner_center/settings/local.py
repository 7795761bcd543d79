"""The embedded default: SQLite, a file-system broker, demo-friendly DEBUG."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
