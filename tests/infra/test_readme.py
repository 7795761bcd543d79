"""The front door: README's two commands exist in the Makefile, and CI runs `make test`."""

import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()
CI = (ROOT / ".ci" / "run").read_text()
DEMO_LOGINS = [
    "admin",
    "seller_a",
    "seller_a2",
    "seller_b",
    "creator_diamond",
    "creator_silver",
    "creator_bronze",
    "creator_none",
]


def make_dry_run(target: str) -> str:
    result = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=30, check=True
    )
    return result.stdout


def test_readme_names_the_two_setup_commands_up_front():
    setup = README.split("\n## ")[1]  # the first section after the introduction
    assert "make run" in setup and "make test" in setup
    assert "http://127.0.0.1:8000/" in README and "PORT" in README
    for login in DEMO_LOGINS:
        assert f"`{login}`" in README
    assert "password `demo`" in README
    assert "/api/v1/docs/" in README


def test_makefile_targets_run_what_readme_promises():
    for target in ("install", "run", "test", "lint", "bench"):
        assert re.search(rf"^{target}:", MAKEFILE, re.MULTILINE), target
    assert "scripts/run_demo.py" in make_dry_run("run")
    assert "pytest" in make_dry_run("test")
    lint = make_dry_run("lint")
    assert "ruff check" in lint and "ruff format --check" in lint
    assert "bench.run" in make_dry_run("bench")
    # No installer fetched from the internet: uv comes from PyPI through pip.
    assert "curl" not in MAKEFILE and "astral.sh" not in MAKEFILE
    assert "uv sync --frozen" in MAKEFILE.replace("$(UV)", "uv")


def test_ci_checks_its_services_and_runs_make_test():
    assert CI.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in CI
    assert "pg_isready" in CI and "redis-cli" in CI and "PONG" in CI
    assert "CREATE DATABASE" in CI and "trap cleanup EXIT" in CI
    assert "export DATABASE_URL=" in CI and "export REDIS_URL=" in CI
    assert re.search(r"^make test\b", CI, re.MULTILINE)


def test_readme_documents_every_setting_read_from_the_environment():
    names = set()
    for path in (ROOT / "partner_center" / "settings").glob("*.py"):
        names |= set(re.findall(r"""os\.environ(?:\.get)?[\(\[]"([A-Z_]+)""", path.read_text()))
        names |= set(re.findall(r"""env_(?:bool|list)\("([A-Z_]+)""", path.read_text()))
    names |= {"DATABASE_URL", "PORT"}
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "PARTNER_CENTER_TIME_ZONE"} <= names
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert missing == []


def test_readme_shows_the_latest_benchmark_figures():
    results = json.loads((ROOT / "bench" / "results.json").read_text())
    assert results["dataset"]["creators"] == 1_000_000
    # Every figure the file holds has its row (bench/readme.py writes them after a full-size
    # run), and a missed target says so there: the table never hides a miss.
    for name, value in results["figures"].items():
        row = re.search(rf"^\| `{name}` \| {re.escape(str(value))} .*$", README, re.MULTILINE)
        assert row, name
        assert ("MISS" in row.group(0)) == (name in results["missed"]), name
    load = json.loads((ROOT / "bench" / "results-load.json").read_text())
    assert load["errors"] == 0
    assert f"{load['requests_per_s']} requests/s" in README
    assert f"p95 {load['p95_ms']} ms, {load['errors']} errors" in README
    if "mixed_requests_per_s" in load:  # the mixed workload, once the load run has measured it
        assert f"{load['mixed_requests_per_s']} requests/s" in README


def test_the_benchmark_table_is_generated_from_the_results_file(tmp_path):
    from bench import readme

    results = {
        "figures": {"stats_p95_ms": 80.5, "lead_detail_p95_ms": 61.2, "stats_queries": 5},
        "targets": {"stats_p95_ms": 100, "lead_detail_p95_ms": 50},
        "missed": ["lead_detail_p95_ms"],
    }
    (tmp_path / "results.json").write_text(json.dumps(results))
    (tmp_path / "README.md").write_text(
        "## Benchmarks\n\n" + readme.HEADER + "| `old_s` | 1.0 s | ≤ 2 |\n\nLoad run: …\n"
    )
    readme.update(readme=tmp_path / "README.md", results=tmp_path / "results.json")
    text = (tmp_path / "README.md").read_text()
    assert "| `stats_p95_ms` | 80.5 ms | ≤ 100 |\n" in text
    assert "| `lead_detail_p95_ms` | 61.2 ms | ≤ 50 **MISS** |\n" in text
    assert "| `stats_queries` | 5 queries | |\n" in text
    assert "old_s" not in text and text.endswith("|\n\nLoad run: …\n")
