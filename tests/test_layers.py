"""The packages stand in layers, each importing only from its own layer or below, and no two
import each other: accounts -> content -> learning -> quizzes, certificates -> classes,
libraries, desk -> reports. A package above announces or hooks in (events.py,
learning/hooks.py) instead of being called from below."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "course_app"

# Lowest first. Layer 0 is the shared ground: settings, extensions, the seam, audit records.
LAYERS: list[set[str]] = [
    {
        "audit",
        "backup",
        "caching",
        "config",
        "db",
        "domain_errors",
        "errors",
        "events",
        "extensions",
        "forms",
        "health",
        "i18n",
        "links",
        "jobs",
        "key_folders",
        "mail",
        "metrics",
        "request_log",
        "routing",
        "security",
        "signing",
        "site_header",
        "templating",
    },
    {"accounts"},
    {"content"},
    {"learning"},
    {"quizzes", "certificates"},
    {"classes", "libraries", "desk", "public_computer", "resume_codes", "xapi", "lti"},
    {"reports", "patrons", "privacy"},
    {"admin", "demo"},
]
# create_app and the list of every table wire all packages together; they import anything.
WIRING = {"__init__", "models"}
LAYER_OF = {name: n for n, names in enumerate(LAYERS) for name in names}


def unit_of(path: Path) -> str:
    """The package (or top-level module) a file belongs to."""
    relative = path.relative_to(APP)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _type_checking_only(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def runtime_imports() -> dict[str, dict[str, set[str]]]:
    """unit -> imported unit -> files, for every import that runs (TYPE_CHECKING ones don't)."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        me = unit_of(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            if _type_checking_only(node, parents):
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "course_app" and len(parts) > 1 and parts[1] != me:
                    found[me][parts[1]].add(str(path.relative_to(APP)))
    return found


def test_every_package_has_a_layer():
    units = {unit_of(p) for p in APP.rglob("*.py")} - WIRING
    assert units - LAYER_OF.keys() == set(), "place the new package in LAYERS"


def test_no_package_imports_one_above_it():
    wrong = [
        f"{me} (layer {LAYER_OF[me]}) imports {other} (layer {LAYER_OF[other]}) in "
        + ", ".join(sorted(files))
        for me, imports in runtime_imports().items()
        if me not in WIRING
        for other, files in imports.items()
        if LAYER_OF.get(other, 0) > LAYER_OF[me]
    ]
    assert wrong == []


def test_no_two_packages_import_each_other():
    imports = runtime_imports()
    mutual = sorted(
        f"{a} <-> {b}"
        for a in imports
        for b in imports[a]
        if a < b and a not in WIRING and b not in WIRING and a in imports.get(b, {})
    )
    assert mutual == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from course_app.reports.kept import connect\n", {"reports"}),
        ("if TYPE_CHECKING:\n    from course_app.reports import kept\n", set()),
        ("def f():\n    import course_app.classes.table\n", {"classes"}),
    ],
)
def test_the_check_sees_imports_that_run(tmp_path, monkeypatch, source, expected):
    """The checker itself: it counts imports inside functions, and skips type-only ones."""
    package = tmp_path / "course_app" / "content"
    package.mkdir(parents=True)
    (package / "probe.py").write_text(source, encoding="utf-8")
    monkeypatch.setitem(globals(), "APP", tmp_path / "course_app")
    assert set(runtime_imports().get("content", {})) == expected
