from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground layer: what every domain app shares. It imports no domain app."""

    name = "core"

    def ready(self):
        # Connects the receiver that ends a user's API tokens on a password change, and
        # registers the token's OpenAPI description before any schema is generated.
        from . import auth  # noqa: F401
        from .api import schema  # noqa: F401
