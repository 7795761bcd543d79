"""The demo's data tables: partners, named accounts, name parts, categories, ranges and
chat lines. The scenarios that use them live in the `seed_demo` command."""

from creators.models import PartnerType, Tier
from im.models import Side

PASSWORD = "demo"
# (name, slug, type, categories, profile, staff username or None)
PARTNERS = [
    (
        "Alpha LIVE Agency",
        "alpha",
        PartnerType.L2L,
        "Beauty,Skincare,Fashion",
        "U.S. local LIVE agency: show planning, host coaching and sample logistics for beauty "
        "and fashion brands.",
        "seller_a",
    ),
    (
        "Bravo Creators Co.",
        "bravo",
        PartnerType.CB,
        "Home,Kitchen,Gadgets",
        "Cross-border partner bringing factory-direct home and kitchen goods to U.S. LIVE "
        "creators, with free samples.",
        "seller_b",
    ),
    (
        "Cobalt Commerce",
        "cobalt",
        PartnerType.L2L,
        "Fitness,Wellness",
        "Fitness and wellness brands looking for LIVE hosts with engaged audiences.",
        None,
    ),
    (
        "Delta Stream Partners",
        "delta",
        PartnerType.CB,
        "Electronics,Gadgets",
        "Consumer electronics from leading cross-border sellers; weekly LIVE slots.",
        None,
    ),
    (
        "Echo Live Studio",
        "echo",
        PartnerType.L2L,
        "Fashion,Accessories",
        "Studio space in LA and NYC, stylists, and a roster of fashion brands.",
        None,
    ),
    (
        "Fable Brands Group",
        "fable",
        PartnerType.L2L,
        "Food,Beverages,Home",
        "Snack and beverage brands for LIVE tastings and bundles.",
        None,
    ),
    (
        "Gemline Global",
        "gemline",
        PartnerType.CB,
        "Jewelry,Accessories",
        "Jewelry and accessories with creator-exclusive LIVE pricing.",
        None,
    ),
]
NAMED_TIERS = {
    "creator_diamond": Tier.DIAMOND,
    "creator_silver": Tier.SILVER,
    "creator_bronze": Tier.BRONZE,
    "creator_none": Tier.NON_TIERED,
}
NAMED_PROFILES = {
    # handle: (display name, followers, main category)
    "creator_diamond": ("Dana Diaz LIVE", 4_800_000, "Beauty"),
    "creator_silver": ("Sam Silva", 42_000, "Home"),
    "creator_bronze": ("Bree Brown", 7_800, "Fashion"),
    "creator_none": ("Nico Newman", 950, "Fitness"),
}
# A second staff user of Alpha, so owners, notes and shared views have a teammate.
SECOND_SELLER = ("seller_a2", "alpha", "Sam", "Lee")
DEMO_USERNAMES = ["admin", "seller_a", "seller_a2", "seller_b", *NAMED_TIERS]
# (owner, name, pool query): shared with the owner's team.
SAVED_VIEWS = [
    (
        "seller_a",
        "Gold+ · 100K–1M · new",
        "tier=gold&tier=platinum&tier=ruby&tier=emerald&tier=sapphire&tier=diamond"
        "&followers=100k-1m&status=new",
    ),
    (
        "seller_a2",
        "Expiring within 24 h",
        "expiring_within_hours=24&ordering=authorization_expires_at",
    ),
]
NOTES = [
    "Prefers evening LIVEs (after 6pm PT). Asked about free samples.",
    "Sent the rate card; follow up on Thursday.",
    "Great engagement on skincare demos; pitch the serum launch.",
    "Wants a 4-week series, not one-off shows.",
]
# Generated creators' handles look like `ava.martinez_0042`; --reset deletes exactly those.
GENERATED_HANDLE_REGEX = r"^[a-z]+\.[a-z]+_[0-9]{4}$"
FIRST_NAMES = (
    "Ava Mia Leo Kai Zoe Eli Ivy Max Noah Luna Jay Rae Gia Uma Rio Tia Dex Ora Liam Emma "
    "Olivia Sofia Mateo Aria Ezra Nora Milo Jade Theo Isla Omar Priya Hana Diego Chloe Maya "
    "Jonah Layla Ruby Marco"
).split()
LAST_NAMES = (
    "Martinez Nguyen Johnson Kim Patel Garcia Chen Rivera Brooks Lopez Walker Reyes Singh "
    "Carter Flores Bennett Park Hughes Ramos Foster Ortiz Price Tran Morgan Ali Cruz Ward "
    "Gomez Hayes Rossi"
).split()
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
# The Leads Pool's presets: 0–10K, 10K–100K, 100K–1M, 1M–10M, 10M+.
FOLLOWER_RANGES = [
    (50, 9_999),
    (10_000, 99_999),
    (100_000, 999_999),
    (1_000_000, 9_999_999),
    (10_000_000, 45_000_000),
]
# How many creators land in each tier: non-tiered, Bronze … Diamond.
TIER_WEIGHTS = [30, 22, 16, 10, 7, 5, 4, 3, 3]
ALPHA_LEADS = 250
BRAVO_LEADS = 40
OPENERS = [
    "Hi! Do you work with creators in my category?",
    "Hello, I saw your partner page. Are you taking new LIVE hosts?",
    "Hey! I'd love to hear about your brands for next month's LIVEs.",
]
REPLIES = [
    (Side.SELLER, "We do! Could you share your usual LIVE schedule?"),
    (Side.CREATOR, "Tuesdays and Fridays, 7-9 pm ET, about 2 hours each."),
    (Side.SELLER, "Great. We can send samples this week. What's your shipping address?"),
    (Side.CREATOR, "Sending it now. Can we start with the new skincare set?"),
    (Side.SELLER, "Perfect, I'll put you on the launch LIVE on the 12th."),
]
