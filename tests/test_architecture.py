"""What may import what (STYLE.md §2), checked on the source: a new import that crosses a line
fails here, not in review.

Refinement of STYLE.md, said in the closing note: `server` may also use read-side helpers:
`tarihkg.text.turkish` (Turkish-aware folding for search and reconciliation),
`tarihkg.export` and `tarihkg.citation` (exports and citations), so that none is written
twice; it still never imports a build stage. pyoxigraph may serialise RDF anywhere outside `text/`, but only
`store.py` opens a store.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from radon.complexity import cc_visit
from radon.visitors import Class

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "tarihkg"
SERVER = ROOT / "server"

SERVER_MAY_USE = {
    "tarihkg.store",
    "tarihkg.names",
    "tarihkg.layout",
    "tarihkg.queryfiles",
    "tarihkg.namespaces",
    "tarihkg.formats",
    "tarihkg.errors",
    "tarihkg.text.turkish",
    "tarihkg.export",
    "tarihkg.citation",
    "tarihkg.supervise",  # the process that forks the web process (serve.py), malloc arenas
}


def imports(path: Path, *, runtime: bool = False) -> set[str]:
    """Every module a file imports (absolute names), at any depth of the file; with
    ``runtime``, not those under ``if TYPE_CHECKING:`` (read by the type checker only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if runtime:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
                node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", files(SRC / "text"), ids=lambda p: p.name)
def test_text_stage_uses_no_rdf_library(path: Path) -> None:
    used = {top(m) for m in imports(path)}
    assert not used & {"rdflib", "pyoxigraph", "owlready2", "pyshacl"}, path.name


@pytest.mark.parametrize(
    ("library", "allowed"),
    [("owlready2", {"reason.py"}), ("pyshacl", {"validate.py"})],
)
def test_only_one_module_imports_each_heavy_engine(library: str, allowed: set[str]) -> None:
    users = {p.name for p in files(SRC) + files(SERVER) if library in {top(m) for m in imports(p)}}
    assert users == allowed


def test_only_store_opens_a_store() -> None:
    openers = {
        p.relative_to(ROOT).as_posix()
        for p in files(SRC) + files(SERVER)
        if "pyoxigraph.Store" in imports(p) or "pyoxigraph.Store(" in p.read_text(encoding="utf-8")
    }
    assert openers == {"src/tarihkg/store.py"}


@pytest.mark.parametrize("path", files(SERVER), ids=lambda p: p.name)
def test_server_never_imports_a_build_stage(path: Path) -> None:
    ours = {m for m in imports(path) if top(m) == "tarihkg"}
    # `from tarihkg.store import Store` yields both the module and `tarihkg.store.Store`
    modules = {m for m in ours if m in SERVER_MAY_USE or m.rsplit(".", 1)[0] not in SERVER_MAY_USE}
    assert modules <= SERVER_MAY_USE, f"{path.name} imports {sorted(modules - SERVER_MAY_USE)}"


def server_import_graph() -> dict[str, set[str]]:
    """Module -> the server modules it imports when it runs (the package ``server`` itself is
    not a node: importing ``server.x`` runs the package first, but that is no dependency of the
    code)."""
    names = {p.stem if p.stem != "__init__" else "server": p for p in files(SERVER)}
    modules = {("server." + n if n != "server" else n): p for n, p in names.items()}
    return {
        name: {m for m in imports(path, runtime=True) if m in modules and m != "server" and m != name}
        for name, path in modules.items()
    }


def test_server_modules_import_each_other_without_a_cycle() -> None:
    graph = server_import_graph()
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        assert name not in trail, "import cycle: " + " -> ".join([*trail, name])
        if name in done:
            return
        for dep in sorted(graph[name]):
            visit(dep, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_every_blueprint_is_registered_in_create_app() -> None:
    from server import create_app

    app = create_app({"DATASET_DIR": "/nonexistent", "QUERY_PROCESSES": 0})
    declared = {
        f"server.{p.stem}" for p in files(SERVER) if "Blueprint(" in p.read_text(encoding="utf-8")
    }
    registered = {bp.import_name for bp in app.blueprints.values()}
    assert declared == registered


def code_strings(path: Path) -> list[str]:
    """The string literals of a module's code (docstrings, which may show examples, left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


CODE = files(SRC) + files(SERVER) + files(ROOT / "scripts") + files(ROOT / "bench")


@pytest.mark.parametrize(
    ("text", "home"),
    [
        ("w3id.org/tarihkg", {"src/tarihkg/names.py"}),  # the base IRI
        ("creativecommons.org", set()),  # the licence: data/dataset.yaml only
        ("http://www.w3.org/2004/02/skos/core#", {"src/tarihkg/names.py"}),  # the prefix table
    ],
)
def test_names_are_written_in_one_place(text: str, home: set[str]) -> None:
    holders = {p.relative_to(ROOT).as_posix() for p in CODE
               if any(text in s for s in code_strings(p))}
    assert holders == home


TESTS = ROOT / "tests"


@pytest.mark.parametrize("path", sorted(TESTS.glob("*.py")), ids=lambda p: p.name)
def test_no_test_module_imports_another(path: Path) -> None:
    """Shared code lives in tests/helpers.py (plain helpers) or conftest.py (fixtures)."""
    bad = {m for m in imports(path) if top(m).startswith("test_") or top(m) == "conftest"}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("text", ["w3id.org/tarihkg", "creativecommons.org", "CC BY"])
def test_templates_take_names_from_the_names_module(text: str) -> None:
    """Pages show the base IRI and the licence through `dataset`/`base_iri` (tarihkg.names)."""
    holders = sorted(p.name for p in (SERVER / "templates").glob("*.html")
                     if text in p.read_text(encoding="utf-8"))
    assert holders == []


COMPLEXITY_LIMIT = 20
WHY_IT_STAYS = re.compile(r"#\s*Complexity (\d+):\s*\S")


def _functions(blocks: Iterable[Any]) -> Iterator[Any]:
    """Every function radon measured, with the methods of classes and the functions nested in
    either (radon keeps them apart from their parent)."""
    for block in blocks:
        if isinstance(block, Class):
            yield from _functions(block.methods)
            yield from _functions(block.inner_classes)
        else:
            yield block
            yield from _functions(block.closures)


def _why_it_stays(lines: list[str], def_line: int) -> int | None:
    """The figure of a ``# Complexity N: why`` comment in the comment block right above a def
    (above its decorators, if it has any); None without one."""
    i = def_line - 2
    while i >= 0 and lines[i].lstrip().startswith("@"):
        i -= 1
    while i >= 0 and lines[i].lstrip().startswith("#"):
        m = WHY_IT_STAYS.match(lines[i].strip())
        if m:
            return int(m.group(1))
        i -= 1
    return None


def complexity_problems(path: Path, name: str) -> list[str]:
    """Each function of the file above the limit without a comment giving its figure and why."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    problems = []
    for fn in _functions(cc_visit(text)):
        if fn.complexity <= COMPLEXITY_LIMIT:
            continue
        said = _why_it_stays(lines, fn.lineno)
        if said != fn.complexity:
            why = "no '# Complexity N: why' above it" if said is None else f"its comment says {said}"
            problems.append(f"{name}:{fn.lineno} {fn.fullname} has cyclomatic "
                            f"complexity {fn.complexity}: {why}")
    return problems


@pytest.mark.parametrize("path", files(SRC) + files(SERVER), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_above_complexity_20_without_a_reason(path: Path) -> None:
    """Split a function above 20 by what it decides, or say above its def, with today's figure,
    why it stays whole (``# Complexity 23: one ordered list of rules ...``)."""
    assert complexity_problems(path, str(path.relative_to(ROOT))) == []


def test_the_complexity_check_finds_an_unexplained_function(tmp_path: Path) -> None:
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(21))
    body = f"def f(x):\n{branches}    return -1\n"
    bare = tmp_path / "bare.py"
    bare.write_text(body, encoding="utf-8")
    stale = tmp_path / "stale.py"
    stale.write_text("# Complexity 21: one flat table\n" + body, encoding="utf-8")
    said = tmp_path / "said.py"
    said.write_text("# Complexity 22: one flat table of\n# twenty-one cases\n" + body,
                    encoding="utf-8")
    assert complexity_problems(bare, "bare.py") == [
        "bare.py:1 f has cyclomatic complexity 22: no '# Complexity N: why' above it"]
    assert complexity_problems(stale, "stale.py") == [
        "stale.py:2 f has cyclomatic complexity 22: its comment says 21"]
    assert complexity_problems(said, "said.py") == []
