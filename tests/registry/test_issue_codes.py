"""The registry's issue codes are one declared set (``ISSUE_CODES``): every code its readers record is declared,
every declared code is recorded somewhere, and docs/registry.md lists exactly these."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import wso.registry
from wso.registry import ISSUE_CODES

ROOT = Path(__file__).resolve().parents[2]

#: the calls that record an issue, and the position of their code among the positional arguments
RECORDERS = {"issue": 0, "_issue": 0, "file_issue": 0, "IssueRecord": 1, "DateReading": 1}


def _recorded_codes() -> dict[str, list[str]]:
    """Each string literal given as an issue's code in the registry's source, with where."""
    found: dict[str, list[str]] = {}
    for path in sorted(Path(wso.registry.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            at = RECORDERS.get(str(name))
            if at is None or len(node.args) <= at:
                continue
            arg = node.args[at]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, []).append(f"{path.name}:{node.lineno}")
    return found


def test_every_code_the_readers_record_is_declared_and_every_declared_code_is_recorded() -> None:
    recorded = _recorded_codes()
    assert len(recorded) >= 20  # the scan finds the readers' codes at all
    assert {c: w for c, w in recorded.items() if c not in ISSUE_CODES} == {}
    assert sorted(set(ISSUE_CODES) - set(recorded)) == []


def test_docs_list_exactly_the_declared_codes() -> None:
    text = (ROOT / "docs" / "registry.md").read_text(encoding="utf-8")
    table = text[text.index("| code | when |") :].split("\n\n", 1)[0]
    listed = {code for line in table.splitlines()[2:] for code in re.findall(r"`([a-z_]+)`", line.split("|")[1])}
    assert listed == set(ISSUE_CODES)
