"""The shared data, wherever this checkout sits (tests.conftest's SHARED assumes a checkout at /work/<name>)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SHARED as _SHARED

SHARED = _SHARED if _SHARED.is_dir() else Path("/work/shared")
REFERENCE = SHARED / "reference"
SHEETS = SHARED / "data" / "ice-287g-sheets"
