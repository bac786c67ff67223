"""The shape of the house: each app imports only the apps below it, and no function grows past 50 lines."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: an app may import itself and the apps before it, never one after it.
LAYERS = [
    "core",
    "movies",
    "accounts",
    "follows",
    "reviews",
    "activity",
    "lists",
    "comments",
    "feed",
    "notifications",
    "imports",
    "recommendations",
    "web",
    "config",
]
MAX_FUNCTION_LINES = 50


def app_modules() -> Iterator[Path]:
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                yield path


def imported_apps(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if name.split(".")[0] in LAYERS:
                yield node.lineno, name.split(".")[0]


@pytest.mark.parametrize("path", list(app_modules()), ids=lambda path: str(path.relative_to(ROOT)))
def test_an_app_imports_only_the_apps_below_it(path):
    app = path.relative_to(ROOT).parts[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    upward = [f"line {line}: {other}" for line, other in imported_apps(tree) if LAYERS.index(other) > LAYERS.index(app)]
    assert not upward, f"{app} may not import an app above it: {upward}"


@pytest.mark.parametrize("path", list(app_modules()), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_function_is_longer_than_fifty_lines(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, long


def test_every_app_is_in_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS), apps - set(LAYERS)
