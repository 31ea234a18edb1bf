"""The conformance tests share the audit tests' one local Spark session."""

from __future__ import annotations

from tests.audit.conftest import spark

__all__ = ["spark"]
