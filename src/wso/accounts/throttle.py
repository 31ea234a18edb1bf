"""Sign-in throttling: failed sign-ins are counted per account (the name as typed, normalised, whether or not it
exists, so the throttle tells nothing about which names are real) and per client address. The `free`-th failure
locks a key for `base`, a delay that doubles with each further failure, up to `ceiling`; a locked key's attempts are
refused without checking the password at all (no argon2 work, so a flood costs the server next to nothing). A
success clears the account's count; an address's count fades after `forget` without failures.

The counts live in the process's memory (one `wso serve`): a restart forgets them, which is no help to an
attacker who cannot restart the server. At most `max_keys` keys are kept (the oldest are forgotten first)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass
class _Count:
    failures: int
    last: datetime
    locked_until: datetime | None = None


@dataclass(frozen=True)
class Lockout:
    """A key that has just been locked: for the journal."""

    key: str
    failures: int
    until: datetime


class SignInThrottle:
    def __init__(
        self,
        *,
        account_free: int = 5,
        address_free: int = 20,
        base: timedelta = timedelta(seconds=2),
        ceiling: timedelta = timedelta(minutes=15),
        forget: timedelta = timedelta(hours=1),
        max_keys: int = 10_000,
    ) -> None:
        self.free = {"account": account_free, "address": address_free}
        self.base, self.ceiling, self.forget, self.max_keys = base, ceiling, forget, max_keys
        self._counts: OrderedDict[str, _Count] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def keys(account: str, address: str | None) -> list[str]:
        return [f"account:{account}"] + ([f"address:{address}"] if address else [])

    def _current(self, key: str, now: datetime) -> _Count | None:
        count = self._counts.get(key)
        if (
            count is not None
            and now - count.last >= self.forget
            and (count.locked_until is None or count.locked_until <= now)
        ):
            del self._counts[key]
            return None
        return count

    def retry_after(self, keys: list[str], now: datetime) -> float:
        """Seconds until these keys may try again (0: now)."""
        with self._lock:
            waits = [0.0]
            for key in keys:
                count = self._current(key, now)
                if count is not None and count.locked_until is not None and count.locked_until > now:
                    waits.append((count.locked_until - now).total_seconds())
            return max(waits)

    def failed(self, keys: list[str], now: datetime) -> list[Lockout]:
        """Count a failure against each key; the keys this failure locked (each newly, or for longer)."""
        locked: list[Lockout] = []
        with self._lock:
            for key in keys:
                count = self._current(key, now) or _Count(0, now)
                count.failures += 1
                count.last = now
                over = count.failures - self.free[key.partition(":")[0]] + 1
                if over > 0:
                    delay = min(self.base * (2 ** min(over - 1, 30)), self.ceiling)
                    count.locked_until = now + delay
                    if over == 1:
                        locked.append(Lockout(key, count.failures, count.locked_until))
                self._counts[key] = count
                self._counts.move_to_end(key)
            while len(self._counts) > self.max_keys:
                self._counts.popitem(last=False)
        return locked

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._counts.pop(f"account:{account}", None)
