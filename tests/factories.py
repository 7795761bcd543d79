"""factory_boy factories for every model; tests build their own data with these."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from creators.models import (
    Creator,
    CreatorDailyStats,
    Partner,
    PartnerStaff,
    PartnerType,
    Tier,
)
from im.models import Message, Side, Thread
from leads.models import Lead, LeadSource, LeadStatus
from leads.pool_version import pool_version_bump
from notifications.models import Notification, NotificationKind

PASSWORD = "demo-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    partner_type = PartnerType.L2L
    profile = "We run LIVE shows for beauty and home brands."
    categories = "Beauty,Home"


class SellerFactory(factory.django.DjangoModelFactory):
    """A PartnerStaff row; `.user` is the seller who logs in."""

    class Meta:
        model = PartnerStaff

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creator

    handle = factory.Sequence(lambda n: f"creator_{n}")
    display_name = factory.LazyAttribute(lambda c: c.handle.replace("_", " ").title())
    tier = Tier.NON_TIERED
    live_gmv_30d = Decimal("0")
    follower_count = 1000
    tier_as_of = None
    followers_as_of = None


class CreatorUserFactory(CreatorFactory):
    """A creator with a login."""

    user = factory.SubFactory(UserFactory)


class CreatorDailyStatsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreatorDailyStats

    creator = factory.SubFactory(CreatorFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))
    live_gmv_usd = Decimal("10.00")
    followers = 1000
    live_sessions = 1
    average_viewers = 50
    top_category = "Beauty"


class LeadFactory(factory.django.DjangoModelFactory):
    """A lead placed directly; tests of rules go through the services instead."""

    class Meta:
        model = Lead

    partner = factory.SubFactory(PartnerFactory)
    creator = factory.SubFactory(CreatorFactory)
    source = LeadSource.INSTANT_MESSAGE
    status = LeadStatus.NEW
    requested_at = factory.LazyFunction(timezone.now)
    creator_tier = factory.LazyAttribute(lambda lead: lead.creator.tier)
    creator_follower_count = factory.LazyAttribute(lambda lead: lead.creator.follower_count)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A writer of leads like any other: it bumps the partner's pool version by name.
        lead = super()._create(model_class, *args, **kwargs)
        pool_version_bump(partner_ids=[lead.partner_id])
        return lead


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    partner = factory.SubFactory(PartnerFactory)
    creator = factory.SubFactory(CreatorUserFactory)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    side = Side.CREATOR
    body = factory.Sequence(lambda n: f"Hello {n}")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    partner = factory.SubFactory(PartnerFactory)
    kind = NotificationKind.LEAD_REMOVED
    text = "A lead was removed from the pool."
