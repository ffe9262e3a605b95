"""Event times: stored in UTC, shown and written in Swedish local time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")
