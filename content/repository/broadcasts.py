"""Broadcasts: announcements written in Swedish, translated, sent to an audience through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, literal, true, update
from sqlalchemy import select as select_columns
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import (
    Audience,
    AuditEntry,
    BotUser,
    Broadcast,
    BroadcastStatus,
    BroadcastText,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Event,
    Follow,
    Municipality,
    Region,
    Registration,
    TranslationStatus,
)
from content.repository.outbox import counts, insert_ignoring_duplicates
from translations.languages import SOURCE_LANGUAGE

EDITABLE = (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED)


class BroadcastError(Exception):
    """A change a broadcast in its current state does not allow."""


def audience_query(audience: Audience, value: str) -> Select[tuple[int]]:
    """The people an audience names: always only those with announcements on who still use the bot."""
    query = select(BotUser.id).where(
        col(BotUser.active).is_(True),
        col(BotUser.announcements).is_(True),
        col(BotUser.lang).is_not(None),
        col(BotUser.chat_id) > 0,  # the admin's "Try the bot" sessions have negative ids: never recipients
    )
    if audience == Audience.LANGUAGE:
        query = query.where(col(BotUser.lang) == value)
    elif audience == Audience.SITUATION:
        query = query.where(col(BotUser.situation) == value)
    elif audience == Audience.MUNICIPALITY:
        followers = select(Follow.user_id).where(Follow.kind == "municipality", Follow.slug == value)
        query = query.where(col(BotUser.id).in_(followers))
    elif audience == Audience.REGION:
        towns = (
            select(Municipality.slug)
            .join(Region, col(Region.id) == col(Municipality.region_id))
            .where(Region.slug == value)
        )
        followers = select(Follow.user_id).where(Follow.kind == "municipality", col(Follow.slug).in_(towns))
        query = query.where(col(BotUser.id).in_(followers))
    elif audience == Audience.EVENT:
        registered = (
            select(Registration.user_id)
            .join(Event, col(Event.id) == col(Registration.event_id))
            .where(Event.slug == value)
        )
        query = query.where(col(BotUser.id).in_(registered))
    return query  # type: ignore[return-value]


async def audience_by_language(*, session: AsyncSession, audience: Audience, value: str) -> dict[str, int]:
    """How many people an audience reaches, per language."""
    people = audience_query(audience, value).subquery()
    rows = await session.exec(
        select(BotUser.lang, func.count()).where(col(BotUser.id).in_(select(people.c.id))).group_by(col(BotUser.lang))
    )
    return {str(lang): int(number) for lang, number in rows.all()}


async def create_broadcast(
    *,
    session: AsyncSession,
    text: str,
    audience: Audience,
    audience_value: str,
    event_id: int | None,
    urgent: bool,
    author: str,
) -> Broadcast:
    """Create a draft from its Swedish text."""
    broadcast = Broadcast(
        audience=audience, audience_value=audience_value, event_id=event_id, urgent=urgent, author=author
    )
    session.add(broadcast)
    await session.flush()
    session.add(
        BroadcastText(broadcast_id=broadcast.id or 0, lang=SOURCE_LANGUAGE, status=TranslationStatus.SOURCE, text=text)
    )
    session.add(AuditEntry(actor=author, action="create", entity="broadcast", slug=str(broadcast.id)))
    await session.flush()
    return broadcast


async def update_broadcast(
    *,
    session: AsyncSession,
    broadcast: Broadcast,
    text: str,
    audience: Audience,
    audience_value: str,
    event_id: int | None,
    urgent: bool,
    actor: str,
    now: datetime,
) -> None:
    """Change a draft; a changed Swedish text marks every translation as made from an older text."""
    _require(broadcast, EDITABLE)
    texts = await broadcast_texts(session=session, broadcast=broadcast)
    source = texts[SOURCE_LANGUAGE]
    if source.text != text:
        source.text = text
        session.add(source)
        for lang, other in texts.items():
            if lang != SOURCE_LANGUAGE:
                await session.delete(other)  # a translation of the old text would say something else
    broadcast.audience, broadcast.audience_value = audience, audience_value
    broadcast.event_id, broadcast.urgent, broadcast.updated_at = event_id, urgent, now
    session.add(broadcast)
    session.add(AuditEntry(actor=actor, action="update", entity="broadcast", slug=str(broadcast.id)))
    await session.flush()


async def broadcast_texts(*, session: AsyncSession, broadcast: Broadcast) -> dict[str, BroadcastText]:
    rows = await session.exec(select(BroadcastText).where(BroadcastText.broadcast_id == broadcast.id))
    return {row.lang: row for row in rows.all()}


async def set_text(
    *, session: AsyncSession, broadcast: Broadcast, lang: str, text: str, status: TranslationStatus
) -> None:
    """Store a translation (machine or reviewed); an empty text removes it."""
    _require(broadcast, EDITABLE)
    texts = await broadcast_texts(session=session, broadcast=broadcast)
    row = texts.get(lang)
    if not text.strip():
        if row is not None:
            await session.delete(row)
    elif row is None:
        session.add(BroadcastText(broadcast_id=broadcast.id or 0, lang=lang, status=status, text=text))
    else:
        row.text, row.status = text, status
        session.add(row)
    await session.flush()


async def get_broadcast(*, session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    return await session.get(Broadcast, broadcast_id)


async def list_broadcasts(*, session: AsyncSession, limit: int = 200) -> list[Broadcast]:
    rows = await session.exec(select(Broadcast).order_by(col(Broadcast.id).desc()).limit(limit))
    return list(rows.all())


def _require(broadcast: Broadcast, allowed: tuple[BroadcastStatus, ...]) -> None:
    if broadcast.status not in allowed:
        raise BroadcastError(f"broadcast {broadcast.id} is {broadcast.status}")


async def schedule(
    *, session: AsyncSession, broadcast: Broadcast, at: datetime | None, actor: str, now: datetime
) -> None:
    """Send at `at`, or now (None): the sender starts it when it is due."""
    _require(broadcast, EDITABLE)
    broadcast.status = BroadcastStatus.SCHEDULED
    broadcast.scheduled_at = at or now
    broadcast.updated_at = now
    session.add(broadcast)
    session.add(
        AuditEntry(
            actor=actor, action="schedule", entity="broadcast", slug=str(broadcast.id),
            detail={"at": broadcast.scheduled_at.isoformat(), "urgent": broadcast.urgent},
        )
    )  # fmt: skip
    await session.flush()


async def start_now(*, session: AsyncSession, broadcast: Broadcast, actor: str, now: datetime) -> None:
    """Start sending at once: one delivery per person in the audience now (the sender picks them up)."""
    _require(broadcast, EDITABLE)
    broadcast.scheduled_at = now
    await _start(session, broadcast, now)
    session.add(
        AuditEntry(
            actor=actor, action="send", entity="broadcast", slug=str(broadcast.id),
            detail={"recipients": broadcast.recipients, "urgent": broadcast.urgent},
        )
    )  # fmt: skip
    await session.flush()


async def start_due(*, session: AsyncSession, now: datetime) -> list[int]:
    """Start every scheduled broadcast whose time has come: create one delivery per recipient, at once."""
    due = await session.exec(
        select(Broadcast)
        .where(Broadcast.status == BroadcastStatus.SCHEDULED, col(Broadcast.scheduled_at) <= now)
        .with_for_update(skip_locked=True)
    )
    started = []
    for broadcast in due.all():
        await _start(session, broadcast, now)
        started.append(broadcast.id or 0)
    return started


async def _start(session: AsyncSession, broadcast: Broadcast, now: datetime) -> None:
    people = audience_query(broadcast.audience, broadcast.audience_value).subquery()
    rows = select_columns(
        literal(DeliveryKind.BROADCAST.value),
        literal(broadcast.id),
        literal(""),
        literal(broadcast.id),
        people.c.id,
        literal(DeliveryStatus.PENDING.value),
        literal(broadcast.urgent),
        literal(now, type_=Delivery.__table__.c.not_before.type),  # type: ignore[attr-defined]
        literal(0),
    )
    rows = rows.where(true())  # SQLite needs a WHERE before ON CONFLICT in INSERT ... SELECT
    columns = ["kind", "ref", "detail", "broadcast_id", "user_id", "status", "urgent", "not_before", "failures"]
    await session.exec(insert_ignoring_duplicates(session).from_select(columns, rows))
    total = (await session.exec(select(func.count()).where(Delivery.broadcast_id == broadcast.id))).one()
    broadcast.status = BroadcastStatus.SENDING
    broadcast.started_at = now
    broadcast.recipients = int(total)
    session.add(broadcast)
    await session.flush()


async def finish_done(*, session: AsyncSession, now: datetime) -> list[int]:
    """Mark sending broadcasts with nothing left to send as done."""
    open_work = select(Delivery.broadcast_id).where(
        col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
        col(Delivery.broadcast_id).is_not(None),
    )
    finished = await session.exec(
        select(Broadcast).where(Broadcast.status == BroadcastStatus.SENDING, col(Broadcast.id).not_in(open_work))
    )
    done = []
    for broadcast in finished.all():
        broadcast.status, broadcast.finished_at = BroadcastStatus.DONE, now
        session.add(broadcast)
        done.append(broadcast.id or 0)
    await session.flush()
    return done


async def pause(*, session: AsyncSession, broadcast: Broadcast, actor: str, now: datetime) -> None:
    """Stop sending for now; what is already in flight still arrives."""
    _require(broadcast, (BroadcastStatus.SENDING,))
    await _set_status(session, broadcast, BroadcastStatus.PAUSED, actor, now)


async def resume(*, session: AsyncSession, broadcast: Broadcast, actor: str, now: datetime) -> None:
    _require(broadcast, (BroadcastStatus.PAUSED,))
    await _set_status(session, broadcast, BroadcastStatus.SENDING, actor, now)


async def cancel(*, session: AsyncSession, broadcast: Broadcast, actor: str, now: datetime) -> None:
    """Stop for good: a scheduled broadcast never starts, and unsent deliveries are withdrawn."""
    _require(broadcast, (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING, BroadcastStatus.PAUSED))
    await session.exec(
        update(Delivery)
        .where(col(Delivery.broadcast_id) == broadcast.id, col(Delivery.status) == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.CANCELLED, error="cancelled by staff")
    )
    broadcast.finished_at = now
    await _set_status(session, broadcast, BroadcastStatus.CANCELLED, actor, now)


async def _set_status(
    session: AsyncSession, broadcast: Broadcast, status: BroadcastStatus, actor: str, now: datetime
) -> None:
    broadcast.status, broadcast.updated_at = status, now
    session.add(broadcast)
    session.add(AuditEntry(actor=actor, action=str(status), entity="broadcast", slug=str(broadcast.id)))
    await session.flush()


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a broadcast stands."""

    total: int
    sent: int
    pending: int  # waiting or being sent
    failed: int
    blocked: int
    cancelled: int

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.blocked + self.cancelled

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else round(100 * self.done / self.total)


