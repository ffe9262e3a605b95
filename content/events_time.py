"""Times: stored in UTC, shown and written in Swedish local time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def swedish_today() -> date:
    """Today in Sweden: at 00:30 Swedish time it is already the new day, while UTC is still on the old one."""
    return datetime.now(UTC).astimezone(SWEDEN).date()
