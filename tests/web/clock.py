"""An injectable clock for the retention tests."""

from __future__ import annotations

from datetime import datetime, timedelta


class FakeClock:
    """An injectable clock that only moves when told to."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
