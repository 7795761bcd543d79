"""Demo data: the contract's accounts, partners, thousands of creators, their feed, leads and IM.

Everything goes through the services (the feed is bulk-inserted, then the real tier and
follower refreshes run), so the demo shows what the jobs produce. It is reproducible (a fixed
random seed) and loads in a few seconds on SQLite.
"""

import datetime as dt
import os
import random
import time

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.clock import business_today, tier_refresh_latest
from core.mail import mail_suppressed
from core.models import OutboxEvent
from creators.models import Creator, CreatorDailyStats, Partner, PartnerStaff, Tier
from creators.services import followers_refresh, tiers_refresh
from demo.data import (
    ALPHA_LEADS,
    BRAVO_LEADS,
    DEMO_USERNAMES,
    FOLLOWER_RANGES,
    GENERATED_HANDLE_REGEX,
    NAMED_TIERS,
    NOTES,
    OPENERS,
    PARTNERS,
    PASSWORD,
    REPLIES,
    SAVED_VIEWS,
    SECOND_SELLER,
)
from demo.integrations import IntegrationScenes
from demo.loop import ResponseLoopScenes
from demo.population import CreatorPopulation
from im.models import Message, Side, Thread
from im.services import message_send, thread_open
from leads.models import CollaborationRequest, Lead, LeadEvent, LeadStatus
from leads.pool_version import pool_version_bump
from leads.services import (
    authorizations_expire,
    collaboration_request_submit,
    expiring_authorizations_remind,
    expiry_digest_send,
    lead_add,
    lead_remove,
    lead_set_status,
    leads_bulk_apply,
    note_create,
    saved_view_create,
)
from leads.services.responses import response_due_at
from notifications.models import Notification, NotificationReadMark
from partner_center.celery import app as celery_app


