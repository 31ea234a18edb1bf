"""docs/watch.md stays true: the settings it names exist, and its webhook body has the keys a webhook carries."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.watch.conftest import SITE
from wso.settings import Settings
from wso.watch.messages import event_json
from wso.watch.models import WatchEvent

DOC = (Path(__file__).resolve().parents[2] / "docs" / "watch.md").read_text(encoding="utf-8")


def test_every_setting_named_in_the_reference_exists() -> None:
    named = set(re.findall(r"WSO_[A-Z_]+[A-Z]", DOC))
    assert named and named <= {f"WSO_{f.upper()}" for f in Settings.model_fields}


def test_the_documented_webhook_body_has_the_keys_of_a_real_one() -> None:
    example = json.loads(re.search(r"```json\n(.*?)```", DOC, re.S).group(1).replace("...", ""))  # type: ignore[union-attr]
    from datetime import UTC, date, datetime

    event = WatchEvent(
        id="ev_x",
        seq=1,
        change="pending_listed",
        correction=False,
        corrects=None,
        agreement_id="a",
        agency_id="ag",
        agency_name="East Donegal Township Constable",
        state="PA",
        county=None,
        model="TFM",
        signed=None,
        signed_before=None,
        list_kind="pending",
        old_label="2025-05-20pm",
        old_sha256="0" * 64,
        old_published=date(2025, 5, 20),
        new_label="2025-05-21pm",
        new_sha256="1" * 64,
        new_published=date(2025, 5, 21),
        history=False,
        recorded_at=datetime(2025, 5, 21, tzinfo=UTC),
    )
    real = event_json(event, SITE) | {"subscription": 12}

    def keys(data: object) -> object:
        return {k: keys(v) for k, v in data.items()} if isinstance(data, dict) else None

    assert keys(example) == keys(real)
    assert example["text"] == real["text"]
