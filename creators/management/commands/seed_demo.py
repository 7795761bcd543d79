"""Demo data: the contract's accounts, partners, thousands of creators and their feed."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from creators.models import (
    DEFAULT_TIER_THRESHOLDS,
    Creator,
    CreatorDailyStats,
    Partner,
    PartnerStaff,
    PartnerType,
    Tier,
)
from creators.services import business_today, followers_refresh, tiers_refresh
from im.models import Side
from im.services import message_send, thread_open
from leads.models import CollaborationRequest, Lead, LeadStatus
from leads.services import (
    authorizations_expire,
    collaboration_request_submit,
    lead_add,
    lead_remove,
    lead_set_status,
)

PASSWORD = "demo"
PARTNERS = [
    (
        "Alpha LIVE Agency",
        "alpha",
        PartnerType.L2L,
        "Beauty,Skincare,Fashion",
        "U.S. local LIVE agency: show planning, hosts coaching and sample logistics.",
    ),
    (
        "Bravo Creators Co.",
        "bravo",
        PartnerType.CB,
        "Home,Kitchen,Gadgets",
        "Cross-border partner bringing factory-direct home goods to U.S. LIVE creators.",
    ),
    (
        "Cobalt Commerce",
        "cobalt",
        PartnerType.L2L,
        "Fitness,Wellness",
        "Fitness and wellness brands looking for LIVE hosts with engaged audiences.",
    ),
    (
        "Delta Stream Partners",
        "delta",
        PartnerType.CB,
        "Electronics,Gadgets",
        "Consumer electronics from leading cross-border sellers; weekly LIVE slots.",
    ),
    (
        "Echo Live Studio",
        "echo",
        PartnerType.L2L,
        "Fashion,Accessories",
        "Studio space in LA and NYC, stylists and a fashion brand roster.",
    ),
    (
        "Fable Brands Group",
        "fable",
        PartnerType.L2L,
        "Food,Beverages,Home",
        "Snack and beverage brands for LIVE tastings and bundles.",
    ),
    (
        "Gemline Global",
        "gemline",
        PartnerType.CB,
        "Jewelry,Accessories",
        "Jewelry and accessories with creator-exclusive LIVE pricing.",
    ),
]
NAMED = {
    # handle: (target 30-day LIVE GMV, followers)
    "creator_diamond": (Decimal("312500.00"), 4_800_000),
    "creator_silver": (Decimal("1500.00"), 42_000),
    "creator_bronze": (Decimal("420.00"), 7_800),
    "creator_none": (Decimal("0"), 950),
}
FIRST = [
    "Ava",
    "Mia",
    "Leo",
    "Kai",
    "Zoe",
    "Eli",
    "Ivy",
    "Max",
    "Noa",
    "Sky",
    "Jay",
    "Lux",
    "Rae",
    "Gia",
    "Ace",
    "Uma",
    "Rio",
    "Tia",
    "Dex",
    "Ora",
]
LAST = [
    "Glow",
    "Deals",
    "Live",
    "Home",
    "Style",
    "Fit",
    "Eats",
    "Tech",
    "Beauty",
    "Finds",
    "Shop",
    "Vibes",
    "Studio",
    "Picks",
    "Daily",
]
CATEGORIES = [
    "Beauty",
    "Fashion",
    "Home",
    "Kitchen",
    "Fitness",
    "Electronics",
    "Food",
    "Jewelry",
    "Toys",
    "Pets",
]
FOLLOWER_RANGES = [
    (100, 10_000),
    (10_000, 100_000),
    (100_000, 1_000_000),
    (1_000_000, 10_000_000),
    (10_000_000, 40_000_000),
]


def refresh_date(today: dt.date) -> dt.date:
    """The most recent monthly refresh date (the 2nd) on or before today."""
    if today.day >= 2:
        return today.replace(day=2)
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=2)


class Command(BaseCommand):
    help = "Load the demo: accounts (password 'demo'), partners, creators, feed, leads, IM."

    def add_arguments(self, parser):
        parser.add_argument("--creators", type=int, default=3000)
        parser.add_argument("--reset", action="store_true", help="Wipe the demo data first.")

    def handle(self, *args, creators: int, reset: bool, **options):
        if User.objects.filter(username="admin").exists() and not reset:
            self.stdout.write("Demo data is already loaded (use --reset to load it again).")
            self.print_logins()
            return
        if reset:
            self.wipe()
        rng = random.Random(20251208)  # the feature's launch date: the demo is reproducible
        with transaction.atomic():
            partners = self.create_partners()
            self.create_creators(rng, creators)
        tiers = tiers_refresh(as_of=refresh_date(business_today()))
        followers = followers_refresh()
        self.stdout.write(
            f"Tier refresh as of {tiers.as_of}: {tiers.rows_changed} creators; "
            f"follower refresh: {followers.rows_changed} creators."
        )
        self.create_leads(rng, partners)
        self.create_threads(rng, partners)
        expired = authorizations_expire()
        self.stdout.write(
            f"Demo loaded: {Creator.objects.count():,} creators, "
            f"{CreatorDailyStats.objects.count():,} feed rows, {Lead.objects.count():,} leads, "
            f"{expired.rows_changed} authorizations expired."
        )
        self.print_logins()

    def print_logins(self):
        self.stdout.write(
            "Demo logins (password 'demo'): admin (superuser), seller_a (Alpha LIVE Agency), "
            "seller_b (Bravo Creators Co.), creator_diamond, creator_silver, creator_bronze, "
            "creator_none."
        )

    def wipe(self):
        Partner.objects.filter(slug__in=[p[1] for p in PARTNERS]).delete()
        Creator.objects.all().delete()
        User.objects.filter(username__in=["admin", "seller_a", "seller_b", *NAMED.keys()]).delete()

    def user(self, username: str, **extra) -> User:
        user = User(username=username, email=f"{username}@example.com", **extra)
        user.set_password(PASSWORD)
        user.save()
        return user

    def create_partners(self) -> dict[str, Partner]:
        self.user("admin", is_staff=True, is_superuser=True)
        partners = {}
        for name, slug, kind, categories, profile in PARTNERS:
            partners[slug] = Partner.objects.create(
                name=name, slug=slug, partner_type=kind, categories=categories, profile=profile
            )
        PartnerStaff.objects.create(user=self.user("seller_a"), partner=partners["alpha"])
        PartnerStaff.objects.create(user=self.user("seller_b"), partner=partners["bravo"])
        return partners

    def create_creators(self, rng: random.Random, count: int) -> None:
        thresholds = dict(DEFAULT_TIER_THRESHOLDS)
        ranked = sorted(thresholds)
        tier_weights = [30, 22, 16, 10, 7, 5, 4, 3, 3]  # non-tiered, bronze … diamond
        targets: dict[str, tuple[Decimal, int]] = dict(NAMED)
        for i in range(count):
            tier = rng.choices([Tier.NON_TIERED, *ranked], weights=tier_weights)[0]
            if tier == Tier.NON_TIERED:
                gmv = Decimal(rng.choice([0, 0, rng.randint(1, 9999)])) / 100
            else:
                low = thresholds[tier]
                high = thresholds.get(Tier(tier + 1), low * 3) if tier < Tier.DIAMOND else low * 3
                gmv = Decimal(rng.randint(int(low * 100), int(high * 100) - 1)) / 100
            band = min(4, max(0, int(rng.gauss(tier / 2.2, 1.1))))
            followers = rng.randint(*FOLLOWER_RANGES[band])
            handle = f"{rng.choice(FIRST).lower()}{rng.choice(LAST).lower()}_{i:04d}"
            targets[handle] = (gmv, followers)
        users = {h: self.user(h) for h in NAMED}
        Creator.objects.bulk_create(
            [
                Creator(
                    handle=handle,
                    display_name=self.display_name(handle),
                    user=users.get(handle),
                )
                for handle in targets
            ],
            batch_size=1000,
        )
        ids = dict(Creator.objects.values_list("handle", "id"))
        as_of = refresh_date(business_today())
        window_start = as_of - dt.timedelta(days=30)
        yesterday = business_today() - dt.timedelta(days=1)
        rows = []
        for handle, (gmv, followers) in targets.items():
            creator_id = ids[handle]
            days: dict[dt.date, Decimal] = {}
            if gmv > 0:
                live_days = rng.sample(range(30), k=min(30, rng.randint(4, 12)))
                cents = int(gmv * 100)
                shares = [rng.randint(1, 100) for _ in live_days]
                allotted = 0
                for n, (offset, share) in enumerate(zip(live_days, shares, strict=True)):
                    part = (
                        cents - allotted
                        if n == len(live_days) - 1
                        else cents * share // sum(shares)
                    )
                    allotted += part
                    days[window_start + dt.timedelta(days=offset)] = Decimal(part) / 100
            # Recent days carry the follower figures the daily refresh copies.
            for back in range(3, 0, -1):
                days.setdefault(yesterday - dt.timedelta(days=back - 1), Decimal("0"))
            for n, (date, day_gmv) in enumerate(sorted(days.items())):
                rows.append(
                    CreatorDailyStats(
                        creator_id=creator_id,
                        date=date,
                        live_gmv_usd=day_gmv,
                        followers=max(0, followers - (len(days) - n - 1) * rng.randint(0, 40)),
                        live_sessions=1 if day_gmv > 0 else 0,
                        average_viewers=rng.randint(20, 200) * (1 + followers // 50_000)
                        if day_gmv > 0
                        else 0,
                        top_category=rng.choice(CATEGORIES) if day_gmv > 0 else "",
                    )
                )
        CreatorDailyStats.objects.bulk_create(rows, batch_size=2000)

    @staticmethod
    def display_name(handle: str) -> str:
        if handle.startswith("creator_"):
            return handle.replace("_", " ").title()
        stem = handle.rsplit("_", 1)[0]
        for last in LAST:
            if stem.endswith(last.lower()):
                return f"{stem[: -len(last)].title()} {last}"
        return stem.title()

    def create_leads(self, rng: random.Random, partners: dict[str, Partner]) -> None:
        seller_a = User.objects.get(username="seller_a")
        seller_b = User.objects.get(username="seller_b")
        pool = list(Creator.objects.exclude(handle__in=NAMED.keys()).order_by("id"))
        rng.shuffle(pool)
        alpha, bravo = partners["alpha"], partners["bravo"]
        plans = [(alpha, seller_a, pool[:250]), (bravo, seller_b, pool[250:290])]
        named = {c.handle: c for c in Creator.objects.filter(handle__in=NAMED)}
        plans[0][2].append(named["creator_diamond"])
        now = timezone.now()
        for partner, seller, creators in plans:
            for creator in creators:
                if creator.tier >= Tier.SILVER and rng.random() < 0.6:
                    result = collaboration_request_submit(
                        creator=creator,
                        partner=partner,
                        message="Hi! I'd love to host LIVE sessions for your brands.",
                    )
                    lead = result.request.lead
                    age = dt.timedelta(hours=rng.randint(1, 24 * 20))
                    submitted = now - age
                    Lead.objects.filter(pk=lead.pk).update(
                        requested_at=submitted,
                        authorization_expires_at=submitted + dt.timedelta(days=7),
                    )
                    CollaborationRequest.objects.filter(pk=result.request.pk).update(
                        submitted_at=submitted,
                        authorization_expires_at=submitted + dt.timedelta(days=7),
                    )
                else:
                    lead, _ = lead_add(partner=partner, creator=creator, user=seller)
                    Lead.objects.filter(pk=lead.pk).update(
                        requested_at=now - dt.timedelta(hours=rng.randint(1, 24 * 30))
                    )
                roll = rng.random()
                if roll < 0.04:
                    lead_remove(lead=lead, user=seller)
                elif roll < 0.30:
                    lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=seller)
                elif roll < 0.42:
                    lead_set_status(lead=lead, status=LeadStatus.COLLABORATING, user=seller)
                elif roll < 0.48:
                    lead_set_status(lead=lead, status=LeadStatus.CLOSED, user=seller)

    def create_threads(self, rng: random.Random, partners: dict[str, Partner]) -> None:
        seller_a = User.objects.get(username="seller_a")
        alpha = partners["alpha"]
        creators = list(
            Creator.objects.filter(handle__in=["creator_bronze", "creator_silver"])
        ) + list(Creator.objects.filter(leads__partner=alpha).order_by("id")[:10])
        lines = [
            (Side.CREATOR, "Hi! Do you work with creators in my category?"),
            (Side.SELLER, "We do. Could you share your usual LIVE schedule?"),
            (Side.CREATOR, "Tuesdays and Fridays, 7-9 pm ET."),
        ]
        for creator in creators:
            thread, _ = thread_open(partner=alpha, creator=creator)
            for side, body in lines[: rng.randint(1, 3)]:
                message_send(
                    thread=thread,
                    sender=seller_a if side == Side.SELLER else creator.user,
                    side=side,
                    body=body,
                )
