"""TTSPC IM: one thread per partner and creator, messages from both sides."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from creators.models import Creator, Partner
from leads.models import creator_search_text

MESSAGE_MAX_LENGTH = 2000

# A thread is unread by a side when its last message (or request) came after that side last
# read it. The navigation counts these per partner or creator: the partial indexes below hold
# only such threads, so the count reads a handful of index entries.
UNREAD_BY_SELLER = Q(last_message_at__gt=F("seller_last_read_at")) | Q(
    seller_last_read_at__isnull=True, last_message_at__isnull=False
)
UNREAD_BY_CREATOR = Q(last_message_at__gt=F("creator_last_read_at")) | Q(
    creator_last_read_at__isnull=True, last_message_at__isnull=False
)

# A thread's last activity: its last message, or its opening while it has none. The lists sort
# and page by it; one expression, so the indexes below match the ORDER BY exactly.
LAST_ACTIVITY = Coalesce("last_message_at", "created_at")


class Side(models.TextChoices):
    SELLER = "seller", "Seller"
    CREATOR = "creator", "Creator"


class Thread(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="threads")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="threads")
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_message_body = models.CharField(max_length=200, blank=True)
    seller_last_read_at = models.DateTimeField(null=True, blank=True)
    creator_last_read_at = models.DateTimeField(null=True, blank=True)
    # The thread list's search reads this copy of the creator's handle and name, the pool's
    # `creator_search_text` (kept by save() and, on a rename, by im.signals): a search walks
    # only the partner's own threads instead of joining every creator.
    creator_search = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = [LAST_ACTIVITY.desc(), "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "creator"], name="one_thread_per_pair"),
        ]
        indexes = [
            # The inbox, a page at a time: `partner = … ORDER BY last activity DESC, id DESC`
            # and its keyed "older conversations" pages read this index in order.
            models.Index(
                F("partner"), LAST_ACTIVITY.desc(), F("id").desc(), name="thread_partner_idx"
            ),
            models.Index(
                F("creator"), LAST_ACTIVITY.desc(), F("id").desc(), name="thread_creator_idx"
            ),
            # The navigation's unread counts (im.selectors.unread_thread_count).
            models.Index(
                fields=["partner"], condition=UNREAD_BY_SELLER, name="thread_seller_unread_idx"
            ),
            models.Index(
                fields=["creator"], condition=UNREAD_BY_CREATOR, name="thread_creator_unread_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ↔ {self.creator}"

    def save(self, *args, **kwargs):
        if not self.creator_search and self.creator_id is not None:
            self.creator_search = creator_search_text(self.creator)
        super().save(*args, **kwargs)


class Message(models.Model):
    # No single-column index on thread: (thread, id) below leads with it.
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    side = models.CharField(max_length=8, choices=Side.choices)
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="message_thread_idx"),
            # The IM poll: `thread = … AND id > <last shown> ORDER BY id`, every 3 s per open
            # tab. Without it the primary key is walked from the last id over every later
            # message of every thread.
            models.Index(fields=["thread", "id"], name="message_thread_poll_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.side}: {self.body[:40]}"


REPLY_TEMPLATE_NAME_MAX = 80
# The placeholders a reply template may use; each is filled for the thread it is sent in.
REPLY_TEMPLATE_PLACEHOLDERS = ("creator_name", "partner_name", "expires_in")


class ReplyTemplate(models.Model):
    """A partner's canned reply for IM, with placeholders filled per conversation. Removal is
    soft (`removed_at`): a removed template leaves the lists and frees its name."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="reply_templates")
    name = models.CharField(max_length=REPLY_TEMPLATE_NAME_MAX)
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                F("partner"),
                Lower("name"),
                condition=Q(removed_at__isnull=True),
                name="reply_template_name_per_partner",
            ),
        ]

    def __str__(self) -> str:
        return self.name
