"""README's benchmark table, generated from bench/results.json (`bench.run` and `bench.pages`
call `update()` after a full-size run; `uv run python -m bench.readme` reruns it).

Rows follow the results file: a figure the file lacks has no row, a missed target is marked
MISS. tests/infra/test_readme.py checks the table against the files.
"""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "| figure | value | target |\n| --- | --- | --- |\n"
UNITS = {"_s": "s", "_ms": "ms", "_ratio": "x", "_max": "queries", "_queries": "queries"}
NOTES = {
    "tier_refresh_sql_s": "(the floor)",
    "follower_refresh_sql_s": "(the floor)",
    "follower_refresh_full_s": "(first run, `--full`)",
    "leads_sql_p95_ms": "(the floor)",
}


def unit(name: str) -> str:
    return next((u for suffix, u in UNITS.items() if name.endswith(suffix)), "")


def rows(results: dict) -> str:
    targets, missed = results.get("targets", {}), set(results.get("missed", []))
    lines = []
    for name, value in results["figures"].items():
        target = NOTES.get(name, "")
        if name in targets:
            target = f"≤ {targets[name]}" + (" **MISS**" if name in missed else "")
        lines.append(f"| `{name}` | {value} {unit(name)} | {target} |".replace("  |", " |"))
    return "\n".join(lines) + "\n"


def update(readme: Path = ROOT / "README.md", results: Path | None = None) -> None:
    """Replace the rows of README's benchmark table with the results file's figures."""
    results = results or ROOT / "bench" / "results.json"
    text = readme.read_text()
    start = text.index(HEADER) + len(HEADER)
    end = text.index("\n\n", start) + 1
    readme.write_text(text[:start] + rows(json.loads(results.read_text())) + text[end:])


if __name__ == "__main__":
    update()
