"""The apps form layers: each imports only apps below it, so no import runs both ways.

``LAYERS`` is the one list of the project's apps, bottom first (docs/decisions.md explains the
order). A module may import its own app and apps of lower layers; a cross-app import must stand at
module level (inside a function it would hide a cycle), except in an ``apps.py``, where ``ready()``
is how an app registers itself with a lower one (spreadsheet resources, document builders, the
pledge). Imports under ``if TYPE_CHECKING:`` follow the same direction.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS: list[set[str]] = [
    {"council"},  # bodies, people, roles, the access rules, 和暦, the tree
    {"spreadsheets"},  # the import/export machinery; apps register their resources
    {"meetings"},
    {"issues"},
    {"reports"},  # jobs, rendering, storage; apps register their documents' contexts
    {"subcommittees"},  # a body's yearly documents and their review
    {"privacy"},  # the pledge's confirmations, personal-data requests (reads every app's rows)
    {"dashboard", "audit", "accounts"},  # pages over everything; the history search; sign-in
    {"demo"},
    {"config"},
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
ROOT = Path(settings.BASE_DIR)


def test_every_package_of_ours_has_a_layer():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks", "scripts"}
    assert packages == set(LEVEL)


def _imports(app: str):
    """(file, line, imported app, inside a function?) for every import of another app of ours."""
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_functions = {
            id(inner)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for inner in ast.walk(function)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                target = module.split(".")[0]
                if target in LEVEL and target != app:
                    yield path.relative_to(ROOT), node.lineno, target, id(node) in in_functions


@pytest.mark.parametrize("app", sorted(LEVEL))
def test_imports_only_apps_below(app):
    upward = [
        f"{path}:{line} imports {target} (layer {LEVEL[target]} ≥ {LEVEL[app]})"
        for path, line, target, _ in _imports(app)
        if LEVEL[target] >= LEVEL[app]
    ]
    assert upward == []


@pytest.mark.parametrize("app", sorted(LEVEL))
def test_no_cross_app_import_hides_in_a_function(app):
    hidden = [
        f"{path}:{line} imports {target} inside a function"
        for path, line, target, in_function in _imports(app)
        if in_function and path.name != "apps.py" and app != "config"
    ]
    assert hidden == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The control: a module of council importing meetings is reported."""
    fake = tmp_path / "council"
    fake.mkdir()
    (fake / "bad.py").write_text("def f():\n    from meetings.models import Meeting\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    found = list(_imports("council"))
    assert [(str(p), target, inside) for p, _, target, inside in found] == [
        ("council/bad.py", "meetings", True)
    ]
