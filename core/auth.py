"""API tokens with a life, and the client address that throttles and lockouts key on."""

import ipaddress
import re
from hmac import compare_digest

from django.conf import settings
from django.db import router
from django.db.models import Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from .compiled import compiled_models

# What a token can be made of: printable ASCII, no space (knox issues hex).
TOKEN_TEXT = re.compile(r"[\x21-\x7e]{1,256}")

# Select with the user what every request asks next: who they work for, which creator they are.
# The shell may list more (settings.USER_RELATIONS), e.g. relations of the apps above this one.
DEFAULT_USER_RELATIONS = ("partner_staff__partner", "creator")


def user_relations() -> tuple[str, ...]:
    return tuple(getattr(settings, "USER_RELATIONS", DEFAULT_USER_RELATIONS))


# --- API tokens -------------------------------------------------------------------------


def live_tokens(*, now=None):
    """The tokens still alive at `now`: no expiry, or an expiry after it (`token_is_live`,
    the same rule for one token in hand)."""
    now = now or timezone.now()
    return AuthToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=now))


def token_is_live(token: AuthToken, *, now) -> bool:
    """`live_tokens`'s rule for one token."""
    return token.expiry is None or token.expiry > now


def api_token_issue(*, user) -> str:
    """Issue a new token for `user` (knox stores only its hash); retire expired and surplus ones.

    Each client gets its own token, so revoking one ends that client only. Past
    API_TOKENS_PER_USER live tokens, the oldest are retired, so the table stays bounded.
    """
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    _instance, token = AuthToken.objects.create(user=user)
    keep = settings.API_TOKENS_PER_USER
    surplus = list(
        AuthToken.objects.filter(user=user).order_by("-created").values_list("pk", flat=True)[keep:]
    )
    if surplus:
        AuthToken.objects.filter(pk__in=surplus).delete()
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    """Knox's `Authorization: Token …` check, without writes on reads.

    Knox deletes expired tokens while authenticating, so a GET would write. Here an expired
    token is simply not found (issuing a new one clears the expired). The user comes with the
    same relations as the session backend's, so a token costs no more queries than a session.
    """

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except UnicodeError:  # a header outside ISO-8859-1 (DRF encodes it to bytes)
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None

    def authenticate_credentials(self, token: bytes):
        token = token.decode("utf-8", errors="replace")
        if not TOKEN_TEXT.fullmatch(token):
            # Knox issues printable ASCII; NUL or a control character would reach the query
            # (PostgreSQL refuses NUL in text: a 500).
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        now = timezone.now()
        for auth_token in _tokens_by_key(token[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if token_is_live(auth_token, now=now) and _same_digest(token, auth_token.digest):
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid or expired token."))

    def authenticate_header(self, request):
        return knox_settings.AUTH_HEADER_PREFIX


def _tokens_by_key(key: str) -> list[AuthToken]:
    """The tokens with this key (alive or not), with their user and the user's relations: its
    SQL built once per process (core/compiled.py), as every API call asks it."""
    relations = tuple(f"user__{relation}" for relation in user_relations())
    return compiled_models(
        f"api-token:{','.join(relations)}",
        lambda key: AuthToken.objects.filter(token_key=key).select_related(*relations),
        using=router.db_for_read(AuthToken),
        key=key,
    )


def _same_digest(token: str, digest: str) -> bool:
    try:
        return compare_digest(hash_token(token), digest)
    except (TypeError, ValueError):
        return False


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="end_tokens_on_user_change")
def end_tokens_on_password_change_or_deactivation(sender, instance, update_fields=None, **kwargs):
    """A new password or a deactivation ends every API token the user holds.

    Sessions already end on a password change (Django's session hash); tokens are ended here.
    A save that names neither field (e.g. `last_login` on each login) costs nothing.
    """
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    deactivated = before["is_active"] and not instance.is_active
    if before["password"] != instance.password or deactivated:
        AuthToken.objects.filter(user_id=instance.pk).delete()


# --- The client address -----------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting exactly settings.NUM_PROXIES proxies.

    With no trusted proxy (the default) it is REMOTE_ADDR, and X-Forwarded-For is ignored,
    so a client cannot pick its own address. Behind N proxies it is the N-th address from the
    right of X-Forwarded-For: the one the outermost trusted proxy saw. DRF's throttles use
    the same rule (REST_FRAMEWORK["NUM_PROXIES"]); django-axes's lockouts call this.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            candidate = forwarded[-min(proxies, len(forwarded))]
            if _is_ip_address(candidate):  # never text a client made up (lockouts store it)
                return candidate
    return remote


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
