"""The outbox: one delivery row per message to one person, claimed by the sender and marked with its outcome.

A row goes pending → sending (claimed, committed before the message leaves) → sent, failed, blocked or
cancelled. If the sender dies, its rows still marked sending are put back to pending by the next sender; of those,
only the ones whose request had reached Telegram can arrive twice (see docs/broadcasts.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Insert, and_, func, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import (
    BotUser,
    Broadcast,
    BroadcastStatus,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
)

MAX_ERROR = 64


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery the sender now owns, with what it needs to address and render it."""

    id: int
    kind: DeliveryKind
    ref: int
    detail: str
    user_id: int
    chat_id: int
    lang: str
    active: bool
    failures: int


def insert_ignoring_duplicates(session: AsyncSession) -> Insert:
    """An INSERT into the outbox that skips rows already there (the same message to the same person)."""
    # Each dialect's module is imported only when it is the one in use: PostgreSQL's costs 3 MB on SQLite.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(Delivery).on_conflict_do_nothing()
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(Delivery).on_conflict_do_nothing()


async def enqueue(
    *,
    session: AsyncSession,
    kind: DeliveryKind,
    ref: int,
    user_ids: Iterable[int],
    now: datetime,
    detail: str = "",
    urgent: bool = False,
) -> int:
    """Queue one message for each person (once: a second call for the same message and person adds nothing)."""
    rows = [
        {
            "kind": kind.value,
            "ref": ref,
            "detail": detail,
            "user_id": user_id,
            "status": DeliveryStatus.PENDING.value,
            "urgent": urgent,
            "not_before": now,
            "failures": 0,
        }
        for user_id in user_ids
    ]
    if not rows:
        return 0
    result = await session.exec(insert_ignoring_duplicates(session).values(rows))
    await session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


async def requeue_in_flight(*, session: AsyncSession) -> int:
    """Put rows a dead sender had claimed back in the queue; return how many (they may have been sent)."""
    result = await session.exec(
        update(Delivery).where(col(Delivery.status) == DeliveryStatus.SENDING).values(status=DeliveryStatus.PENDING)
    )
    return int(result.rowcount or 0)


async def claim(*, session: AsyncSession, now: datetime, limit: int, quiet: bool) -> list[Claimed]:
    """Take up to `limit` due deliveries for sending, oldest first; in quiet hours only urgent ones.

    On PostgreSQL the rows are locked with `FOR UPDATE SKIP LOCKED`, so a second process never takes them.
    Deliveries of a paused or cancelled broadcast stay where they are.
    """
    query = (
        select(Delivery.id)
        .outerjoin(Broadcast, col(Broadcast.id) == col(Delivery.broadcast_id))
        .where(
            col(Delivery.status) == DeliveryStatus.PENDING,
            col(Delivery.not_before) <= now,
            or_(col(Delivery.broadcast_id).is_(None), col(Broadcast.status) == BroadcastStatus.SENDING),
        )
        .order_by(col(Delivery.urgent).desc(), col(Delivery.id))
        .limit(limit)
        .with_for_update(of=Delivery, skip_locked=True)
    )
    if quiet:
        query = query.where(col(Delivery.urgent).is_(True))
    ids = list((await session.exec(query)).all())
    if not ids:
        return []
    await session.exec(
        update(Delivery)
        .where(col(Delivery.id).in_(ids), col(Delivery.status) == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SENDING)
    )
    rows = await session.exec(
        select(Delivery, BotUser)
        .join(BotUser, col(BotUser.id) == col(Delivery.user_id))
        .where(col(Delivery.id).in_(ids), col(Delivery.status) == DeliveryStatus.SENDING)
        .order_by(col(Delivery.urgent).desc(), col(Delivery.id))
    )
    return [
        Claimed(
            id=delivery.id or 0,
            kind=DeliveryKind(delivery.kind),
            ref=delivery.ref,
            detail=delivery.detail,
            user_id=user.id or 0,
            chat_id=user.chat_id,
            lang=user.lang or "en",
            active=user.active,
            failures=delivery.failures,
        )
        for delivery, user in rows.all()
    ]


async def _finish(session: AsyncSession, delivery_id: int, **values: object) -> None:
    await session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.status) == DeliveryStatus.SENDING)
        .values(**values)
    )


async def mark_sent(*, session: AsyncSession, delivery_id: int, now: datetime) -> None:
    await _finish(session, delivery_id, status=DeliveryStatus.SENT, sent_at=now, error=None)


async def mark_blocked(*, session: AsyncSession, delivery_id: int, user_id: int) -> None:
    """The person blocked the bot: never retried, and they get nothing more."""
    await _finish(session, delivery_id, status=DeliveryStatus.BLOCKED, error="blocked")
    await session.exec(update(BotUser).where(col(BotUser.id) == user_id).values(active=False))


async def mark_failed(*, session: AsyncSession, delivery_id: int, error: str, failures: int) -> None:
    await _finish(session, delivery_id, status=DeliveryStatus.FAILED, error=error[:MAX_ERROR], failures=failures)


async def mark_cancelled(*, session: AsyncSession, delivery_id: int, reason: str) -> None:
    await _finish(session, delivery_id, status=DeliveryStatus.CANCELLED, error=reason[:MAX_ERROR])


async def mark_retry(
    *, session: AsyncSession, delivery_id: int, not_before: datetime, error: str | None, failures: int
) -> None:
    """Back to the queue, to be tried again from `not_before`."""
    values: dict[str, object] = {"status": DeliveryStatus.PENDING, "not_before": not_before, "failures": failures}
    if error is not None:
        values["error"] = error[:MAX_ERROR]
    await _finish(session, delivery_id, **values)


async def counts(*, session: AsyncSession, broadcast_id: int | None = None) -> dict[str, int]:
    """Return how many deliveries are in each status (of one broadcast, or of the whole outbox)."""
    query = select(Delivery.status, func.count()).group_by(col(Delivery.status))
    if broadcast_id is not None:
        query = query.where(col(Delivery.broadcast_id) == broadcast_id)
    return {str(status): int(number) for status, number in (await session.exec(query)).all()}


async def pending_count(*, session: AsyncSession) -> int:
    """How many deliveries wait (for the overview)."""
    query = select(func.count()).where(
        or_(col(Delivery.status) == DeliveryStatus.PENDING, col(Delivery.status) == DeliveryStatus.SENDING)
    )
    return int((await session.exec(query)).one())


async def cancel_pending(*, session: AsyncSession, kind: DeliveryKind, ref: int, reason: str) -> int:
    """Withdraw queued messages that no longer make sense (the reminders of a cancelled event)."""
    result = await session.exec(
        update(Delivery)
        .where(
            and_(
                col(Delivery.kind) == kind,
                col(Delivery.ref) == ref,
                col(Delivery.status) == DeliveryStatus.PENDING,
            )
        )
        .values(status=DeliveryStatus.CANCELLED, error=reason[:MAX_ERROR])
    )
    return int(result.rowcount or 0)