class Command(CreatorPopulation, ResponseLoopScenes, IntegrationScenes, BaseCommand):
    help = (
        "Load the demo: accounts (password 'demo'), partners, creators of every tier and "
        "follower range, their creator-stats feed, leads and IM threads. Runs once; --reset "
        "deletes the demo data and loads it again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--creators", type=int, default=3000, help="Generated creators (default 3000)."
        )
        parser.add_argument("--reset", action="store_true", help="Delete the demo data first.")

    def handle(self, *args, creators: int, reset: bool, **options):
        started = time.monotonic()
        if User.objects.filter(username="admin").exists() and not reset:
            self.stdout.write("The demo data is already loaded (use --reset to load it again).")
            self.print_logins()
            return
        rng = random.Random(20251208)  # fixed: the demo is the same on every machine
        # One transaction: a crash leaves nothing half-loaded, and a rerun starts over.
        with transaction.atomic():
            if reset:
                self.wipe()
            self.now = timezone.now()
            self.today = business_today()
            self.as_of = tier_refresh_latest(now=self.now)
            partners = self.create_partners()
            targets = self.create_creators(rng, max(creators, 0))
            self.create_feed(rng, targets)
            tiers = tiers_refresh(as_of=self.as_of)
            followers = followers_refresh()
            self.check_named_tiers()
            # Mail goes out by a Celery task once the transaction commits. The demo's mail should
            # be in var/mail/ when the command ends, worker or not: run those tasks here. The
            # history it builds (months of past requests) sends none; the fresh request, the
            # assignments and the day's reminders and digest do.
            eager = celery_app.conf.task_always_eager
            celery_app.conf.task_always_eager = True
            with mail_suppressed():
                self.create_leads(rng, partners)
                threads = self.create_threads(rng, partners)
            expired = authorizations_expire()
            self.create_workspace(rng, partners)
            self.shape_first_responses(rng)
            self.create_response_loop(partners)
            expiring_authorizations_remind()
            expiry_digest_send()
            self.read_older_notifications()
            webhook = self.create_demo_webhook(partners)  # last: the log starts empty
            # Last on-commit callback: the mail tasks queued before it run eagerly first.
            transaction.on_commit(lambda: setattr(celery_app.conf, "task_always_eager", eager))
        self.stdout.write(
            f"Demo loaded in {time.monotonic() - started:.1f}s: "
            f"{Creator.objects.count():,} creators, "
            f"{CreatorDailyStats.objects.count():,} creator-stats rows, "
            f"tier refresh as of {tiers.as_of:%b} {tiers.as_of.day} "
            f"({tiers.rows_changed:,} creators), "
            f"follower refresh ({followers.rows_changed:,} creators), "
            f"{Lead.objects.count():,} leads, {threads} IM threads, "
            f"{expired.rows_changed} authorizations expired; Alpha's webhook posts to {webhook}."
        )
        self.print_logins()

    def print_logins(self):
        port = os.environ.get("PORT", "8000")
        self.stdout.write(
            f"Open http://127.0.0.1:{port}/ (admin: http://127.0.0.1:{port}/admin/). "
            "Demo logins, password 'demo': admin (superuser), seller_a and seller_a2 (Alpha LIVE "
            "Agency), "
            "seller_b (Bravo Creators Co.), creator_diamond, creator_silver, creator_bronze, "
            "creator_none."
        )

    def read_older_notifications(self):
        """seller_a has read what is older than a day; seller_a2 has read nothing, so the two
        bells differ (read state is per user)."""
        seller_a = User.objects.get(username="seller_a")
        partner = seller_a.partner_staff.partner
        older = (
            Notification.objects.filter(
                partner=partner, created_at__lt=self.now - dt.timedelta(days=1)
            )
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        if older:
            NotificationReadMark.objects.create(
                user=seller_a, read_through_id=older, marked_at=self.now
            )

    def wipe(self):
        """Delete the demo's partners, creators and accounts (their leads, feed and IM go too)."""
        partners = Partner.objects.filter(slug__in=[p[1] for p in PARTNERS])
        # The outbox keeps a plain partner id (no cascade): its events go with the partners.
        OutboxEvent.objects.filter(partner_id__in=partners.values("pk")).delete()
        partners.delete()
        Creator.objects.filter(handle__in=NAMED_TIERS).delete()
        Creator.objects.filter(handle__regex=GENERATED_HANDLE_REGEX).delete()
        User.objects.filter(username__in=DEMO_USERNAMES).delete()

    def user(self, username: str, **extra) -> User:
        user = User(username=username, email=f"{username}@example.com", **extra)
        user.set_password(PASSWORD)
        user.save()
        return user

    def create_partners(self) -> dict[str, Partner]:
        self.user("admin", is_staff=True, is_superuser=True)
        partners = {}
        for name, slug, kind, categories, profile, staff in PARTNERS:
            partners[slug] = Partner.objects.create(
                name=name, slug=slug, partner_type=kind, categories=categories, profile=profile
            )
            if staff:
                PartnerStaff.objects.create(user=self.user(staff), partner=partners[slug])
        username, slug, first, last = SECOND_SELLER
        PartnerStaff.objects.create(
            user=self.user(username, first_name=first, last_name=last), partner=partners[slug]
        )
        return partners

    # --- creators and the feed ------------------------------------------------------------

    def pick_creators(self, rng: random.Random, count: int) -> list[Creator]:
        """`count` generated creators that include every tier in every follower range."""
        generated = list(
            Creator.objects.filter(handle__regex=GENERATED_HANDLE_REGEX).order_by("id")
        )
        by_cell: dict[tuple[int, int], list[Creator]] = {}
        for creator in generated:
            band = sum(creator.follower_count >= low for low, _ in FOLLOWER_RANGES[1:])
            by_cell.setdefault((creator.tier, band), []).append(creator)
        picked = []
        for cell in sorted(by_cell):
            picked.extend(rng.sample(by_cell[cell], min(2, len(by_cell[cell]))))
        chosen = {c.pk for c in picked}
        rest = [c for c in generated if c.pk not in chosen]
        picked.extend(rng.sample(rest, max(0, min(len(rest), count - len(picked)))))
        rng.shuffle(picked)
        return picked[:count]

    def backdate_lead(self, lead: Lead, when: dt.datetime, *, request=None) -> None:
        """Move a lead (and its request, events and notifications) back to `when`."""
        lead_fields = {"requested_at": when}
        if request is not None:
            expires = when + dt.timedelta(days=settings.AUTHORIZATION_DAYS)
            due = response_due_at(partner=lead.partner, submitted_at=when)
            lead_fields.update(authorization_expires_at=expires, response_due_at=due)
            CollaborationRequest.objects.filter(pk=request.pk).update(
                submitted_at=when, authorization_expires_at=expires, response_due_at=due
            )
            # A first reply already stamped (a status change, a message) keeps its order
            # after the request: it moves back with it.
            Lead.objects.filter(pk=lead.pk, first_response_at__isnull=False).update(
                first_response_at=when + dt.timedelta(hours=3)
            )
            CollaborationRequest.objects.filter(
                pk=request.pk, first_response_at__isnull=False
            ).update(first_response_at=when + dt.timedelta(hours=3))
        Lead.objects.filter(pk=lead.pk).update(**lead_fields)
        pool_version_bump(partner_ids=[lead.partner_id])  # requested_at is a counted filter
        LeadEvent.objects.filter(lead=lead).update(created_at=when)
        Notification.objects.filter(lead_id=lead.pk).update(created_at=when)

    def create_leads(self, rng: random.Random, partners: dict[str, Partner]) -> None:
        sellers = {
            slug: User.objects.get(username=staff)
            for _n, slug, _k, _c, _p, staff in PARTNERS
            if staff
        }
        diamond = Creator.objects.get(handle="creator_diamond")
        plans = [
            ("alpha", [diamond, *self.pick_creators(rng, ALPHA_LEADS - 1)]),
            ("bravo", self.pick_creators(rng, BRAVO_LEADS)),
        ]
        # The other partners get a few collaborating creators for the Top LIVE Partner list.
        for slug in ("cobalt", "delta", "echo", "fable", "gemline"):
            plans.append((slug, self.pick_creators(rng, rng.randint(3, 9))))
        for slug, creators in plans:
            partner, seller = partners[slug], sellers.get(slug)
            for creator in creators:
                self.create_lead(rng, partner, seller, creator)

    def create_lead(self, rng, partner: Partner, seller: User | None, creator: Creator) -> None:
        request = None
        if seller is None:
            lead, _ = lead_add(partner=partner, creator=creator, user=None)
            self.backdate_lead(lead, self.now - dt.timedelta(days=rng.randint(20, 90)))
            lead_set_status(lead=lead, status=LeadStatus.COLLABORATING, user=None)
            return
        is_diamond = creator.handle == "creator_diamond"
        if creator.tier >= Tier.SILVER and (is_diamond or rng.random() < 0.6):
            # The fresh request to Alpha mails its staff, as a new request does.
            with mail_suppressed(not is_diamond):
                request = collaboration_request_submit(
                    creator=creator,
                    partner=partner,
                    message=rng.choice(
                        [
                            "Hi! I'd love to host LIVE sessions for your brands.",
                            "I sell out most LIVEs in my category; let's talk about a series.",
                            "",
                        ]
                    ),
                    consent=True,
                ).request
            lead = request.lead
            # About half are older than AUTHORIZATION_DAYS: their authorization has expired.
            hours = 3 if is_diamond else rng.randint(1, 24 * 14)
            self.backdate_lead(lead, self.now - dt.timedelta(hours=hours), request=request)
        else:
            lead, _ = lead_add(partner=partner, creator=creator, user=seller)
            self.backdate_lead(lead, self.now - dt.timedelta(hours=rng.randint(1, 24 * 45)))
        if is_diamond:
            return  # a fresh request: new, authorized, at the top of Alpha's pool
        roll = rng.random()
        if roll < 0.04:
            lead_remove(lead=lead, user=seller)
        elif roll < 0.30:
            lead_set_status(lead=lead, status=LeadStatus.CONTACTED, user=seller)
        elif roll < 0.42:
            lead_set_status(lead=lead, status=LeadStatus.COLLABORATING, user=seller)
        elif roll < 0.48:
            lead_set_status(lead=lead, status=LeadStatus.CLOSED, user=seller)

    def create_workspace(self, rng: random.Random, partners: dict[str, Partner]) -> None:
        """Alpha's team at work: leads expiring within 24 hours, owners, notes, shared views."""
        seller_a = User.objects.get(username="seller_a")
        seller_a2 = User.objects.get(username=SECOND_SELLER[0])
        # A few authorizations that end within 24 hours (5, 11 and 20 hours from now), so the
        # "expires within 24 h" filter, the reminders and the digest have something to show.
        for slug, hours_left in (("alpha", 5), ("alpha", 11), ("alpha", 20), ("bravo", 9)):
            request = (
                CollaborationRequest.objects.filter(
                    partner=partners[slug],
                    is_open=True,
                    lead__removed_at__isnull=True,
                    authorization_expires_at__gt=self.now + dt.timedelta(days=1),
                )
                .exclude(creator__handle="creator_diamond")
                .order_by("id")
                .first()
            )
            if request is None:
                continue
            hours = settings.AUTHORIZATION_DAYS * 24 - hours_left
            self.backdate_lead(request.lead, self.now - dt.timedelta(hours=hours), request=request)
        # Owners: a third of Alpha's pool each for seller_a2 and seller_a, the rest unassigned.
        pool = list(
            Lead.objects.in_pool()
            .filter(partner=partners["alpha"])
            .order_by("id")
            .values_list("pk", flat=True)
        )
        rng.shuffle(pool)
        third = len(pool) // 3
        for owner, assigner, ids in (
            (seller_a2, seller_a, pool[:third]),
            (seller_a, seller_a2, pool[third : 2 * third]),
        ):
            if ids:
                leads_bulk_apply(
                    partner=partners["alpha"],
                    user=assigner,
                    action="assign",
                    ids=sorted(ids),
                    owner_id=owner.pk,
                )
        for index, lead in enumerate(Lead.objects.filter(pk__in=pool[:6]).order_by("id")):
            author = seller_a if index % 2 == 0 else seller_a2
            note_create(lead=lead, author=author, body=NOTES[index % len(NOTES)])
        for username, name, query in SAVED_VIEWS:
            saved_view_create(
                owner=User.objects.get(username=username),
                partner=partners["alpha"],
                name=name,
                query=query,
                shared=True,
            )

    def create_threads(self, rng: random.Random, partners: dict[str, Partner]) -> int:
        """A dozen IM threads for Alpha (with creator_bronze and creator_silver) and a few
        for Bravo, with messages from both sides."""
        named = {c.handle: c for c in Creator.objects.filter(handle__in=NAMED_TIERS)}
        alpha_im_leads = list(
            Creator.objects.filter(
                leads__partner=partners["alpha"], leads__source="instant_message"
            ).order_by("id")
        )
        plans = [
            ("alpha", "seller_a", [named["creator_bronze"], named["creator_silver"]]),
            ("bravo", "seller_b", [named["creator_bronze"]]),
        ]
        plans[0][2].extend(rng.sample(alpha_im_leads, min(10, len(alpha_im_leads))))
        bravo_leads = list(Creator.objects.filter(leads__partner=partners["bravo"]))
        plans[1][2].extend(rng.sample(bravo_leads, min(3, len(bravo_leads))))
        count = 0
        for slug, username, creators in plans:
            seller = User.objects.get(username=username)
            for creator in creators:
                thread, _ = thread_open(partner=partners[slug], creator=creator)
                length = 2 + rng.randint(0, len(REPLIES) - 1)
                script = [(Side.CREATOR, rng.choice(OPENERS)), *REPLIES][:length]
                if creator.handle == "creator_silver":
                    script = script[:3]
                opened = sent = self.now - dt.timedelta(hours=rng.randint(2, 24 * 10))
                last_seller = None
                for side, body in script:
                    message = message_send(
                        thread=thread,
                        sender=seller if side == Side.SELLER else creator.user,
                        side=side,
                        body=body,
                    )
                    sent += dt.timedelta(minutes=rng.randint(2, 90))
                    Message.objects.filter(pk=message.pk).update(created_at=sent)
                    if side == Side.SELLER:
                        last_seller = sent
                Thread.objects.filter(pk=thread.pk).update(
                    created_at=opened,
                    last_message_at=sent,
                    # A thread whose last word is the creator's is unread for the seller.
                    seller_last_read_at=last_seller,
                    creator_last_read_at=sent,
                )
                count += 1
        return count
