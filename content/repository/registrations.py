"""Registering for events: seats up to the capacity, then a waiting list that moves up when someone cancels."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import BotUser, Event, PublicationStatus, Registration, RegistrationStatus, utcnow


class Outcome(enum.StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"
    ALREADY = "already"
    CLOSED = "closed"  # registration closed, event unpublished or already started


@dataclass(frozen=True, slots=True)
class Seats:
    capacity: int | None
    taken: int
    waiting: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)


async def _locked_event(session: AsyncSession, event_id: int) -> Event | None:
    # FOR UPDATE serialises registrations for one event on PostgreSQL; SQLite serialises all writes anyway.
    return (await session.exec(select(Event).where(Event.id == event_id).with_for_update())).first()


async def seats(*, session: AsyncSession, event: Event) -> Seats:
    """Return how many seats an event has, how many are taken and how many wait."""
    counts = dict(
        (
            await session.exec(
                select(Registration.status, func.count())
                .where(Registration.event_id == event.id)
                .group_by(col(Registration.status))
            )
        ).all()
    )
    return Seats(event.capacity, counts.get("registered", 0), counts.get("waiting", 0))


async def registration_of(*, session: AsyncSession, event: Event, user: BotUser) -> Registration | None:
    """Return a person's registration for an event, or None."""
    query = select(Registration).where(Registration.event_id == event.id, Registration.user_id == user.id)
    return (await session.exec(query)).first()


async def register(*, session: AsyncSession, event_id: int, user: BotUser) -> Outcome:
    """Give a person a seat, or a place on the waiting list when the event is full."""
    event = await _locked_event(session, event_id)
    if (
        event is None
        or not event.registration_open
        or event.status != PublicationStatus.PUBLISHED
        or event.starts_at <= utcnow()
    ):
        return Outcome.CLOSED
    if await registration_of(session=session, event=event, user=user) is not None:
        return Outcome.ALREADY
    current = await seats(session=session, event=event)
    full = current.left is not None and current.left <= 0
    status = RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED
    session.add(Registration(event_id=event_id, user_id=user.id or 0, status=status))
    await session.flush()
    return Outcome.WAITING if full else Outcome.REGISTERED


async def cancel(*, session: AsyncSession, event_id: int, user: BotUser) -> BotUser | None:
    """Cancel a person's registration; return who moved up from the waiting list into the freed seat, if anyone."""
    event = await _locked_event(session, event_id)
    if event is None:
        return None
    mine = await registration_of(session=session, event=event, user=user)
    if mine is None:
        return None
    freed = mine.status == RegistrationStatus.REGISTERED
    await session.delete(mine)
    await session.flush()
    return await fill_free_seats(session=session, event=event) if freed else None


async def fill_free_seats(*, session: AsyncSession, event: Event) -> BotUser | None:
    """Move the first person on the waiting list into a free seat; return them (None if no seat or nobody)."""
    current = await seats(session=session, event=event)
    if current.left is not None and current.left <= 0:
        return None
    first = (
        await session.exec(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITING)
            .order_by(col(Registration.created_at), col(Registration.id))
        )
    ).first()
    if first is None:
        return None
    first.status = RegistrationStatus.REGISTERED
    session.add(first)
    await session.flush()
    return await session.get(BotUser, first.user_id)


@dataclass(frozen=True, slots=True)
class Due:
    """A reminder to send: whose, in which language, for which event."""

    registration_id: int
    user_id: int
    event_id: int


async def due_reminders(*, session: AsyncSession, tomorrow_start: datetime, tomorrow_end: datetime) -> list[Due]:
    """Return registered (not waiting) active people whose event starts in the given window, not yet reminded."""
    rows = await session.exec(
        select(Registration, BotUser, Event)
        .join(BotUser, col(BotUser.id) == col(Registration.user_id))
        .join(Event, col(Event.id) == col(Registration.event_id))
        .where(
            Registration.status == RegistrationStatus.REGISTERED,
            col(Registration.reminded).is_(False),
            col(BotUser.active).is_(True),
            Event.status == PublicationStatus.PUBLISHED,
            col(Event.starts_at) >= tomorrow_start,
            col(Event.starts_at) < tomorrow_end,
        )
        .order_by(col(Registration.id))
    )
    return [Due(r.id or 0, u.id or 0, e.id or 0) for r, u, e in rows.all()]


async def mark_reminded(*, session: AsyncSession, registration_id: int) -> None:
    """Record that a reminder went out."""
    registration = await session.get(Registration, registration_id)
    if registration is not None:
        registration.reminded = True
        session.add(registration)
        await session.flush()


async def list_registrations(*, session: AsyncSession, event: Event) -> list[tuple[Registration, BotUser]]:
    """Return an event's registrations with their people, earliest first (the waiting list's order)."""
    rows = await session.exec(
        select(Registration, BotUser)
        .join(BotUser, col(BotUser.id) == col(Registration.user_id))
        .where(Registration.event_id == event.id)
        .order_by(col(Registration.created_at), col(Registration.id))
    )
    return list(rows.all())
