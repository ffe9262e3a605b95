"""The people who use the bot: the least the service needs, and all of it deletable."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, delete, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import (
    BotUser,
    Delivery,
    DeliveryKind,
    Event,
    Feedback,
    Follow,
    QuestionStat,
    Registration,
    Situation,
)
from content.repository.inbox import forget_threads, thread_count
from content.repository.registrations import fill_free_seats

# Built once: every update looks its person up, and building the statement cost a fifth of the look-up.
USER_BY_CHAT = select(BotUser).where(col(BotUser.chat_id) == bindparam("chat_id"))


async def get_user(*, session: AsyncSession, chat_id: int) -> BotUser | None:
    """Return the person behind a chat, or None if they never started the bot (or asked to be forgotten)."""
    return (await session.exec(USER_BY_CHAT, params={"chat_id": chat_id})).first()


async def get_or_create_user(*, session: AsyncSession, chat_id: int) -> BotUser:
    """Return the person behind a chat, creating a pseudonymous record on first contact."""
    user = await get_user(session=session, chat_id=chat_id)
    if user is None:
        user = BotUser(pseudonym=secrets.token_hex(8), chat_id=chat_id)
        session.add(user)
        await session.flush()
    return user


async def update_user(
    *,
    session: AsyncSession,
    user: BotUser,
    lang: str | None = None,
    situation: Situation | None = None,
    clear_situation: bool = False,
    announcements: bool | None = None,
    active: bool | None = None,
    offered_lang: str | None = None,
) -> BotUser:
    """Change what a person chose; only the given fields change."""
    if lang is not None:
        user.lang = lang
    if offered_lang is not None:
        user.offered_lang = offered_lang
    if situation is not None or clear_situation:
        user.situation = situation
    if announcements is not None:
        user.announcements = announcements
    if active is not None:
        user.active = active
    session.add(user)
    await session.flush()
    return user


async def follows(*, session: AsyncSession, user: BotUser, kind: str = "municipality") -> list[str]:
    """Return the slugs a person follows, in the order they followed them."""
    result = await session.exec(
        select(Follow.slug).where(Follow.user_id == user.id, Follow.kind == kind).order_by(col(Follow.id))
    )
    return list(result.all())


async def set_follow(*, session: AsyncSession, user: BotUser, slug: str, on: bool, kind: str = "municipality") -> None:
    """Follow or unfollow a municipality (or topic)."""
    existing = (
        await session.exec(select(Follow).where(Follow.user_id == user.id, Follow.kind == kind, Follow.slug == slug))
    ).first()
    if on and existing is None:
        session.add(Follow(user_id=user.id or 0, kind=kind, slug=slug))
    elif not on and existing is not None:
        await session.delete(existing)
    await session.flush()


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Everything stored about one person, for /mydata."""

    pseudonym: str
    lang: str | None
    offered_lang: str | None  # the language the bot last offered to switch to
    situation: str | None
    announcements: bool
    created: date
    last_seen: date | None  # the day the person last used the bot
    follows: list[str]  # municipality slugs
    topics: list[str]  # article slugs
    registrations: list[tuple[str, str]]  # (event slug, registered | waiting)
    questions: int  # threads with staff


async def personal_data(*, session: AsyncSession, user: BotUser) -> PersonalData:
    """Return everything stored about a person."""
    rows = await session.exec(
        select(Event.slug, Registration.status)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .where(Registration.user_id == user.id)
        .order_by(col(Event.starts_at))
    )
    return PersonalData(
        pseudonym=user.pseudonym,
        lang=user.lang,
        offered_lang=user.offered_lang,
        situation=user.situation,
        announcements=user.announcements,
        created=user.created_at.date(),
        last_seen=user.last_seen,
        follows=await follows(session=session, user=user),
        topics=await follows(session=session, user=user, kind="topic"),
        registrations=[(slug, status) for slug, status in rows.all()],
        questions=await thread_count(session=session, user=user),
    )


async def forget_user(*, session: AsyncSession, user: BotUser) -> list[int]:
    """Delete everything about a person; return the events whose waiting lists may now move up."""
    events = list(
        (
            await session.exec(
                select(Registration.event_id).where(
                    Registration.user_id == user.id, Registration.status == "registered"
                )
            )
        ).all()
    )
    await session.exec(delete(Registration).where(col(Registration.user_id) == user.id))
    await session.exec(delete(Follow).where(col(Follow.user_id) == user.id))
    await session.exec(delete(Delivery).where(col(Delivery.user_id) == user.id))
    await forget_threads(session=session, user_id=user.id or 0)
    await session.delete(user)
    await session.flush()
    return events


async def long_gone(*, session: AsyncSession, seen_before: date, blocked_seen_before: date) -> list[BotUser]:
    """People who have not used the bot since `seen_before`, and people who blocked it and have not used it since
    `blocked_seen_before` (a person never seen since the last-seen day was recorded counts from their first day)."""
    seen = func.coalesce(BotUser.last_seen, func.date(BotUser.created_at))
    query = select(BotUser).where(
        or_(seen < seen_before, and_(col(BotUser.active).is_(False), seen < blocked_seen_before))
    )
    return list((await session.exec(query)).all())


async def forget_long_gone(*, session: AsyncSession, seen_before: date, blocked_seen_before: date) -> int:
    """Delete everyone `long_gone` finds, as /forget does; a seat one of them held goes to the first person
    waiting, who is told through the outbox. Return how many were deleted."""
    gone = await long_gone(session=session, seen_before=seen_before, blocked_seen_before=blocked_seen_before)
    for user in gone:
        for event_id in await forget_user(session=session, user=user):
            event = await session.get(Event, event_id)
            promoted = await fill_free_seats(session=session, event=event) if event else None
            if event is not None and promoted is not None and promoted.active:
                session.add(Delivery(kind=DeliveryKind.SEAT_FREED, ref=event_id, user_id=promoted.id or 0))
    await session.flush()
    return len(gone)


async def record_question(*, session: AsyncSession, lang: str, answer: str | None, day: date) -> None:
    """Count a question (never its text): its language and best answer, or none."""
    session.add(QuestionStat(day=day, lang=lang, answer_slug=answer))
    await session.flush()


async def record_feedback(*, session: AsyncSession, slug: str, lang: str, helpful: bool, day: date) -> None:
    """Count a 👍 or 👎 on an article, anonymously."""
    session.add(Feedback(article_slug=slug, lang=lang, helpful=helpful, day=day))
    await session.flush()
