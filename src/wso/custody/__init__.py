"""The custody ledger: the WSO program run for real in a jail, with the 48-hour clock.

Public functions: `Custody` (commands, one by one with `run` or in a group commit with `apply_many`; each
checked against `wso.program` rules before anything is written), `GroupWriter` (many clerks' commands, one
commit), `sweep` (alerts, each raised once), `verify` (recompute every hold's hash chain), `holds` / `hold_view`
(one hold's, by its id or its warrant's) / `history` (read; a view names the hold's agency, facility and officer),
`replay` (a JSONL day in a jail), `export_hold_records` (hold-record schema v2, pseudonymised by default),
`open_alerts` (the alerts raised on holds that still keep the person, in one statement), `ledger_cost` (what
the holds cost the county, per facility and month).
`CATALOGUE` (module `catalogue`): the one catalogue of commands (labels, task groups, roles, fields with their
kinds), which replay, the CLI, the console and the docs read; `FIELDS`, `OPTIONAL` and `CHOICES` are derived from
it. `choices` (module): what the console's pickers offer (agencies, facilities, officers, bookings, warrants...).
The modules `catalogue`, `choices`, `export` and `replay` are public too (`__all__`).
`due_for_release`, `bookings`, `warrants`, `booking_of`: the desk's read side (who is due for release with
warrants waiting, and whether a WSO may serve now; bookings and warrants searched and paged).
`ALERT_TEXTS`: what each alert kind asks of the jail, the one text the sweep, the CLI and the console show; a
deadline alert about the end of a detention agreement's cover says when it ends instead (`AlertView.text`).
"""

from wso.custody import catalogue, choices
from wso.custody.catalogue import CATALOGUE
from wso.custody.checks import FORMS, RELEASE_REASONS
from wso.custody.commands import CHOICES, FIELDS, HANDLERS, OPTIONAL, Command, Custody, Result
from wso.custody.cost import ledger_cost
from wso.custody.desk import (
    BookingRow,
    DueRelease,
    Page,
    Person,
    Search,
    WarrantRow,
    booking_of,
    bookings,
    due_for_release,
    warrants,
)
from wso.custody.group import GroupWriter
from wso.custody.ledger import Verification, verify
from wso.custody.notify import AlertMessage, LogNotifier, MemoryNotifier, Notifier, WebhookNotifier
from wso.custody.queries import AlertView, HoldView, due_within, find_hold, history, hold_view, holds, open_alerts
from wso.custody.sweep import TEXT as ALERT_TEXTS
from wso.custody.sweep import RaisedAlert, sweep

__all__ = [
    "ALERT_TEXTS",
    "CATALOGUE",
    "CHOICES",
    "FIELDS",
    "FORMS",
    "HANDLERS",
    "OPTIONAL",
    "RELEASE_REASONS",
    "AlertMessage",
    "AlertView",
    "BookingRow",
    "Command",
    "Custody",
    "DueRelease",
    "GroupWriter",
    "HoldView",
    "LogNotifier",
    "MemoryNotifier",
    "Notifier",
    "Page",
    "Person",
    "RaisedAlert",
    "Result",
    "Search",
    "Verification",
    "WarrantRow",
    "WebhookNotifier",
    "booking_of",
    "bookings",
    "catalogue",
    "choices",
    "due_for_release",
    "due_within",
    "export",
    "find_hold",
    "history",
    "hold_view",
    "holds",
    "ledger_cost",
    "open_alerts",
    "replay",
    "sweep",
    "verify",
    "warrants",
]
