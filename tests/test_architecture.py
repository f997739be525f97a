"""The design rules, checked on the real import graph (module-level and function-local imports alike):

- one installed name: every module is ``flopsdb`` or below it;
- layers: the ground floor (``flopsdb``, ``flopsdb.core``), the stages (crawler < extract < curation < db <
  scaling, each importing only those before it), the wiring (the other ``flopsdb.*`` modules) and the CLI
  (``flopsdb.cli*``) on top; no import points from a lower layer to a higher one;
- no import cycles between modules;
- only ``flopsdb.db`` speaks SQL; nothing but the CLI imports the CLI.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ["crawler", "extract", "curation", "db", "scaling"]
"""Stage folders, lowest first; each is installed as ``flopsdb.<name>``."""
FOLDERS = {"flopsdb": ROOT / "flopsdb", **{f"flopsdb.{s}": ROOT / s for s in STAGES}}


def _module_name(package: str, folder: Path, path: Path) -> str:
    parts = list(path.relative_to(folder).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([package, *parts])


@cache
def modules() -> dict[str, Path]:
    """Every module of the installed package, by dotted name."""
    out: dict[str, Path] = {}
    for package, folder in FOLDERS.items():
        for path in sorted(folder.rglob("*.py")):
            if "__pycache__" in path.parts or "sample" in path.relative_to(folder).parts:
                continue
            out[_module_name(package, folder, path)] = path
    return out


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def graph() -> dict[str, set[str]]:
    """Importer -> the project modules it imports (anywhere in the file)."""
    names = modules()
    out: dict[str, set[str]] = {}
    for name, path in names.items():
        targets: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = _resolve(name, path.name == "__init__.py", node)
                found = [module] + [f"{module}.{a.name}" for a in node.names]
            else:
                continue
            targets |= {t for t in found if t in names}
        out[name] = targets - {name}
    return out


def layer(module: str) -> tuple[int, int]:
    """(floor, rank within the floor): ground 0, stages 1 (ranked), wiring 2, CLI 3."""
    parts = module.split(".")
    if module == "flopsdb" or parts[1] == "core":
        return (0, 0)
    if parts[1] in STAGES:
        return (1, STAGES.index(parts[1]))
    if parts[1].startswith("cli"):
        return (3, 0)
    return (2, 0)


def test_every_module_is_under_one_name() -> None:
    assert modules(), "no modules found"
    assert all(name == "flopsdb" or name.startswith("flopsdb.") for name in modules())
    assert "flopsdb.core.errors" in modules() and "flopsdb.extract.pdf" in modules()


def test_pyproject_installs_one_top_level_name() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    packages = re.search(r"^packages = \[(.*)\]$", text, re.M)
    assert packages, "pyproject.toml lists no packages"
    names = re.findall(r'"([^"]+)"', packages.group(1))
    assert {n.split(".")[0] for n in names} == {"flopsdb"}, names


@pytest.mark.parametrize("floor", ["ground", "stages", "wiring"])
def test_imports_never_point_up(floor: str) -> None:
    wanted = {"ground": 0, "stages": 1, "wiring": 2}[floor]
    bad = [
        f"{importer} ({layer(importer)}) imports {target} ({layer(target)})"
        for importer, targets in graph().items()
        if layer(importer)[0] == wanted
        for target in sorted(targets)
        if layer(target) > layer(importer)
    ]
    assert not bad, "\n".join(bad)


def test_no_import_cycles() -> None:
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_nothing_but_the_cli_imports_the_cli() -> None:
    bad = [
        f"{importer} imports {target}"
        for importer, targets in graph().items()
        if layer(importer)[0] != 3
        for target in targets
        if layer(target)[0] == 3
    ]
    for folder in ("benchmarks", "scripts"):
        for path in (ROOT / folder).glob("*.py"):
            if path.name == "cli_reference.py":  # documents the CLI, so it reads it
                continue
            if "flopsdb.cli" in path.read_text(encoding="utf-8"):
                bad.append(f"{folder}/{path.name} imports the CLI")
    assert not bad, "\n".join(bad)


SQL = re.compile(r"""["'](?:SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE TABLE|ALTER TABLE)\s""")


def test_only_db_speaks_sql() -> None:
    bad = [
        name
        for name, path in modules().items()
        if not name.startswith("flopsdb.db")
        and any(SQL.search(line) for line in path.read_text(encoding="utf-8").splitlines() if "flopsdb sql" not in line)
    ]
    assert not bad, f"SQL outside flopsdb.db: {bad}"


def test_layer_rules_catch_an_upward_import() -> None:
    assert layer("flopsdb.extract.pdf") > layer("flopsdb.crawler.http")
    assert layer("flopsdb.db.store") < layer("flopsdb.nightly") < layer("flopsdb.cli")
    assert layer("flopsdb.core.errors") < layer("flopsdb.crawler.http")


def test_every_data_file_carries_its_version() -> None:
    """Patterns, vocabularies and reference data are versioned files (``name.vN.json``), like the extractors."""
    data = [p for folder in FOLDERS.values() for p in folder.rglob("data/*.json*")]
    assert len(data) >= 20
    unversioned = [str(p.relative_to(ROOT)) for p in data if not re.search(r"\.v\d+\.jsonl?$", p.name)]
    assert unversioned == []


def test_tests_import_their_conftest_at_module_level() -> None:
    """A function-local ``from conftest import`` reads whichever folder's conftest a whole-suite run loaded first."""
    local = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in (ROOT / "tests").rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s+(?:from conftest import|import conftest)\b", line)
    ]
    assert local == []


def _declared() -> set[str]:
    """The distributions pyproject.toml declares (dependencies and every extra), normalised."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"]) + [s for extra in project.get("optional-dependencies", {}).values() for s in extra]
    return {re.split(r"[\s\[<>=!~;]", s, maxsplit=1)[0].lower().replace("_", "-") for s in specs}


def test_every_imported_package_is_declared() -> None:
    """Each third-party import of the package, the tests, benchmarks and scripts comes from a declared distribution."""
    import sys
    from importlib.metadata import packages_distributions

    local = {p.stem for p in (ROOT / "tests").rglob("*.py")} | {"conftest", "tests"}
    dists = packages_distributions()
    files = [*modules().values(), *(p for d in ("tests", "benchmarks", "scripts") for p in (ROOT / d).rglob("*.py"))]
    undeclared: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = {node.module.split(".")[0]}
            else:
                continue
            for top in tops - set(sys.stdlib_module_names) - local - {"flopsdb", "__future__"}:
                names = {d.lower().replace("_", "-") for d in dists.get(top, [top])}
                if not names & _declared():
                    undeclared.add(f"{top} ({path.relative_to(ROOT)})")
    assert sorted(undeclared) == []
