"""The layers import one way: ground (core) <- creators <- leads <- im; the shell
(partner_center, demo) may import every app, and no app imports the shell."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# An app may import the apps of a lower rank, never its own rank's others or a higher one.
RANK = {"core": 0, "creators": 1, "leads": 2, "im": 3}
SHELL = {"partner_center", "demo"}


def imported_top_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def back_edges() -> list[str]:
    edges = []
    for app, rank in RANK.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            for target in imported_top_packages(path):
                if target in SHELL or (target in RANK and RANK[target] > rank):
                    edges.append(f"{path.relative_to(ROOT)} imports {target}")
    return edges


def test_no_app_imports_a_higher_layer_or_the_shell():
    assert back_edges() == []


def test_the_check_sees_a_back_edge(tmp_path, monkeypatch):
    """The walk is real: a creators module importing leads and the shell is reported."""
    for app in RANK:
        (tmp_path / app).mkdir()
    (tmp_path / "creators" / "bad.py").write_text(
        "from leads.models import Lead\nimport partner_center.urls\n"
    )
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert sorted(back_edges()) == [
        "creators/bad.py imports leads",
        "creators/bad.py imports partner_center",
    ]
