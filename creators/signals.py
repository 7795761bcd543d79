"""What the creators domain tells higher apps, so it never has to import them."""

from django.dispatch import Signal

# Sent inside a tier or follower refresh's transaction, after creators changed (kwargs:
# job_run). The leads app copies the new tier and followers onto its leads here.
creator_figures_refreshed = Signal()

# Sent by the service (or admin) that changed a creator's handle, display name or avatar,
# inside its transaction (kwargs: creator). The leads app updates its search copy and its
# pool versions here.
creator_profile_changed = Signal()
