"""Staff alerts: an urgent message reached the inbox. One pending alert per thread; a sender claims and sends it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import AlertStatus, InboxThread, StaffAlert

MAX_FAILURES = 5


@dataclass(frozen=True, slots=True)
class Alert:
    """What an alert may say: which thread, in which language, since when. Never the text or the person."""

    id: int
    thread_id: int
    lang: str
    created_at: datetime
    sent_by: tuple[str, ...] = ()  # the channels it has already gone out by


async def raise_alert(*, session: AsyncSession, thread_id: int, now: datetime) -> None:
    """Ask for staff to be alerted about `thread_id`, unless an alert for it is already waiting to be sent."""
    waiting = await session.exec(
        select(StaffAlert.id).where(
            StaffAlert.thread_id == thread_id,
            col(StaffAlert.status).in_([AlertStatus.PENDING, AlertStatus.SENDING]),
        )
    )
    if waiting.first() is None:
        session.add(StaffAlert(thread_id=thread_id, created_at=now))


async def claim_alerts(*, session: AsyncSession, limit: int = 10) -> list[Alert]:
    """Take pending alerts for sending (another process cannot take the same one)."""
    rows = await session.exec(
        select(StaffAlert, InboxThread.lang)
        .join(InboxThread, col(InboxThread.id) == col(StaffAlert.thread_id))
        .where(StaffAlert.status == AlertStatus.PENDING)
        .order_by(col(StaffAlert.id))
        .limit(limit)
    )
    claimed = []
    for alert, lang in rows.all():
        taken = await session.exec(
            update(StaffAlert)
            .where(col(StaffAlert.id) == alert.id, col(StaffAlert.status) == AlertStatus.PENDING)
            .values(status=AlertStatus.SENDING)
        )
        if taken.rowcount == 1:
            claimed.append(Alert(alert.id or 0, alert.thread_id, lang, alert.created_at, tuple(alert.sent_by)))
    return claimed


async def finish_alert(
    *, session: AsyncSession, alert_id: int, now: datetime, error: str | None = None, sent_by: tuple[str, ...] = ()
) -> None:
    """Record the outcome: sent, or one more failure (pending again until MAX_FAILURES, then failed); `sent_by`:
    the channels that delivered it this time, which a retry does not use again."""
    alert = await session.get(StaffAlert, alert_id)
    if alert is None:
        return  # the person used /forget meanwhile
    alert.sent_by = list(dict.fromkeys([*alert.sent_by, *sent_by]))
    if error is None:
        alert.status, alert.sent_at, alert.error = AlertStatus.SENT, now, None
    else:
        alert.failures += 1
        alert.error = error[:64]
        alert.status = AlertStatus.FAILED if alert.failures >= MAX_FAILURES else AlertStatus.PENDING
    session.add(alert)


async def release_claims(*, session: AsyncSession) -> None:
    """At start: alerts a dead sender had claimed are pending again."""
    await session.exec(
        update(StaffAlert).where(col(StaffAlert.status) == AlertStatus.SENDING).values(status=AlertStatus.PENDING)
    )
