"""Failed admin logins, kept for the throttle's window: the same limit for every process, and after a restart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import LoginFailure


async def failures_since(session: AsyncSession, keys: Sequence[str], since: datetime) -> int:
    """The most failures any of `keys` has had since `since`."""
    if not keys:
        return 0
    query = (
        select(LoginFailure.key, func.count())
        .where(col(LoginFailure.key).in_(keys), LoginFailure.at > since)
        .group_by(LoginFailure.key)
    )
    return max((count for _, count in (await session.exec(query)).all()), default=0)


async def record_failure(session: AsyncSession, keys: Sequence[str], now: datetime, forget_before: datetime) -> None:
    """Count a failure for each key, and forget every failure older than the window (so the table stays small)."""
    await session.exec(delete(LoginFailure).where(col(LoginFailure.at) < forget_before))
    for key in keys:
        session.add(LoginFailure(key=key, at=now))


async def forget_failures(session: AsyncSession, key: str) -> None:
    """Forget the failures of a key (an address that has just logged in)."""
    await session.exec(delete(LoginFailure).where(col(LoginFailure.key) == key))
