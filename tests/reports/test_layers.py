"""reports sits below subcommittees: the imports run one way, at module level, and every kind has a builder.

``reports`` renders and stores documents without knowing what they are made of; the apps that own
a document's data register its context builder (``reports.documents``). A function-level import
would hide a cycle from this test, so cross-app imports must be at module level.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from reports.documents import registered_kinds
from reports.models import DocumentKind

# What each app may import of ours (itself included). Anything else of ours is an upward import.
ALLOWED = {
    "reports": {"council", "meetings", "reports"},
    "subcommittees": {"council", "meetings", "reports", "subcommittees"},
}


def _our_packages() -> set[str]:
    root = Path(settings.BASE_DIR)
    return {p.parent.name for p in root.glob("*/__init__.py") if not p.parent.name.startswith(".")}


def _imports(app: str):
    """(file, line, module, outside any function?) for every import of one of our packages."""
    ours = _our_packages()
    for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
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
                if module.split(".")[0] in ours:
                    yield (
                        path.relative_to(settings.BASE_DIR),
                        node.lineno,
                        module,
                        id(node) not in in_functions,
                    )


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_imports_only_apps_below(app):
    upward = [
        f"{path}:{line} imports {module}"
        for path, line, module, _top in _imports(app)
        if module.split(".")[0] not in ALLOWED[app]
    ]
    assert upward == []


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_no_function_level_imports_of_other_apps(app):
    hidden = [
        f"{path}:{line} imports {module} inside a function"
        for path, line, module, top in _imports(app)
        if not top and module.split(".")[0] != app
    ]
    assert hidden == []


def test_every_document_kind_has_a_context_builder():
    assert registered_kinds() == set(DocumentKind)
