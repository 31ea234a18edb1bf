"""Custody's one door to `wso.program`: the rules, constants and deadline arithmetic it applies."""

from __future__ import annotations

from wso.program import (
    CITIZENSHIP_REPORT,
    EXAM_MAX_ATTEMPTS,
    EXAM_PASS_SCORE,
    WSO_HOLD,
    BusinessCalendar,
    DetainerReading,
    Model,
    detainer_deadline,
    eligibility,
    rule,
    wso_hold_deadline,
)

__all__ = [
    "CITIZENSHIP_REPORT",
    "EXAM_MAX_ATTEMPTS",
    "EXAM_PASS_SCORE",
    "WSO_HOLD",
    "BusinessCalendar",
    "DetainerReading",
    "Model",
    "detainer_deadline",
    "eligibility",
    "rule",
    "rule_title",
    "wso_hold_deadline",
]


def rule_title(rule_id: str) -> str:
    """The rule's title from `wso.program`, or the id alone for custody's own input checks."""
    try:
        return rule(rule_id).title
    except ValueError:
        return rule_id
