"""The shape of the house (docs/architecture.md), checked on every import in src/wso, at any depth of a module:

- a door (`wso.cli`, `wso.web`) or a room uses another package only through what that package's `__init__`
  exports: the names in its `__all__`, or a module `__all__` names (`wso.registry.fetch`, kept out of
  `import wso.registry` because it loads an HTTP client); never a module or a name that starts with `_`;
- a room (every other package: `program`, `registry`, `custody`, `audit`, `records`, `store`, and those to come)
  never imports a door;
- `wso.clock` and `wso.settings` are everyone's and import no package of ours.

Rooms are found, not listed, so a new room is held to this from its first commit.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "wso"
DOORS = frozenset({"cli", "web"})
SHARED = frozenset({"clock", "settings"})  # modules of wso itself that every package may import
ENTRY = frozenset({"wso.__main__"})  # `python -m wso`: the CLI's entry point

# Known violations, each with who removes it. Keep this list short; an entry here is a debt, not a permission.
EXCEPTIONS: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Import:
    importer: str  # the importing module, e.g. "wso.cli.records"
    module: str  # the module imported from, e.g. "wso.records"
    names: tuple[str, ...]  # the names taken from it (empty for `import module`)
    where: str  # file:line


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def packages() -> set[str]:
    return {p.parent.name for p in PACKAGE.glob("*/__init__.py")}


def imports_of(path: Path) -> list[Import]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), name, package, str(path.relative_to(SRC.parent)))


def imports_in(code: str, name: str, package: str, where: str) -> list[Import]:
    """Every import of a module of ours in `code`, the source of module `name` (of package `package`)."""
    found: list[Import] = []
    for node in ast.walk(ast.parse(code)):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, (), line) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = tuple(alias.name for alias in node.names)
            if base == "wso":  # `from wso import audit`: a package, or a name of wso's own __init__
                for alias in names:
                    found.append(Import(name, f"wso.{alias}" if alias in packages() | SHARED else "wso", (), line))
            else:
                found.append(Import(name, base, names, line))
    return [i for i in found if i.module == "wso" or i.module.startswith("wso.")]


@cache
def exported(package: str) -> frozenset[str]:
    """The names in `__all__` of wso.<package>'s __init__ (literal lists only)."""
    tree = ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            value = ast.literal_eval(node.value)
            return frozenset(value)
    return frozenset()


def problem(item: Import) -> str | None:
    """What is wrong with one import, or None."""
    if item.importer in ENTRY or item.module == "wso":
        return None
    source = item.importer.split(".")[1]
    target = item.module.split(".")
    owner = target[1]
    if source in SHARED and owner in packages():
        return f"{item.importer} is shared by every package and may import none ({item.module})"
    if owner in SHARED or owner == source:
        return None
    if owner in DOORS and source not in DOORS:
        return f"the room {source} imports the door {item.module}"
    public = exported(owner)
    if len(target) > 2:
        sub = target[2]
        if sub.startswith("_") or sub not in public:
            return f"{item.module} is private to {owner}: use what wso.{owner} exports (its __all__)"
        private = [n for n in item.names if n.startswith("_")]
        return f"{item.module}: {', '.join(private)} is private" if private else None
    hidden = [n for n in item.names if n.startswith("_") or n not in public]
    return f"wso.{owner} does not export {', '.join(hidden)} (its __all__)" if hidden else None


def test_doors_and_rooms_use_other_packages_only_through_what_they_export() -> None:
    found = []
    used_exceptions = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for item in imports_of(path):
            wrong = problem(item)
            if wrong is None:
                continue
            if (item.importer, item.module) in EXCEPTIONS:
                used_exceptions.add((item.importer, item.module))
                continue
            found.append(f"{item.where}: {wrong}")
    assert found == [], "\n".join(found)
    assert used_exceptions == EXCEPTIONS, f"exceptions no longer needed, remove them: {EXCEPTIONS - used_exceptions}"


def test_every_name_a_package_exports_exists() -> None:
    """An `__all__` entry is a promise: a name its __init__ binds, or a module of the package."""
    missing = []
    for package in sorted(packages()):
        init = PACKAGE / package / "__init__.py"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        bound = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        bound |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        bound |= {
            t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
        }
        modules = {p.stem for p in (PACKAGE / package).glob("*.py")} | {
            p.parent.name for p in (PACKAGE / package).glob("*/__init__.py")
        }
        missing += [f"wso.{package}.{name}" for name in exported(package) if name not in bound | modules]
    assert missing == []


def test_the_check_finds_what_it_is_for() -> None:
    """The rules above, on imports written for the purpose (a layering test that finds nothing proves nothing)."""
    cases = {
        "from wso.registry.queries import stats": "private to registry",
        "from wso.registry import _county_key": "does not export _county_key",
        "from wso.registry import stats, not_there": "does not export not_there",
        "import wso.custody.commands": "private to custody",
        "from wso.web import app": "imports the door",
        "from ..cli.common import fail": "imports the door",
    }
    for code, expected in cases.items():
        (item,) = imports_in(code, "wso.records.example", "wso.records", "example.py")
        wrong = problem(item)
        assert wrong is not None and expected in wrong, (code, wrong)
    allowed = ("from wso.registry import stats", "from wso.registry.fetch import fetch", "from wso import records")
    for code in allowed:
        (item,) = imports_in(code, "wso.cli.example", "wso.cli", "example.py")
        assert problem(item) is None, code
    (item,) = imports_in("from wso.records.tracker import RequestView", "wso.cli.example", "wso.cli", "example.py")
    assert "private to records" in (problem(item) or "")
