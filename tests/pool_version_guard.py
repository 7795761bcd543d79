"""A guard over the whole suite: a service that writes what the Leads Pool counts or shows
(leads, notes, history) must bump the partner's pool version before its transaction ends,
and with a change (`leads.pool_version.ALL`, `STATUS`, `ROWS`) wide enough for what it wrote.

It watches every SQL statement of the test's connection (`connection.execute_wrapper`). Each
`transaction.atomic` block inside the test is a savepoint; a write to the pool's tables marks
the innermost one dirty at the write's level, a pool version bump cleans every level up to its
own, and a dirty block released as the outermost one is a write path that commits without a
(wide enough) bump: the test fails, naming the statement. A statement that changed no row is
no write. Writes a test makes itself outside any atomic block (fixtures, deliberate stale
writes) are not watched. A note's body edit is exempt: the pool shows only how many notes a
lead has.

Levels: a note or a history event, or a lead update of only its owner, is `ROWS` (no cached
count selects by them); a lead update of only its status and what comes with it is `STATUS`;
any other lead write (a new lead, a removal, a tier, a search copy…) is `ALL`. A column this
list does not know counts as `ALL`, so a new write is held to the widest bump until it is
listed here.
"""

import re

WRITE = re.compile(
    r'\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(leads_lead|leads_leadnote|leads_leadevent|'
    r'leads_leadpoolversion)"?(?=[\s(]|$)',
    re.IGNORECASE,
)
EXEMPT = (re.compile(r'^\s*UPDATE\s+"?leads_leadnote"?\s+SET\s+"?body"?', re.IGNORECASE),)
ROWS, STATUS, ALL = 1, 2, 3
ROW_COLUMNS = frozenset({"owner_id", "updated_at"})
STATUS_COLUMNS = ROW_COLUMNS | {
    "status",
    "reached_collaborating_at",
    "close_reason",
    "close_reason_text",
}
LEAD_UPDATE = re.compile(
    r'UPDATE\s+"?leads_lead"?(?:\s+AS\s+\w+)?\s+SET\s+(.*?)(?:\bFROM\b|\bWHERE\b|\bRETURNING\b|$)',
    re.IGNORECASE | re.DOTALL,
)
COLUMN = re.compile(r'(?:^|,)\s*"?(\w+)"?\s*=')


def write_level(text: str, tables: set) -> int:
    """How wide a bump this statement's writes need."""
    level = ROWS if tables & {"leads_leadnote", "leads_leadevent"} else 0
    if "leads_lead" not in tables:
        return level
    update = LEAD_UPDATE.search(text)
    if update is None:  # an INSERT or DELETE of leads
        return ALL
    columns = {column.lower() for column in COLUMN.findall(update.group(1))}
    if columns <= ROW_COLUMNS:
        return max(level, ROWS)
    if columns <= STATUS_COLUMNS:
        return max(level, STATUS)
    return ALL


def bump_level(text: str) -> int:
    """What a pool version bump moves: every version, the status counts too, or pages only."""
    if re.search(r"(?<!status_)counts_version", text):
        return ALL
    return STATUS if "status_counts_version" in text else ROWS


class PoolVersionGuard:
    def __init__(self):
        self.frames: list[dict] = []
        self.violations: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        text = sql if isinstance(sql, str) else str(sql)
        head = text.lstrip()[:40].upper()
        if head.startswith("SAVEPOINT"):
            self.frames.append({"dirty": None})
        elif head.startswith("RELEASE SAVEPOINT") and self.frames:
            frame = self.frames.pop()
            if frame["dirty"]:
                if self.frames:
                    outer = self.frames[-1]["dirty"]
                    if outer is None or outer[0] < frame["dirty"][0]:
                        self.frames[-1]["dirty"] = frame["dirty"]
                else:
                    level = {ROWS: "ROWS", STATUS: "STATUS", ALL: "ALL"}[frame["dirty"][0]]
                    self.violations.append(f"(needs a bump of {level}) {frame['dirty'][1]}")
        elif head.startswith("ROLLBACK TO SAVEPOINT") and self.frames:
            self.frames.pop()
        else:
            result = execute(sql, params, many, context)
            self._watch(text, getattr(context.get("cursor"), "rowcount", -1))
            return result
        return execute(sql, params, many, context)

    def _watch(self, text: str, rowcount: int) -> None:
        tables = {match[1].lower() for match in WRITE.findall(text)}
        if "leads_leadpoolversion" in tables:
            moved = bump_level(text)
            for frame in self.frames:
                if frame["dirty"] and frame["dirty"][0] <= moved:
                    frame["dirty"] = None
            return
        if rowcount == 0:
            return  # a statement that changed no row changed nothing the pool shows
        if tables and self.frames and not any(rule.match(text) for rule in EXEMPT):
            level = write_level(text, tables)
            dirty = self.frames[-1]["dirty"]
            if dirty is None or dirty[0] < level:
                self.frames[-1]["dirty"] = (level, " ".join(text.split())[:300])
