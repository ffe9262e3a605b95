"""Background workers saying they are alive, so the admin can tell when nothing is being sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import Heartbeat

SENDER = "sender"
SENDER_BEATS_EVERY = 15.0  # seconds
SENDER_GONE_AFTER = timedelta(minutes=2)  # without a beat: no process is sending


async def beat(session: AsyncSession, now: datetime, name: str = SENDER) -> None:
    """Record that the worker `name` is alive now (in the caller's transaction)."""
    row = await session.get(Heartbeat, name)
    if row is None:
        session.add(Heartbeat(name=name, seen_at=now))
    else:
        row.seen_at = now
        session.add(row)


async def last_seen(session: AsyncSession, name: str = SENDER) -> datetime | None:
    """When the worker last said it was alive (None: never)."""
    row = await session.get(Heartbeat, name)
    return row.seen_at if row else None
