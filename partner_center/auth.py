"""Authentication backend that loads a user's seller and creator links with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PartnerCenterBackend(ModelBackend):
    def get_user(self, user_id):
        # One query per request instead of three: every page asks who the user works for.
        user = (
            get_user_model()
            ._default_manager.select_related("partner_staff__partner", "creator")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
