"""Every htmx form that writes is safe to double-click: while its request is in flight, a second
submit is dropped (`hx-sync`) and its buttons are disabled (`hx-disabled-elt`). Without them
htmx queues the second click and runs it after the first: two notes, two messages.

(A note's edit and delete forms are built in Python, `leads_tags.note_item`, with the same
attributes; the lead detail tests render them.)"""

import re
from pathlib import Path

from django.conf import settings

FORM_TAG = re.compile(r"<form\b[^>]*>", re.S)


def test_every_htmx_post_form_drops_a_second_submit():
    templates = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
    posting, offenders = 0, []
    for path in templates:
        for tag in FORM_TAG.findall(path.read_text()):
            if "hx-post" not in tag:
                continue
            posting += 1
            if "hx-sync=" not in tag or "hx-disabled-elt=" not in tag:
                offenders.append(f"{path.name}: {' '.join(tag.split())[:120]}")
    assert posting >= 8  # the scan found the detail, pool row, IM and new-note forms
    assert offenders == []
