"""What the creators domain tells higher apps, so it never has to import them."""

from django.dispatch import Signal

# Sent inside a tier or follower refresh's transaction, after creators changed (kwargs:
# job_run). The leads app copies the new tier and followers onto its leads here.
creator_figures_refreshed = Signal()
