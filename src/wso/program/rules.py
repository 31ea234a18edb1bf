"""Every rule the software checks, with a stable id and a citation (packaged in data/rules.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from wso.program._data import data_yaml
from wso.program.errors import UnknownValue
from wso.program.models import Model

Severity = Literal["violation", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("violation", "warning", "info")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    text: str
    citation: str
    source: str
    applies_to: tuple[Model, ...]
    severity: Severity
    title_es: str = ""  # title and text in Spanish, for the public pages (data/rules.yaml: `es`)
    text_es: str = ""


def _spanish(item: dict[str, Any], field: str) -> str:
    text = (item.get("es") or {}).get(field)
    if not text:
        raise ValueError(f"rules.yaml: rule {item['id']}: no Spanish {field} (es: {field}: ...)")
    return str(text)


def _severity(value: str, rule_id: str) -> Severity:
    for severity in SEVERITIES:
        if value == severity:
            return severity
    raise ValueError(f"rules.yaml: rule {rule_id}: severity {value!r} is not one of {', '.join(SEVERITIES)}")


@cache
def rules() -> tuple[Rule, ...]:
    """All rules, in the order of the data file."""
    loaded = tuple(
        Rule(
            id=item["id"],
            title=item["title"],
            text=item["text"],
            citation=item["citation"],
            source=item["source"],
            applies_to=tuple(Model(m) for m in item["applies_to"]),
            severity=_severity(item["severity"], item["id"]),
            title_es=_spanish(item, "title"),
            text_es=_spanish(item, "text"),
        )
        for item in data_yaml("rules.yaml")
    )
    ids = [r.id for r in loaded]
    if len(set(ids)) != len(ids):
        raise ValueError("rules.yaml: duplicate rule ids")
    return loaded


def rule(rule_id: str) -> Rule:
    """The rule with this id (case-insensitive); `UnknownValue` lists the ids."""
    wanted = rule_id.strip().upper()
    for candidate in rules():
        if candidate.id == wanted:
            return candidate
    raise UnknownValue("rule id", rule_id, [r.id for r in rules()])
