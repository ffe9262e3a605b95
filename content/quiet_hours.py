"""Quiet hours: no announcement or reminder reaches a phone between 21:00 and 08:00 Swedish time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from content.events_time import SWEDEN

QUIET_FROM, QUIET_UNTIL = time(21, 0), time(8, 0)


def is_quiet(moment: datetime) -> bool:
    """Return whether `moment` falls in the quiet hours (Swedish local time)."""
    local = moment.astimezone(SWEDEN).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def quiet_ends(moment: datetime) -> datetime:
    """Return when the quiet hours around `moment` end (`moment` itself when it is not quiet)."""
    if not is_quiet(moment):
        return moment
    local = moment.astimezone(SWEDEN)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, SWEDEN)
