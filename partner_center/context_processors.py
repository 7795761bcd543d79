import functools

from django.conf import settings

from core import roles


def navigation(request):
    """The signed-in role and, for sellers, the notification bell's unread count."""
    user = getattr(request, "user", None)
    role = roles.role_of(user)
    context = {"role": role}
    if role == roles.SELLER:
        from notifications.selectors import notification_unread_count

        context["partner"] = roles.seller_partner(user)
        partner = context["partner"]
        # Lazy: counted once when a template prints the bell; a view that passes its own
        # figure (the badge) or a page without the bell never counts.
        context["unread_notifications"] = functools.cache(
            lambda: notification_unread_count(partner=partner, user=user)
        )
    elif role == roles.CREATOR:
        from notifications.selectors import notification_unread_count

        context["me_creator"] = roles.creator_of(user)
        context["unread_notifications"] = functools.cache(
            lambda: notification_unread_count(partner=None, user=user)
        )
    return context


def rules(request):
    """The product's figures that pages state: the Silver gate and the authorization days."""
    from creators.services import silver_threshold
    from leads.models import CloseReason

    return {
        "close_reasons": CloseReason.choices,  # the sellers' close and remove forms
        "silver_threshold": silver_threshold,  # a callable: read only by pages that print it
        "authorization_days": settings.AUTHORIZATION_DAYS,
    }