async def progress(*, session: AsyncSession, broadcast: Broadcast) -> Progress:
    by_status = broadcast.report.get("counts") or await counts(session=session, broadcast_id=broadcast.id)
    return Progress(
        total=sum(by_status.values()),
        sent=by_status.get("sent", 0),
        pending=by_status.get("pending", 0) + by_status.get("sending", 0),
        failed=by_status.get("failed", 0),
        blocked=by_status.get("blocked", 0),
        cancelled=by_status.get("cancelled", 0),
    )


async def failures(*, session: AsyncSession, broadcast: Broadcast) -> dict[str, int]:
    """What went wrong, and how often (for the final report; no person is named)."""
    if "failures" in broadcast.report:
        return dict(broadcast.report["failures"])
    rows = await session.exec(
        select(Delivery.error, func.count())
        .where(Delivery.broadcast_id == broadcast.id, Delivery.status == DeliveryStatus.FAILED)
        .group_by(col(Delivery.error))
    )
    return {str(error or "unknown"): int(number) for error, number in rows.all()}


FINAL = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.BLOCKED, DeliveryStatus.CANCELLED)


async def forget_old_deliveries(*, session: AsyncSession, finished_before: datetime) -> int:
    """Delete the delivery rows (who got which message) of broadcasts finished before `finished_before`, keeping
    their report as counts on the broadcast, and of reminders, event changes and freed seats dealt with before
    then; return how many rows went. A staff answer's row goes with its conversation (the inbox's retention)."""
    open_work = select(Delivery.broadcast_id).where(
        col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING]),
        col(Delivery.broadcast_id).is_not(None),
    )
    old = await session.exec(
        select(Broadcast).where(
            col(Broadcast.status).in_([BroadcastStatus.DONE, BroadcastStatus.CANCELLED]),
            col(Broadcast.finished_at) < finished_before,
            col(Broadcast.id).not_in(open_work),
        )
    )
    removed = 0
    for broadcast in old.all():
        if broadcast.report:
            continue
        report = {
            "counts": await counts(session=session, broadcast_id=broadcast.id),
            "failures": await failures(session=session, broadcast=broadcast),
        }
        gone = await session.exec(delete(Delivery).where(col(Delivery.broadcast_id) == broadcast.id))
        removed += gone.rowcount or 0
        broadcast.report = report
        session.add(broadcast)
    gone = await session.exec(
        delete(Delivery).where(
            col(Delivery.kind).in_([DeliveryKind.REMINDER, DeliveryKind.EVENT_CHANGE, DeliveryKind.SEAT_FREED]),
            col(Delivery.status).in_(FINAL),
            col(Delivery.not_before) < finished_before,
        )
    )
    removed += gone.rowcount or 0
    await session.flush()
    return removed
