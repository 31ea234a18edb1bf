"""What a username and a password may be. A username is NFKC-normalised and case-folded, so that "Ana", "ANA"
and "ａｎａ" are one account; it holds Latin letters, digits and `._-@` only: no spaces or control characters
(which would forge lines of `wso users list` or of the journal) and no letters of another script that look like
Latin ones (a Cyrillic "а" in "аdmin"). A password has 10 to 1024 characters, more than three distinct ones,
does not contain the username, and is not on the list of common passwords shipped with the package."""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from importlib.resources import files

USERNAME_MAX = 64
PASSWORD_MIN = 10
PASSWORD_MAX = 1024
USERNAME_PUNCTUATION = frozenset("._-@")


class AccountError(ValueError):
    """A request about accounts that cannot be done, with a message fit to show (never holding a password)."""


class NoSuchUser(AccountError):
    """The username names no account."""


def fold(raw: str) -> str:
    """The form a username is stored and compared in: NFKC, case-folded, trimmed."""
    return unicodedata.normalize("NFKC", raw).casefold().strip()


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"


def check_username(raw: str) -> str:
    """The normalised username, or AccountError naming the rule it breaks."""
    name = fold(raw)
    if not name:
        raise AccountError("a username is required")
    if len(name) > USERNAME_MAX:
        raise AccountError(f"a username has at most {USERNAME_MAX} characters")
    for position, ch in enumerate(name, start=1):
        category = unicodedata.category(ch)
        if category.startswith(("C", "Z")):
            raise AccountError(f"a username may not hold spaces or control characters ({_describe(ch)} at {position})")
        if ch.isascii() and (ch.isalnum() or ch in USERNAME_PUNCTUATION):
            continue
        if category.startswith("L") and unicodedata.name(ch, "").startswith("LATIN "):
            continue
        if category.startswith("L"):
            raise AccountError(
                f"a username is written in Latin letters: {_describe(ch)} at {position} may look like one but is not"
            )
        raise AccountError(
            f"a username holds letters, digits and . _ - @ only ({_describe(ch)} at {position} is none of them)"
        )
    return name


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case), read once when first needed."""
    data = files("wso.accounts").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


def check_password(password: str, username: str) -> None:
    """AccountError if `password` breaks a rule for the account `username` (normalised)."""
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"a password needs at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"a password has at most {PASSWORD_MAX} characters")
    if len(set(password)) < 4:
        raise AccountError("a password needs more than three different characters")
    folded = fold(password)
    if username and len(username) >= 3 and username in folded:
        raise AccountError("a password may not contain the username")
    if folded in common_passwords() or folded.replace(" ", "") in common_passwords():
        raise AccountError("that password is on the list of common passwords; choose another")
