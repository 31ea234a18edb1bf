"""The 287(g) program as data: models, rules, custody and detainer clocks, state laws, and eligibility.

Pure: imports nothing else of `wso` and does no I/O except reading its own packaged data files (and a
state-law file the caller names). The modules `hold_records` (the hold-record schema) and `cost` (what WSO holds
cost a county) are public too (`__all__`).
"""

from __future__ import annotations

from wso.program.calendar import BusinessCalendar, packaged_closures
from wso.program.custody import (
    CITIZENSHIP_REPORT,
    COMPLAINT_REPORT_HOURS,
    DETAINER_HOLD,
    DETAINER_READINGS,
    EXAM_MAX_ATTEMPTS,
    EXAM_PASS_SCORE,
    TERMINATION_NOTICE,
    WSO_HOLD,
    DetainerDeadline,
    DetainerPolicy,
    DetainerReading,
    complaint_report_deadline,
    detainer_answer,
    detainer_deadline,
    detainer_policies,
    detainer_policy,
    parse_reading,
    wso_hold_deadline,
)
from wso.program.eligibility import (
    AGENCY_KINDS,
    AgencyKind,
    Eligibility,
    Verdict,
    VerdictPeriod,
    detainer_hold_bar,
    detention_agreement_bar,
    eligibility,
    parse_agency_kind,
    verdict_periods,
)
from wso.program.errors import LawFileError, UnknownValue
from wso.program.laws import (
    BINDS,
    CONFIDENCES,
    SCOPES,
    STANCES,
    Scope,
    StateLaw,
    law,
    merge_laws,
    read_law_file,
    state_laws,
)
from wso.program.models import Model, ModelSpec, model_spec, model_specs, parse_model
from wso.program.rules import Rule, rule, rules
from wso.program.states import COUNTY_LISTS, STATES, counties, parse_state

__all__ = [
    "AGENCY_KINDS",
    "BINDS",
    "CITIZENSHIP_REPORT",
    "COMPLAINT_REPORT_HOURS",
    "CONFIDENCES",
    "COUNTY_LISTS",
    "DETAINER_HOLD",
    "DETAINER_READINGS",
    "EXAM_MAX_ATTEMPTS",
    "EXAM_PASS_SCORE",
    "SCOPES",
    "STANCES",
    "STATES",
    "TERMINATION_NOTICE",
    "WSO_HOLD",
    "AgencyKind",
    "BusinessCalendar",
    "DetainerDeadline",
    "DetainerPolicy",
    "DetainerReading",
    "Eligibility",
    "LawFileError",
    "Model",
    "ModelSpec",
    "Rule",
    "Scope",
    "StateLaw",
    "UnknownValue",
    "Verdict",
    "VerdictPeriod",
    "complaint_report_deadline",
    "cost",
    "counties",
    "detainer_answer",
    "detainer_deadline",
    "detainer_hold_bar",
    "detainer_policies",
    "detainer_policy",
    "detention_agreement_bar",
    "eligibility",
    "hold_records",
    "law",
    "merge_laws",
    "model_spec",
    "model_specs",
    "packaged_closures",
    "parse_agency_kind",
    "parse_model",
    "parse_reading",
    "parse_state",
    "read_law_file",
    "rule",
    "rules",
    "state_laws",
    "verdict_periods",
    "wso_hold_deadline",
]
