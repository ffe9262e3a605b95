"""Events (information meetings, bus trips) and their translations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.events_time import SWEDEN
from content.files.schema import EventFile, EventTranslationFile
from content.models import (
    DeliveryKind,
    Event,
    EventTranslation,
    Municipality,
    PublicationStatus,
    Registration,
    utcnow,
)
from content.repository.lookup import by_slug, id_of, slug_of
from content.repository.outbox import cancel_pending, enqueue


class EventAdapter:
    entity = "event"
    model = EventFile

    def __init__(self, today: date | None = None) -> None:
        self._today = today

    async def read(self, session: AsyncSession, slug: str) -> EventFile | None:
        row = await by_slug(session, Event, slug)
        if row is None:
            return None
        return EventFile(
            slug=row.slug,
            example=row.example,
            municipality=await slug_of(session, Municipality, row.municipality_id),
            starts=row.starts_spec,
            duration_minutes=row.duration_minutes,
            place=row.place,
            capacity=row.capacity,
            languages=row.languages,
            interpreter=row.interpreter,
            status=row.status,
            registration_open=row.registration_open,
            version=row.version,
            translations={
                t.lang: EventTranslationFile(
                    status=t.status,
                    source_version=t.source_version,
                    translated_by=t.translated_by,
                    reviewed_by=t.reviewed_by,
                    title=t.title,
                    body=t.body,
                )
                for t in await _translations(session, row)
            },
        )

    async def write(self, session: AsyncSession, data: EventFile, revision: int) -> None:
        today = self._today or datetime.now(SWEDEN).date()
        starts_at = data.local_start(today).replace(tzinfo=SWEDEN)
        row = await by_slug(session, Event, data.slug)
        before = None if row is None else (row.starts_at, row.place, row.status)
        if row is None:
            row = Event(slug=data.slug, starts_at=starts_at, starts_spec=data.starts)
        elif row.starts_spec != data.starts:
            row.starts_at = starts_at  # an unchanged relative date keeps the day it was first anchored to
        row.starts_spec = data.starts
        row.municipality_id = await id_of(session, Municipality, data.municipality)
        row.example, row.duration_minutes, row.place = data.example, data.duration_minutes, data.place
        row.capacity, row.languages, row.interpreter = data.capacity, list(data.languages), data.interpreter
        row.status, row.registration_open = data.status, data.registration_open
        row.version, row.revision, row.updated_at = data.version, revision, utcnow()
        session.add(row)
        await session.flush()
        if before is not None:
            await _tell_registrants(session, row, before, revision)
        for old in await _translations(session, row):
            await session.delete(old)
        await session.flush()
        for lang, text in data.translations.items():
            session.add(
                EventTranslation(
                    event_id=row.id or 0,
                    lang=lang,
                    status=text.status,
                    source_version=text.source_version,
                    translated_by=text.translated_by,
                    reviewed_by=text.reviewed_by,
                    title=text.title,
                    body=text.body,
                )
            )

    async def remove(self, session: AsyncSession, slug: str) -> None:
        row = await by_slug(session, Event, slug)
        assert row is not None
        for old in await _translations(session, row):
            await session.delete(old)
        await session.flush()  # children first: the tables have no ORM relationship to order the deletes
        await session.delete(row)


async def _tell_registrants(
    session: AsyncSession, row: Event, before: tuple[datetime, str, str], revision: int
) -> None:
    """A published, upcoming event moved or withdrawn: queue a message to everyone registered or waiting."""
    starts_at, place, status = before
    if status != PublicationStatus.PUBLISHED or starts_at <= utcnow():
        return
    if row.status != PublicationStatus.PUBLISHED:
        change = "cancelled"
        await cancel_pending(session=session, kind=DeliveryKind.REMINDER, ref=row.id or 0, reason="event withdrawn")
    elif row.starts_at != starts_at or row.place != place:
        change = "moved"
        if row.starts_at != starts_at:  # a reminder for the old day is withdrawn; the new day gets its own
            await cancel_pending(session=session, kind=DeliveryKind.REMINDER, ref=row.id or 0, reason="event moved")
            await session.exec(update(Registration).where(col(Registration.event_id) == row.id).values(reminded=False))
    else:
        return
    people = await session.exec(select(Registration.user_id).where(Registration.event_id == row.id))
    await enqueue(
        session=session,
        kind=DeliveryKind.EVENT_CHANGE,
        ref=row.id or 0,
        detail=f"{change}:{revision}",
        user_ids=list(people.all()),
        now=utcnow(),
    )


async def _translations(session: AsyncSession, event: Event) -> list[EventTranslation]:
    result = await session.exec(
        select(EventTranslation).where(EventTranslation.event_id == event.id).order_by(col(EventTranslation.lang))
    )
    return list(result.all())


EVENTS = EventAdapter()


async def upcoming_events(
    *, session: AsyncSession, municipality: str | None = None, now: datetime | None = None
) -> list[Event]:
    """Return published events that have not started yet, soonest first."""
    query = (
        select(Event)
        .where(Event.status == PublicationStatus.PUBLISHED, col(Event.starts_at) >= (now or utcnow()))
        .order_by(col(Event.starts_at))
    )
    if municipality is not None:
        query = query.where(Event.municipality_id == await id_of(session, Municipality, municipality))
    return list((await session.exec(query)).all())


async def get_event(*, session: AsyncSession, slug: str) -> Event | None:
    """Return the event with `slug`, or None."""
    return await by_slug(session, Event, slug)


async def event_texts(*, session: AsyncSession, event: Event) -> dict[str, EventTranslation]:
    """Return an event's title and description per language."""
    return {t.lang: t for t in await _translations(session, event)}


async def event_title(*, session: AsyncSession, event: Event, chain: tuple[str, ...]) -> str:
    """Return an event's title in the first language of `chain` that it has."""
    texts = await event_texts(session=session, event=event)
    chosen = next((texts[code] for code in chain if code in texts), None) or next(iter(texts.values()), None)
    return chosen.title if chosen else event.slug


async def events_of_followed(
    *, session: AsyncSession, municipalities: list[str], now: datetime | None = None
) -> list[Event]:
    """Return upcoming published events in any of the given municipalities, soonest first."""
    if not municipalities:
        return []
    query = (
        select(Event)
        .join(Municipality, col(Municipality.id) == col(Event.municipality_id))
        .where(
            Event.status == PublicationStatus.PUBLISHED,
            col(Event.starts_at) >= (now or utcnow()),
            col(Municipality.slug).in_(municipalities),
        )
        .order_by(col(Event.starts_at))
    )
    return list((await session.exec(query)).all())


async def list_events(
    *, session: AsyncSession, municipality: str | None = None, status: PublicationStatus | None = None
) -> list[Event]:
    """Return every event (any status, past and future) by start time, optionally of one municipality or status."""
    query = select(Event).order_by(col(Event.starts_at), col(Event.slug))
    if municipality is not None:
        query = query.where(Event.municipality_id == await id_of(session, Municipality, municipality))
    if status is not None:
        query = query.where(Event.status == status)
    return list((await session.exec(query)).all())
