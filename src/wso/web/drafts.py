"""A form sent after the session ended is not lost: its typed text fields (never the CSRF token or a password)
are kept in the signed session cookie, carried through sign-in, and given back once to the page the form was on,
whose static script (static/draft.js) puts them back into the form. Nothing is sent again on its own."""

from __future__ import annotations

from typing import Any

KEY = "draft"
MAX_CHARS = 2000  # the cookie stays well under a browser's 4 KB limit
SKIP = ("csrf_token", "next")


def _kept(name: str) -> bool:
    return name not in SKIP and "password" not in name.lower()


def keep(data: dict[str, Any], action: str, page: str, fields: list[tuple[str, str]]) -> bool:
    """Keep `fields` (sent to `action` from `page`) in the session `data`; False if too large to keep."""
    kept = [[name, value] for name, value in fields if _kept(name)]
    if sum(len(name) + len(value) for name, value in kept) > MAX_CHARS:
        data.pop(KEY, None)
        return False
    data[KEY] = {"action": action, "page": page, "fields": kept}
    return True


def carried(data: dict[str, Any]) -> dict[str, Any] | None:
    """The draft in `data`, if any (for sign-in, which starts a new session and carries only this)."""
    draft = data.get(KEY)
    return draft if isinstance(draft, dict) else None


def take(data: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The draft for the page at `path`, removed from the session (it is given back once)."""
    draft = carried(data)
    if draft is None or draft.get("page") != path:
        return None
    data.pop(KEY, None)
    return draft
