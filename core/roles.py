"""Who a signed-in user is: a seller (partner staff), a creator, or an admin."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from rest_framework import permissions

SELLER = "seller"
CREATOR = "creator"
ADMIN = "admin"


def seller_partner(user):
    """The partner a seller works for, or None (looked up once per request's user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.partner_staff.partner  # loaded with the user by PartnerCenterBackend
    except ObjectDoesNotExist:
        return None


def creator_of(user):
    """The creator a user signs in as, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.creator
    except ObjectDoesNotExist:
        return None


def role_of(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if seller_partner(user) is not None:
        return SELLER
    if creator_of(user) is not None:
        return CREATOR
    if user.is_staff:
        return ADMIN
    return None


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


seller_required = _role_required(lambda user: seller_partner(user) is not None)
seller_required.__doc__ = "Page decorator: only a partner's staff; others get 403 or login."
creator_required = _role_required(lambda user: creator_of(user) is not None)
creator_required.__doc__ = "Page decorator: only creators; others get 403 or login."


class IsSeller(permissions.BasePermission):
    message = "Only a partner's sellers can do this."

    def has_permission(self, request, view):
        return seller_partner(request.user) is not None


class IsCreator(permissions.BasePermission):
    message = "Only creators can do this."

    def has_permission(self, request, view):
        return creator_of(request.user) is not None


class IsSellerOrCreator(permissions.BasePermission):
    message = "Only sellers and creators can do this."

    def has_permission(self, request, view):
        return role_of(request.user) in {SELLER, CREATOR}


class IsStaffUser(permissions.BasePermission):
    message = "Only staff can do this."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_staff)
