"""Accessibility on every page, for the seller, the creator and the admin, at 1280x800 and
390x844 in real Chromium (issue 22):

- the vendored axe-core (static/vendor/axe-core) finds no serious or critical violation,
  admin's tier thresholds and feed import included;
- on the phone, every visible interactive element (a, button, input, select, textarea,
  summary, [role=button]) is at least 24x24 CSS px (WCAG 2.2, 2.5.8 Target Size (Minimum)).

Target-size exemptions taken from WCAG 2.5.8, and only these:
- "Inline": a link inside a sentence (an `a` displayed inline whose parent element also holds
  words of its own, e.g. "… open one from a lead in the <a>Leads Pool</a>.") is exempt;
- elements off screen or clipped to 1 px on purpose (the skip link until focused, .sr-only).
Everything else, the native checkbox included, is measured by its bounding box.
"""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import JobRun
from creators.models import Tier
from followup.services import task_create
from im.models import Side
from im.reply_templates import reply_template_create
from im.services import message_send, thread_open
from leads.models import LeadSource, LeadStatus
from leads.services import collaboration_request_submit
from notifications.models import NotificationKind
from tests.factories import (
    PASSWORD,
    CreatorDailyStatsFactory,
    CreatorFactory,
    LeadFactory,
    NotificationFactory,
)

AXE_URL = "/static/vendor/axe-core/axe.min.js"
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MIN_TARGET = 24

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => {
      const where = v.nodes.slice(0, 4).map((n) => n.target.join(" "));
      return `${v.impact} ${v.id}: ${where.join(", ")}`;
    });
}"""

SMALL_TARGETS = """(minimum) => {
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    + "[role=button]";
  // In running text: an inline link whose parent element also holds words of its own.
  function inlineInText(el) {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    const parent = el.parentElement;
    if (!parent) return false;
    return Array.from(parent.childNodes).some(
      (node) => node.nodeType === Node.TEXT_NODE && /[A-Za-z0-9]{2,}/.test(node.textContent)
    );
  }
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    if (el.closest("details:not([open]) > :not(summary)")) continue;  // folded away
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // .sr-only, or not rendered
    if (box.bottom <= 0 || box.right <= 0) continue;  // off screen until focused (skip link)
    if (inlineInText(el)) continue;
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      const label = el.getAttribute("aria-label") || el.textContent || el.name || el.type;
      const name = (label || "").trim().slice(0, 30);
      const classes = typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/\\s+/).join(".") : "";
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      const tag = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes;
      found.push(`${tag} "${name}" ${size}`);
    }
  }
  return found;
}"""


def world(partner_a, seller_a, creator_silver):
    """A partner with leads of every status and source, a conversation, notifications, a task
    and a reply template; a creator with a request; job runs for the admin."""
    now = timezone.now()
    CreatorDailyStatsFactory(creator=creator_silver)
    submitted = collaboration_request_submit(
        creator=creator_silver, partner=partner_a, message="Hello!", consent=True
    )
    for i, (status, source) in enumerate(
        [
            (LeadStatus.NEW, LeadSource.COLLABORATION_REQUEST),
            (LeadStatus.CONTACTED, LeadSource.COLLABORATION_REQUEST),
            (LeadStatus.COLLABORATING, LeadSource.INSTANT_MESSAGE),
            (LeadStatus.CLOSED, LeadSource.INSTANT_MESSAGE),
        ]
    ):
        LeadFactory(
            partner=partner_a,
            creator=CreatorFactory(handle=f"a11y_creator_{i}", tier=Tier.GOLD),
            status=status,
            source=source,
            owner=seller_a if i % 2 else None,
            authorization_expires_at=now + dt.timedelta(hours=10 + i)
            if source == LeadSource.COLLABORATION_REQUEST
            else None,
        )
    thread, _ = thread_open(partner=partner_a, creator=creator_silver)
    message_send(thread=thread, sender=seller_a, side=Side.SELLER, body="Hi, thanks!")
    message_send(
        thread=thread, sender=creator_silver.user, side=Side.CREATOR, body="Great, talk soon"
    )
    reply_template_create(partner=partner_a, name="Welcome", body="Hi {creator_name}!")
    NotificationFactory(partner=partner_a, text="@someone was removed from the Leads Pool")
    for _ in range(2):
        NotificationFactory(partner=partner_a, kind=NotificationKind.AUTHORIZATION_EXPIRING)
    NotificationFactory(
        partner=None,
        user=creator_silver.user,
        kind=NotificationKind.PARTNER_REPLIED,
        text="Alpha LIVE Agency replied",
    )
    JobRun.objects.create(
        job=JobRun.Job.REFRESH_TIERS,
        status=JobRun.Status.SUCCEEDED,
        started_at=now,
        finished_at=now,
    )
    task_create(lead=submitted.request.lead, user=seller_a, title="Call back", due_at=now)
    return {"thread": thread.pk, "request": submitted.request.pk, "slug": partner_a.slug}


def pages_for(role: str, ids: dict) -> list[str]:
    if role == "seller":
        from leads.models import Lead

        lead = Lead.objects.filter(partner__slug=ids["slug"]).order_by("pk").first()
        return [
            "/seller/leads/",
            f"/seller/leads/{lead.pk}/",
            "/seller/dashboard/",
            "/seller/im/",
            f"/seller/im/{ids['thread']}/",
            "/seller/im/reply-templates/",
            "/seller/tasks/",
            "/seller/settings/",
            "/seller/notifications/",
            "/accounts/notifications/",
        ]
    if role == "creator":
        return [
            "/ec/partners/",
            f"/ec/partners/{ids['slug']}/",
            f"/ec/partners/{ids['slug']}/request/",
            "/ec/requests/",
            f"/ec/requests/{ids['request']}/",
            "/ec/messages/",
            f"/ec/messages/{ids['thread']}/",
            "/ec/notifications/",
        ]
    return [
        "/admin/",
        "/admin/creators/tierthreshold/",
        "/admin/creators/creatordailystats/import/",
        "/admin/creators/creatordailystats/",
        "/admin/core/jobrun/",
        "/admin/creators/creator/",
        "/admin/creators/partner/",
        "/admin/leads/lead/",
    ]


USERS = {"seller": "seller_a", "creator": "creator_silver", "admin": "admin"}


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("role", ["seller", "creator", "admin"])
def test_every_page_passes_axe_and_phone_targets_are_24px(
    page, login, role, viewport, partner_a, seller_a, creator_silver, admin_user
):
    ids = world(partner_a, seller_a, creator_silver)
    page.set_viewport_size(viewport)
    login(USERS[role], PASSWORD)
    problems = []
    for url in pages_for(role, ids):
        response = page.goto(url)
        assert response.status < 400, f"{url}: {response.status}"
        page.wait_for_load_state("networkidle")
        # By URL: a `path=` tag is inline script, which the CSP (script-src 'self') blocks.
        page.add_script_tag(url=AXE_URL)
        problems += [f"{url}: {found}" for found in page.evaluate(AXE_RUN)]
        if viewport is PHONE:
            problems += [
                f"{url}: small target {t}" for t in page.evaluate(SMALL_TARGETS, MIN_TARGET)
            ]
    assert problems == [], "\n".join(problems)
