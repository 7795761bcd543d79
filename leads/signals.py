"""The signals leads sends, which higher apps (im) connect to in their AppConfig.ready(), and
the creators' signals leads connects to (creators may not import leads).

Each is sent explicitly by the service that writes, inside its transaction, so a receiver's
writes commit or roll back with the change itself. No model signal is connected here: a
rule kept in a post_save receiver is skipped by `update()`, bulk statements and raw SQL.

`collaboration_request_sent`: arguments `request` (the CollaborationRequest, new or the open
one), `created` (a new request, or a repeat while one is open) and `message` (the text sent
this time, maybe empty).
"""

from django.dispatch import Signal

collaboration_request_sent = Signal()

# `lead_arrived`: a lead entered the pool (a new collaboration request, or "Add to leads" in
# IM, new or restored), sent by the service inside its transaction after its writes, so an
# assignment rule (the routing app) owns the lead in the same transaction. Arguments: `lead`
# (locked for the transaction) and `actor` (the seller who added it, or None for a request).
lead_arrived = Signal()


def connect() -> None:
    from creators.signals import creator_figures_refreshed, creator_profile_changed

    from .services.figures import lead_figures_sync, leads_sync_creator_search

    # The pool filters on copies of each creator's tier and followers, and searches a copy of
    # their handle and name: refresh them with the creators, in the same transaction.
    creator_figures_refreshed.connect(lead_figures_sync, dispatch_uid="lead_figures_sync")
    creator_profile_changed.connect(
        lambda sender, creator, **kwargs: leads_sync_creator_search(creator=creator),
        dispatch_uid="leads_sync_creator_search",
        weak=False,
    )
