"""The design rules, checked: import arrows point one way, only db/ speaks SQL, nothing imports the CLI,
every public module declares ``__all__``, and README documents every CLI verb."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["crawler", "extract", "curation", "db", "scaling"]
LEAVES = {"flopsdb.errors", "flopsdb.config", "flopsdb"}


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ORDER)
def test_imports_point_one_way(package: str) -> None:
    allowed = set(ORDER[: ORDER.index(package) + 1])
    bad = []
    for path in _modules(package):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in ORDER and top not in allowed:
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
            if top == "flopsdb" and name not in LEAVES:
                bad.append(f"{path.relative_to(ROOT)} imports {name} (stages may import only flopsdb.errors/config)")
    assert not bad, "\n".join(bad)


def test_nothing_imports_the_cli() -> None:
    bad = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package in ORDER + ["flopsdb", "benchmarks", "scripts"]
        for path in _modules(package)
        if not path.name.startswith("cli")
        for name in _imports(path)
        if name.startswith("flopsdb.cli")
    ]
    assert not bad, "\n".join(bad)


SQL = re.compile(r"""["'](?:SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE TABLE|ALTER TABLE)\s""")


def test_only_db_speaks_sql() -> None:
    bad = [
        str(path.relative_to(ROOT))
        for package in ["crawler", "extract", "curation", "scaling", "flopsdb"]
        for path in _modules(package)
        if any(SQL.search(line) for line in path.read_text(encoding="utf-8").splitlines() if "flopsdb sql" not in line)
    ]
    assert not bad, f"SQL outside db/: {bad}"


def test_public_modules_declare_all() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for package in ORDER + ["flopsdb"]
        for path in _modules(package)
        if not path.name.startswith("_") and "__all__" not in path.read_text(encoding="utf-8")
    ]
    assert not missing, f"modules without __all__: {missing}"


def test_readme_documents_every_verb() -> None:
    from flopsdb.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    def verbs(group, prefix):
        for name, cmd in group.commands.items():
            yield prefix + [name]
            if hasattr(cmd, "commands"):
                yield from verbs(cmd, prefix + [name])

    undocumented = [" ".join(v) for v in verbs(main, []) if f"flopsdb {' '.join(v)}" not in readme]
    assert not undocumented, f"README does not show: {undocumented}"
