"""Packages are floors: each imports only packages below it (a test reads every import statement)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Lower number = lower floor. A module may import its own package and any package on a lower floor.
FLOORS = {
    "db": 0,
    "campaigns": 1,
    "influencers": 2,
    "budgets": 3,
    "finance": 4,
    "demo": 5,
    "migrations": 5,
    "automation": 5,
    "pages": 6,
    # The entry points sit on top: the app builds its navigation from pages.components.
    "cli": 7,
    "streamlit_app": 7,
}
DOMAIN = ("db", "campaigns", "influencers", "budgets", "finance", "demo", "migrations", "automation")


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in FLOORS:
        path = ROOT / f"{package}.py"
        if path.exists():
            found.append((package, path))
        for file in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else []:
            found.append((package, file))
    return found


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every absolute module name imported by the file (module-level and inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module))
    return names


def test_no_module_imports_a_higher_floor() -> None:
    upward = []
    for package, path in _modules():
        for line, name in _imports(path):
            top = name.split(".")[0]
            if top in FLOORS and top != package and FLOORS[top] >= FLOORS[package]:
                upward.append(f"{path.relative_to(ROOT)}:{line} ({package}) imports {name}")
    assert not upward, "imports running up (or across) the floors:\n" + "\n".join(upward)


def test_domain_packages_never_import_streamlit() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for package, path in _modules()
        if package in DOMAIN
        for line, name in _imports(path)
        if name.split(".")[0] == "streamlit"
    ]
    assert not found, "\n".join(found)


def test_pages_never_run_sql() -> None:
    """Pages call queries and services; SQL lives below them (exception classes may be caught)."""
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for package, path in _modules()
        if package in ("pages", "streamlit_app")
        for line, name in _imports(path)
        if name.split(".")[0] == "sqlalchemy" and name not in ("sqlalchemy.exc", "sqlalchemy.orm.exc")
    ]
    assert not found, "\n".join(found)


def test_the_floor_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The check itself: a db module importing campaigns is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from campaigns.models import Campaign\nimport budgets.pacing\n", encoding="utf-8")
    names = [name for _line, name in _imports(bad)]
    assert names == ["campaigns.models", "budgets.pacing"]
    assert all(FLOORS[n.split(".")[0]] > FLOORS["db"] for n in names)
