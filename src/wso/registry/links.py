"""The MOA and ADDENDUM links of a row: a cell's hyperlink or a URL written as its text, Outlook safelinks
unwrapped, and an issue for a cell that promises a link it does not hold."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus, urlsplit

from wso.registry.sheets import Cell
from wso.registry.text import clean, name_key

if TYPE_CHECKING:
    from wso.registry.readings import ReadRow

SAFELINK_HOST_SUFFIX = ".safelinks.protection.outlook.com"


@lru_cache(maxsize=8192)
def unwrap_url(url: str) -> str:
    """The real address behind an Outlook safelink (https://*.safelinks.protection.outlook.com/?url=...),
    otherwise the URL itself."""
    if "safelinks" not in url.lower():
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.hostname and parts.hostname.endswith(SAFELINK_HOST_SUFFIX):
        inner = _query_value(parts.query, "url")
        if inner:
            return unwrap_url(inner)
    return url


def _query_value(query: str, name: str) -> str | None:
    """The first non-blank value of `name` in a query string: `parse_qs(query).get(name, [None])[0]`, without
    decoding the other fields (a safelink's are long)."""
    for part in query.split("&"):
        key, equals, value = part.partition("=")
        if equals and value and unquote_plus(key) == name:
            return unquote_plus(value)
    return None


def _promises_link(text: str | None) -> bool:
    """A cell whose words say a link is there ('link', 'link | addendum'), not that one is coming."""
    words = name_key(text).split() if text else []
    return "link" in words and "pending" not in words


def _looks_like_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://", "www."))


def _link_of(target: str | None, text: str | None) -> str | None:
    """A link cell's target: its hyperlink, else its text when that text is itself a URL, else None."""
    if target is None and text is not None and _looks_like_url(text):
        return text
    return target


def read_links(
    row: ReadRow,
    columns: dict[str, int],
    links: dict[int, str],
    value_of: Callable[[str], Cell],
    issue: Callable[[str, str | None, Cell, str], None],
) -> None:
    """The MOA and ADDENDUM links of a row, and an issue for a cell that promises a link it does not hold."""
    moa_col = columns.get("moa")
    if moa_col is not None:
        text = clean(value_of("moa"))
        row.moa_text = text
        target = _link_of(links.get(moa_col), text)
        if target is not None:
            row.moa_url_raw = target
            row.moa_url = unwrap_url(target)
        elif _promises_link(text):
            issue("moa_link_missing", "moa", value_of("moa"), f"MOA says {text!r} but the cell holds no hyperlink")
    add_col = columns.get("addendum")
    if add_col is not None:
        text = clean(value_of("addendum"))
        target = _link_of(links.get(add_col), text)
        if target is not None:
            row.addendum_url_raw = target
            row.addendum_url = unwrap_url(target)
        elif _promises_link(text):
            issue(
                "addendum_link_missing",
                "addendum",
                value_of("addendum"),
                f"ADDENDUM says {text!r} but the cell holds no hyperlink",
            )
