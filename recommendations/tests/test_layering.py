"""The recommender's maths stays free of Django, and nothing that builds or serves recommendations imports the
offline evaluation."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent
FRAMEWORK_FREE = ("engine", "evaluation")


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_engine_and_evaluation_import_no_django_and_no_other_part_of_the_app():
    for package in FRAMEWORK_FREE:
        for path in (APP / package).glob("*.py"):
            for module in imported_modules(path):
                assert not module.startswith("django"), (path, module)
                assert not module.startswith("recommendations.") or module.startswith(
                    ("recommendations.engine", "recommendations.evaluation")
                ), (path, module)


def test_engine_never_imports_the_evaluation():
    for path in (APP / "engine").glob("*.py"):
        assert not any(module.startswith("recommendations.evaluation") for module in imported_modules(path)), path


def test_only_the_evaluate_recommender_command_imports_the_evaluation():
    for path in APP.rglob("*.py"):
        if {"evaluation", "tests"} & set(path.relative_to(APP).parts) or path.name == "evaluate_recommender.py":
            continue
        assert not any(module.startswith("recommendations.evaluation") for module in imported_modules(path)), path
