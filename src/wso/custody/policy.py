"""Custody's one door to `wso.program`: the rules, constants and deadline arithmetic it applies."""

from __future__ import annotations

from wso.program import (
    CITIZENSHIP_REPORT,
    DEFAULT_DETAINER_READING,
    DETENTION_KINDS,
    EXAM_MAX_ATTEMPTS,
    EXAM_PASS_SCORE,
    ICE_NOTIFY_WINDOW,
    INTERVIEW_TOPICS,
    SERVICE_TOLERANCE,
    WSO_FORBIDDEN_TOPICS,
    WSO_HOLD,
    BusinessCalendar,
    DetainerReading,
    DetentionCover,
    Eligibility,
    Model,
    ServiceCheck,
    UnknownValue,
    business_calendar,
    citizenship_report_applies,
    citizenship_standard,
    complaint_report_deadline,
    criminal_release,
    detainer_deadline,
    detainer_hold_bar,
    detention_agreement_from,
    detention_cover,
    eligibility,
    parse_agency_kind,
    parse_detention_kind,
    parse_interview_topic,
    parse_moa_template,
    rule,
    service_check,
    wso_hold_deadline,
)

__all__ = [
    "CITIZENSHIP_REPORT",
    "DEFAULT_DETAINER_READING",
    "DETENTION_KINDS",
    "EXAM_MAX_ATTEMPTS",
    "EXAM_PASS_SCORE",
    "ICE_NOTIFY_WINDOW",
    "INTERVIEW_TOPICS",
    "SERVICE_TOLERANCE",
    "WSO_FORBIDDEN_TOPICS",
    "WSO_HOLD",
    "BusinessCalendar",
    "DetainerReading",
    "DetentionCover",
    "Eligibility",
    "Model",
    "ServiceCheck",
    "UnknownValue",
    "business_calendar",
    "citizenship_report_applies",
    "citizenship_standard",
    "complaint_report_deadline",
    "criminal_release",
    "detainer_deadline",
    "detainer_hold_bar",
    "detention_agreement_from",
    "detention_cover",
    "eligibility",
    "parse_agency_kind",
    "parse_detention_kind",
    "parse_interview_topic",
    "parse_moa_template",
    "rule",
    "rule_title",
    "service_check",
    "wso_hold_deadline",
]


def rule_title(rule_id: str) -> str:
    """The rule's title from `wso.program`, or the id alone for custody's own input checks."""
    try:
        return rule(rule_id).title
    except ValueError:
        return rule_id
