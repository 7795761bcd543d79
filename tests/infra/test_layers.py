"""The house as drawn in README's Architecture: the layers import one way, ground (core) <-
creators <- notifications <- leads <- im; the shell (partner_center, demo) may import every
app, and no app imports the shell. Inside an app, selectors never import services; no module
is over 400 lines; a package `__init__` only re-exports, within 40 lines, and no submodule
imports its package's `__init__` back."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# An app may import the apps of a lower rank, never its own rank's others or a higher one.
RANK = {
    "core": 0,
    "creators": 1,
    "notifications": 2,
    "leads": 3,
    "im": 4,
    "routing": 4,
    "followup": 4,
    "integrations": 4,
}
SHELL = {"partner_center", "demo"}
MAX_MODULE_LINES = 400
MAX_INIT_LINES = 40


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def imported_top_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(_tree(path)):
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


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolved_imports(path: Path) -> set[str]:
    """Every module this file imports, relative imports resolved to dotted names."""
    package = _module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            if node.module:
                found.add(module)
            folder = ROOT.joinpath(*module.split("."))
            for alias in node.names:
                submodule = (folder / f"{alias.name}.py").exists() or (folder / alias.name).is_dir()
                # `from . import x`: a submodule, or else a name taken from the package itself.
                found.add(f"{module}.{alias.name}" if submodule else module)
    return found


def _app_sources():
    for app in RANK:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def selectors_importing_services() -> list[str]:
    found = []
    for path in _app_sources():
        module = _module_of(path)
        if ".selectors" not in f".{module.split('.', 1)[-1]}" and not module.endswith("selectors"):
            continue
        app = module.split(".")[0]
        if any(m.startswith(f"{app}.services") for m in _resolved_imports(path)):
            found.append(str(path.relative_to(ROOT)))
    return found


def test_no_app_imports_a_higher_layer_or_the_shell():
    assert back_edges() == []


def test_selectors_never_import_services():
    assert selectors_importing_services() == []


def test_no_module_is_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {lines}"
        for path in [*_app_sources(), *sorted((ROOT / "partner_center").rglob("*.py"))]
        + sorted((ROOT / "demo").rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert long == []


def test_package_inits_only_re_export_and_are_not_imported_back():
    problems = []
    for path in _app_sources():
        package = _module_of(path)
        if path.name == "__init__.py":
            lines = len(path.read_text().splitlines())
            if lines > MAX_INIT_LINES:
                problems.append(f"{path.relative_to(ROOT)} has {lines} lines")
            for node in _tree(path).body:
                allowed = (ast.Import, ast.ImportFrom, ast.Assign, ast.Expr)
                if not isinstance(node, allowed):
                    problems.append(f"{path.relative_to(ROOT)} defines {type(node).__name__}")
        else:
            own_package = package.rsplit(".", 1)[0]
            if "." in package and (path.parent / "__init__.py").exists():
                imported = _resolved_imports(path)
                if own_package in imported and own_package not in {"core", *RANK}:
                    problems.append(f"{path.relative_to(ROOT)} imports {own_package} back")
    assert problems == []


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


def test_the_checks_see_a_selector_importing_services_and_a_package_imported_back(
    tmp_path, monkeypatch
):
    for app in RANK:
        (tmp_path / app).mkdir()
    (tmp_path / "leads" / "selectors.py").write_text("from .services import lead_add\n")
    (tmp_path / "leads" / "services").mkdir()
    (tmp_path / "leads" / "services" / "__init__.py").write_text("from .bulk import x\n")
    (tmp_path / "leads" / "services" / "bulk.py").write_text("from . import lead_url\nx = 1\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert selectors_importing_services() == ["leads/selectors.py"]
    with __import__("pytest").raises(AssertionError, match="imports leads.services back"):
        test_package_inits_only_re_export_and_are_not_imported_back()
