"""Leads, collaboration requests, their history and notes, saved views, the pool version."""

from .history import NOTE_MAX_LENGTH, LeadEvent, LeadNote, LeadNoteQuerySet
from .lead import (
    EXPIRING_SOON_HOURS,
    Authorization,
    CloseReason,
    Lead,
    LeadPoolVersion,
    LeadQuerySet,
    LeadSource,
    LeadStatus,
    authorized_q,
    creator_search_text,
    expiring_q,
)
from .request import CollaborationRequest, FirstResponse
from .workspace import ExpiryDigest, PoolPreference, SavedView

# fmt: off
__all__ = [
    "EXPIRING_SOON_HOURS", "NOTE_MAX_LENGTH", "Authorization", "CloseReason",
    "CollaborationRequest", "FirstResponse",
    "ExpiryDigest", "Lead", "LeadEvent", "LeadNote", "LeadNoteQuerySet", "LeadPoolVersion",
    "LeadQuerySet", "LeadSource", "LeadStatus", "PoolPreference", "SavedView", "authorized_q",
    "creator_search_text", "expiring_q",
]
# fmt: on
