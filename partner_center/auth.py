"""Sign-in for the whole site: the lockout backend, the session backend, the lockout answer,
the per-address limit on the page logins."""

from functools import wraps

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import router
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.auth import user_relations
from core.compiled import compiled_first
from core.throttles import page_post_throttled


class LockoutBackend(AxesStandaloneBackend):
    """django-axes's lockout check, first in line: a locked-out login stops here.

    Every login path (pages, admin, token API) passes its request. A call without one (a
    shell, a management command) has no client to lock out, so it goes on to the password
    check instead of failing outright.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class PartnerCenterBackend(ModelBackend):
    def get_user(self, user_id):
        # One query per request instead of three: every page asks who the user works for. Its
        # SQL is built once per process (core/compiled.py): building the joins cost more than
        # running them.
        model = get_user_model()
        try:
            user_id = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        relations = user_relations()
        user = compiled_first(
            f"session-user:{','.join(relations)}",
            lambda user: model._default_manager.select_related(*relations).filter(pk=user)[:1],
            using=router.db_for_read(model),
            user=user_id,
        )
        return user if user is not None and self.user_can_authenticate(user) else None


LOCKOUT_MESSAGE = (
    "Too many failed sign-in attempts for this username from your address. "
    "Try again in {minutes} minutes."
)


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """What a locked-out login gets: 429 in the API's JSON error shape, or the lockout page."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = LOCKOUT_MESSAGE.format(minutes=minutes)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def login_throttled(view):
    """The token endpoint's per-address budget (the `token` throttle scope) on a page login.

    The lockout stops guessing one username's password; this stops one address trying many
    usernames (password spraying), on `/accounts/login/` and `/admin/login/` as on
    `POST /api/v1/auth/token/`, all three drawing on one budget per address, counted per
    address whoever is signed in (core.throttles.AddressRateThrottle).
    """

    @wraps(view)
    def throttled(request, *args, **kwargs):
        if request.method == "POST":
            wait = page_post_throttled(request, scope="token", per_address=True)
            if wait is not None:
                message = f"Too many sign-in attempts from your address. Try again in {wait} s."
                note = (
                    "This protects accounts from password guessing. "
                    "Other addresses are not affected."
                )
                context = {"message": message, "note": note}
                response = render(request, "registration/locked_out.html", context, status=429)
                response["Retry-After"] = str(wait)
                return response
        return view(request, *args, **kwargs)

    return throttled
