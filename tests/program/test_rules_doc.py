"""docs/rules.md states each custody decision once, with its citation: the rules both engines decide (the ledger per
command, the audit over records) each lead exactly one bullet of "The WSO custody rules: the decisions", and that
bullet quotes or names the source the rule's citation gives (wso.program's rules.yaml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wso.audit.facts import PROGRAM_RULES
from wso.program import rule

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
#: the decisions the ledger and the audit share, written once in wso.program
DECIDED = (
    "WSO-SCHEDULED-RELEASE",
    "WSO-48H",
    "WSO-DETENTION-AGREEMENT",
    "DETAINER-48H",
    "WSO-NOTIFY-ICE",
    "WSO-CITIZENSHIP-1H",
    "WSO-COMPLAINT-48H",
    "WSO-NO-INTERROGATION",
    "WSO-INTERPRETER",
)
#: what the audit checks that is no custody decision of time: who, where, which form, which agreement, state law
NOT_DECISIONS = {"WSO-AUTHORIZED-OFFICER", "WSO-JAIL-ONLY", "WSO-WARRANT-FORMS", "WSO-AGREEMENT-IN-FORCE", "STATE-LAW"}


def _bullets() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## The WSO custody rules: the decisions")
    section = text[start : text.index("\n## ", start + 1)]
    return [" ".join(b.split()) for b in re.split(r"\n- ", section)[1:]]


def _leading_rule(bullet: str) -> str | None:
    """The rule a bullet decides: the first id in the parentheses after its bold head."""
    found = re.match(r"\*\*[^*]+\*\* \(`([A-Z0-9-]+)`", bullet)
    return found.group(1) if found else None


def _sources(citation: str) -> set[str]:
    """What names the source in a citation: runs of four words of what it quotes, and the instrument's place
    (an appendix, a section of the MOA, a regulation's paragraph)."""
    keys: set[str] = set()
    for quoted in re.findall(r'"([^"]+)"', citation):
        words = quoted.replace("...", " ").split()
        keys.update(" ".join(words[i : i + 4]) for i in range(max(len(words) - 3, 0)))
    keys.update(re.findall(r"Appendix [A-Z]|§ [IVX]+|\d+\.\d+\([a-z]\)", citation))
    return keys


def test_every_decision_the_audit_checks_is_in_the_list() -> None:
    assert set(PROGRAM_RULES) - NOT_DECISIONS <= set(DECIDED)


def test_each_decision_leads_exactly_one_bullet() -> None:
    leading = [_leading_rule(b) for b in _bullets()]
    for rule_id in DECIDED:
        assert leading.count(rule_id) == 1, (rule_id, leading)


@pytest.mark.parametrize("rule_id", DECIDED)
def test_each_decision_quotes_or_names_its_citation(rule_id: str) -> None:
    bullet = next(b for b in _bullets() if _leading_rule(b) == rule_id)
    sources = _sources(rule(rule_id).citation)
    assert sources, rule_id
    assert any(key in bullet.replace("§§", "§") for key in sources), (rule_id, sorted(sources), bullet[:200])
