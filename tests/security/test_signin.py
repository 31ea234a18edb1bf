"""Finding 2 of issue 18 (no throttling of sign-in) and finding 6's sign-in half (the journal held what was typed
into the username box); finding 9's usernames and passwords."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.web.conftest import NOW, PASSWORD, csrf_from
from wso.accounts import AccountError, SignInThrottle, WebAction, check_password, check_username, create_user
from wso.clock import FixedClock
from wso.store import Database


def _try(client: TestClient, username: str, password: str) -> int:
    token = csrf_from(client.get("/signin").text)
    return client.post("/signin", data={"username": username, "password": password, "csrf_token": token}).status_code


def _journal(db: Database) -> list[tuple[str | None, str, str]]:
    with db.session() as session:
        rows = session.execute(select(WebAction.actor, WebAction.kind, WebAction.detail).order_by(WebAction.id)).all()
    return [(r[0], r[1], r[2]) for r in rows]


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(client: TestClient, sqlite_db: Database) -> None:
    codes = [_try(client, "clerk", f"guess number {i}") for i in range(30)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    assert _try(client, "clerk", PASSWORD) == 429
    assert client.get("/console").status_code == 303
    locks = [row for row in _journal(sqlite_db) if row[1] == "sign-in-locked"]
    assert locks == [("clerk", "sign-in-locked", locks[0][2])] and "this account locked for 2 s" in locks[0][2]
    # refused unchecked: only the five checked attempts were written
    assert sum(1 for row in _journal(sqlite_db) if row[1] == "sign-in-refused") == 5


def test_the_lock_lifts_after_its_delay(client: TestClient, clock: FixedClock) -> None:
    for i in range(5):
        _try(client, "clerk", f"guess number {i}")
    assert _try(client, "clerk", PASSWORD) == 429
    clock.advance(timedelta(seconds=3))
    assert _try(client, "clerk", PASSWORD) == 303


def test_one_address_guessing_many_names_is_locked_too(client: TestClient, sqlite_db: Database) -> None:
    codes = [_try(client, f"name{i}", "some password!") for i in range(25)]
    assert codes[:20] == [401] * 20 and set(codes[20:]) == {429}
    assert any(kind == "sign-in-locked" and "address testclient" in detail for _, kind, detail in _journal(sqlite_db))


def test_delays_grow_and_are_capped() -> None:
    throttle = SignInThrottle(account_free=2, address_free=100, ceiling=timedelta(seconds=60))
    keys = throttle.keys("ana", "10.0.0.9")
    now = datetime(2026, 1, 5, tzinfo=UTC)
    waits = []
    for _ in range(10):
        throttle.failed(keys, now)
        waits.append(throttle.retry_after(keys, now))
    assert waits == [0, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    throttle.succeeded("ana")
    assert throttle.retry_after(keys, now) == 0


def test_a_failed_sign_in_names_only_an_existing_account(client: TestClient, sqlite_db: Database) -> None:
    _try(client, "correct horse battery", "clerk")  # the password typed into the username box
    _try(client, "  CLERK ", "wrong password here")
    journal = _journal(sqlite_db)
    assert journal[0][0] is None and "correct horse" not in str(journal)
    assert journal[1][0] == "clerk"


def test_usernames_are_normalised(sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        user = create_user(session, "  Ｍaría.Ruiz ", PASSWORD, "clerk", now=NOW)
        assert user.username == "maría.ruiz"
        with pytest.raises(AccountError, match="already exists"):
            create_user(session, "MARÍA.RUIZ", PASSWORD, "clerk", now=NOW)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("eve\nroot", "control characters"),
        ("eve\troot", "control characters"),
        ("eve root", "spaces"),
        ("\u0430dmin", "CYRILLIC SMALL LETTER A"),
        ("\u0391lice", "GREEK SMALL LETTER ALPHA"),
        ("<b>x</b>", "letters, digits"),
        ("x" * 65, "at most 64"),
        ("", "required"),
    ],
)
def test_bad_usernames_are_refused(name: str, message: str) -> None:
    with pytest.raises(AccountError, match=message):
        check_username(name)


@given(st.text(max_size=30))
def test_a_normalised_username_is_printable_latin(raw: str) -> None:
    try:
        name = check_username(raw)
    except AccountError:
        return
    assert name == check_username(name)
    assert all(ch.isprintable() and not ch.isspace() for ch in name)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 10"),
        ("aaaaaaaaaa", "more than three different"),
        ("xx-ana-smith-xx", "contain the username"),
        ("password123", "common passwords"),
        ("Iloveyou12", "common passwords"),
        ("x" * 1025, "at most 1024"),
    ],
)
def test_weak_passwords_are_refused(password: str, message: str) -> None:
    with pytest.raises(AccountError, match=message):
        check_password(password, "ana-smith")


def test_a_sign_in_flood_holds_few_threads_and_no_connection(sqlite_db: Database) -> None:
    """Argon2 runs one at a time; beyond a short queue a sign-in is answered busy at once, and no sign-in holds a
    database connection while it waits (the pool stays free for signed-in pages)."""
    import threading
    import time

    from wso.accounts import Busy, sign_in
    from wso.accounts.users import HASH_QUEUE, _slot

    throttle = SignInThrottle(address_free=1000, account_free=1000)
    outcomes: list[str] = []
    held = _slot()
    held.__enter__()  # the slot is taken, as by a sign-in being checked: every sign-in below must wait for it

    def attempt(i: int) -> None:
        try:
            sign_in(sqlite_db, throttle, f"n{i}", "wrong password", now=NOW, remote=f"10.0.0.{i}")
            outcomes.append("checked")
        except Busy:
            outcomes.append("busy")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(HASH_QUEUE + 6)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 8
        while outcomes.count("busy") < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert outcomes.count("busy") == 6  # answered at once, while the slot is still taken
        assert sqlite_db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        held.__exit__()
        for thread in threads:
            thread.join()
    assert outcomes.count("checked") == HASH_QUEUE
