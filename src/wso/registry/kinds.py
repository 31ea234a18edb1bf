"""What ICE's words say of an agreement's model (SUPPORT TYPE: TFM, JEM, WSO) and an agency's kind (TYPE, or its
name when TYPE is unreadable)."""

from __future__ import annotations

from functools import lru_cache

from wso.registry.text import name_key

MODELS = ("TFM", "JEM", "WSO")
KINDS = ("county", "municipal", "state")


@lru_cache(maxsize=4096)
def read_model(value: object) -> str | None:
    """TFM, JEM or WSO from ICE's SUPPORT TYPE text, by its words: any case, spacing or abbreviation."""
    key = name_key(str(value)) if value is not None else ""
    words = key.split()
    compact = key.replace(" ", "")
    if compact in ("tfm", "taskforce", "taskforcemodel") or ("task" in words and "force" in words):
        return "TFM"
    if compact in ("jem", "jailenforcement", "jailenforcementmodel") or ("jail" in words):
        return "JEM"
    if compact in ("wso", "warrantservice", "warrantserviceofficer") or ("warrant" in words):
        return "WSO"
    return None


@lru_cache(maxsize=4096)
def read_kind(value: object) -> str | None:
    """county, municipal or state from ICE's TYPE text ('County', 'Municipality', 'State Agency', ...)."""
    words = name_key(str(value)).split() if value is not None else []
    if not words:
        return None
    if any(w.startswith("munic") or w in ("city", "town", "township", "village", "borough") for w in words):
        return "municipal"
    if "county" in words or "parish" in words or "sheriff" in words:
        return "county"
    if "state" in words:
        return "state"
    return None


def kind_from_name(name: str) -> str | None:
    """A guess at an agency's kind from its name, used only when TYPE is unreadable."""
    words = set(name_key(name).split())
    if words & {"sheriff", "sheriffs", "county", "parish"}:
        return "county"
    if words & {"police", "city", "town", "marshal", "marshals"}:
        return "municipal"
    if words & {"state", "highway", "department", "patrol", "corrections"}:
        return "state"
    return None
