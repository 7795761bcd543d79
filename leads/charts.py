"""Server-drawn SVG charts for the pipeline dashboard: geometry only, no styles.

The page's CSP allows no inline style, so each shape carries a class (colours live in
static/css/dashboard.css) and sizes as SVG attributes. Every chart also has its figures as a
table for screen readers and for copying.
"""

from dataclasses import dataclass, field

from creators.models import Tier

from .models import LeadSource, LeadStatus

WIDTH = 640
ROW_HEIGHT = 28
LABEL_WIDTH = 170
VALUE_WIDTH = 70


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str
    label: str = ""
    label_x: float = 0
    label_y: float = 0


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)  # {x, y, text, anchor}
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css, text)
    # The table: (label, figure, pool filters) -- the filters, a dict, make the row a link into
    # the Leads Pool showing those leads (empty: no link).
    rows: list[tuple[str, str, dict]] = field(default_factory=list)


def _scale(value: float, largest: float, span: float) -> float:
    return round(span * value / largest, 2) if largest else 0


def funnel(by_source: dict) -> Chart:
    """One stacked bar per source: its leads by status, new to closed."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((sum(counts.values()) for counts in by_source.values()), default=0)
    chart = Chart(
        "Leads by status for each source",
        WIDTH,
        ROW_HEIGHT * 2 * len(LeadSource.values) + 8,
        legend=[(f"status-{key}", label) for key, label in LeadStatus.choices],
    )
    for index, (source, source_label) in enumerate(LeadSource.choices):
        counts = by_source.get(source, {})
        total = sum(counts.values())
        y = index * ROW_HEIGHT * 2 + 8
        chart.labels.append({"x": 0, "y": y + 18, "text": source_label, "anchor": "start"})
        x = LABEL_WIDTH
        for status, status_label in LeadStatus.choices:
            width = _scale(counts.get(status, 0), largest, span)
            if width:
                chart.bars.append(
                    Bar(
                        x,
                        y,
                        width,
                        ROW_HEIGHT - 4,
                        f"status-{status}",
                        f"{source_label}: {counts[status]:,} {status_label.lower()}",
                    )
                )
            x += width
            chart.rows.append(
                (
                    f"{source_label} · {status_label}",
                    f"{counts.get(status, 0):,}",
                    {"source": source, "status": status},
                )
            )
        chart.labels.append({"x": x + 6, "y": y + 18, "text": f"{total:,}", "anchor": "start"})
    return chart


def shares(title: str, items: list[tuple[str, float, int, dict]]) -> Chart:
    """Horizontal bars of a 0..1 share each, labelled as a percentage (with the lead count)."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 40
    chart = Chart(title, WIDTH, ROW_HEIGHT * len(items) + 8)
    for index, (label, share, count, query) in enumerate(items):
        y = index * ROW_HEIGHT + 4
        width = _scale(share, 1, span)
        chart.labels.append({"x": 0, "y": y + 16, "text": label, "anchor": "start"})
        chart.bars.append(Bar(LABEL_WIDTH, y, span, ROW_HEIGHT - 8, "track", ""))
        if width:
            chart.bars.append(
                Bar(LABEL_WIDTH, y, width, ROW_HEIGHT - 8, "share", f"{label}: {share:.0%}")
            )
        text = f"{share:.0%} of {count:,}" if count else "no leads"
        chart.labels.append(
            {"x": LABEL_WIDTH + span + 6, "y": y + 16, "text": text, "anchor": "start"}
        )
        chart.rows.append((label, text, query))
    return chart


def conversion(stats: dict) -> Chart:
    by_source = [
        (label, stats["conversion"][key], sum(stats["by_source"][key].values()), {"source": key})
        for key, label in LeadSource.choices
    ]
    by_tier = [
        (
            Tier(tier).label,
            stats["conversion_by_tier"][Tier(tier).key or "none"],
            stats["by_tier"][Tier(tier).key or "none"],
            {"tier": Tier(tier).key or "none"},
        )
        for tier in sorted(Tier.values, reverse=True)
    ]
    return shares("Reached collaborating, by source and by tier", by_source + by_tier)


def per_day(
    title: str, days: list, css: str, label_every: int, row: str = "{day}", linked: bool = False
) -> Chart:
    """Vertical bars of a count per day, the date under every `label_every`th bar; `row`
    words each day in the figures table (`{day}` is "Dec 2"); `linked` rows open the pool's
    requests of that UTC day."""
    height, bottom = 180, 22
    plot = height - bottom - 16
    step = WIDTH / max(len(days), 1)
    largest = max((count for _day, count in days), default=0)
    chart = Chart(title, WIDTH, height)
    for index, (day, count) in enumerate(days):
        bar_height = _scale(count, largest, plot)
        x = round(index * step + step * 0.15, 2)
        width = round(step * 0.7, 2)
        y = height - bottom - bar_height
        day_text = row.format(day=f"{day:%b} {day.day}")
        chart.bars.append(
            Bar(
                x,
                y,
                width,
                bar_height,
                css,
                f"{day_text}: {count:,}",
                label=f"{count:,}" if count and len(days) <= 10 else "",
                label_x=x + width / 2,
                label_y=y - 4,
            )
        )
        if index % label_every == 0 or index == len(days) - 1:
            # The end labels hug the edges so the SVG never clips them.
            anchor, at = "middle", x + width / 2
            if len(days) > 10 and index == 0:
                anchor, at = "start", x
            elif len(days) > 10 and index == len(days) - 1:
                anchor, at = "end", x + width
            chart.labels.append(
                {"x": at, "y": height - 6, "text": f"{day:%b} {day.day}", "anchor": anchor}
            )
        query = {"requested_after": day.isoformat(), "requested_before": day.isoformat()}
        chart.rows.append((day_text, f"{count:,}", query if linked else {}))
    if largest:
        chart.labels.append({"x": 0, "y": 12, "text": f"max {largest:,}/day", "anchor": "start"})
    return chart


def dashboard_charts(stats: dict) -> list[Chart]:
    return [
        funnel(stats["by_source"]),
        conversion(stats),
        per_day(
            "Requests per day, last 30 days (UTC)",
            stats["requests_per_day"],
            "requests",
            5,
            linked=True,
        ),
        per_day(
            "Authorizations expiring per day, next 7 days (UTC)",
            stats["expiring_per_day"],
            "expiring",
            1,
            # A calendar day, not the pool's "within 24 h" window: said on every row.
            row="expiring on {day} (UTC day)",
        ),
    ]
