"""A guard over the whole suite: a service that writes what the Leads Pool counts or shows
(leads, notes, history) must bump the partner's pool version before its transaction ends.

It watches every SQL statement of the test's connection (`connection.execute_wrapper`). Each
`transaction.atomic` block inside the test is a savepoint; a write to the pool's tables marks
the innermost one dirty, a pool version bump cleans them all, and a dirty block released as
the outermost one is a write path that commits without a bump: the test fails, naming the
statement. A statement that changed no row is no write. Writes a test makes itself outside
any atomic block (fixtures, deliberate stale writes) are not watched. A note's body edit is
exempt: the pool shows only how many notes a lead has.
"""

import re

WRITE = re.compile(
    r'\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(leads_lead|leads_leadnote|leads_leadevent|'
    r'leads_leadpoolversion)"?(?=[\s(]|$)',
    re.IGNORECASE,
)
EXEMPT = (re.compile(r'^\s*UPDATE\s+"?leads_leadnote"?\s+SET\s+"?body"?', re.IGNORECASE),)


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
                    self.frames[-1]["dirty"] = self.frames[-1]["dirty"] or frame["dirty"]
                else:
                    self.violations.append(frame["dirty"])
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
            for frame in self.frames:
                frame["dirty"] = None
            return
        if rowcount == 0:
            return  # a statement that changed no row changed nothing the pool shows
        if tables and self.frames and not any(rule.match(text) for rule in EXEMPT):
            self.frames[-1]["dirty"] = self.frames[-1]["dirty"] or " ".join(text.split())[:300]
