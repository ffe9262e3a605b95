"""The staff inbox: questions people chose to send to a human, and staff answers going back through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import (
    AuditEntry,
    BotUser,
    Delivery,
    DeliveryKind,
    InboxMessage,
    InboxThread,
    StaffAlert,
    ThreadStatus,
)
from content.repository.alerts import raise_alert
from content.repository.outbox import enqueue

MAX_TEXT = 4000


async def receive_question(
    *, session: AsyncSession, user: BotUser, text: str, urgent: bool, now: datetime
) -> InboxThread:
    """Store a question the person agreed to send; it joins their thread that is not closed, if any."""
    thread = (
        await session.exec(
            select(InboxThread)
            .where(InboxThread.user_id == user.id, InboxThread.status != ThreadStatus.CLOSED)
            .order_by(col(InboxThread.id).desc())
        )
    ).first()
    if thread is None:
        thread = InboxThread(user_id=user.id or 0, lang=user.lang or "en", created_at=now)
    thread.status = ThreadStatus.OPEN
    thread.urgent = thread.urgent or urgent
    thread.lang = user.lang or thread.lang
    thread.updated_at = now
    session.add(thread)
    await session.flush()
    session.add(InboxMessage(thread_id=thread.id or 0, text=text[:MAX_TEXT], created_at=now))
    if urgent:
        await raise_alert(session=session, thread_id=thread.id or 0, now=now)
    await session.flush()
    return thread


@dataclass(frozen=True, slots=True)
class ThreadRow:
    thread: InboxThread
    pseudonym: str
    first: InboxMessage | None
    messages: int


async def list_threads(*, session: AsyncSession, status: ThreadStatus | None) -> list[ThreadRow]:
    """Threads in a status (all when None): urgent first, then the longest waiting."""
    query = select(InboxThread, BotUser.pseudonym).join(BotUser, col(BotUser.id) == col(InboxThread.user_id))
    if status is not None:
        query = query.where(InboxThread.status == status)
    query = query.order_by(col(InboxThread.urgent).desc(), col(InboxThread.updated_at))
    threads = list((await session.exec(query)).all())
    ids = [thread.id for thread, _ in threads]
    firsts: dict[int, InboxMessage] = {}
    sizes: dict[int, int] = {}
    if ids:
        first_ids = (
            select(func.min(InboxMessage.id))
            .where(col(InboxMessage.thread_id).in_(ids))
            .group_by(col(InboxMessage.thread_id))
        )
        for message in (await session.exec(select(InboxMessage).where(col(InboxMessage.id).in_(first_ids)))).all():
            firsts[message.thread_id] = message
        sizes = dict(
            (
                await session.exec(
                    select(InboxMessage.thread_id, func.count())
                    .where(col(InboxMessage.thread_id).in_(ids))
                    .group_by(col(InboxMessage.thread_id))
                )
            ).all()
        )
    return [
        ThreadRow(thread, pseudonym, firsts.get(thread.id or 0), sizes.get(thread.id or 0, 0))
        for thread, pseudonym in threads
    ]


async def open_count(*, session: AsyncSession) -> tuple[int, int]:
    """How many threads wait for an answer, and how many of them are urgent."""
    rows = await session.exec(
        select(InboxThread.urgent, func.count())
        .where(InboxThread.status == ThreadStatus.OPEN)
        .group_by(col(InboxThread.urgent))
    )
    by_urgency = {bool(urgent): int(number) for urgent, number in rows.all()}
    return sum(by_urgency.values()), by_urgency.get(True, 0)


async def get_thread(
    *, session: AsyncSession, thread_id: int
) -> tuple[InboxThread, BotUser, list[InboxMessage]] | None:
    thread = await session.get(InboxThread, thread_id)
    if thread is None:
        return None
    user = await session.get(BotUser, thread.user_id)
    if user is None:
        return None
    messages = await session.exec(
        select(InboxMessage).where(InboxMessage.thread_id == thread_id).order_by(col(InboxMessage.id))
    )
    return thread, user, list(messages.all())


async def store_translation(*, session: AsyncSession, message: InboxMessage, translation: str) -> None:
    """Keep the Swedish machine translation of a person's message, so it is made once."""
    message.translation = translation
    message.translated_by_machine = True
    session.add(message)
    await session.flush()


async def answer(
    *,
    session: AsyncSession,
    thread: InboxThread,
    staff: str,
    swedish: str,
    translated: str | None,
    by_machine: bool,
    now: datetime,
) -> InboxMessage:
    """Store a staff answer and queue it for the person (sent at once, quiet hours or not: they asked)."""
    message = InboxMessage(
        thread_id=thread.id or 0,
        from_staff=True,
        staff=staff,
        text=swedish[:MAX_TEXT],
        translation=translated[:MAX_TEXT] if translated else None,
        translated_by_machine=by_machine,
        created_at=now,
    )
    session.add(message)
    thread.status = ThreadStatus.ANSWERED
    thread.updated_at = now
    session.add(thread)
    await session.flush()
    await enqueue(
        session=session, kind=DeliveryKind.REPLY, ref=message.id or 0, user_ids=[thread.user_id], now=now, urgent=True
    )
    session.add(AuditEntry(actor=staff, action="answer", entity="inbox", slug=str(thread.id)))
    await session.flush()
    return message


async def set_thread_status(
    *, session: AsyncSession, thread: InboxThread, status: ThreadStatus, actor: str, now: datetime
) -> None:
    """Close a thread (its retention period starts) or open it again."""
    thread.status = status
    thread.closed_at = now if status == ThreadStatus.CLOSED else None
    thread.updated_at = now
    session.add(thread)
    session.add(AuditEntry(actor=actor, action=str(status), entity="inbox", slug=str(thread.id)))
    await session.flush()


async def purge_closed(*, session: AsyncSession, closed_before: datetime) -> int:
    """Delete threads closed before the retention limit, with their messages; return how many."""
    ids = list(
        (
            await session.exec(
                select(InboxThread.id).where(
                    InboxThread.status == ThreadStatus.CLOSED, col(InboxThread.closed_at) < closed_before
                )
            )
        ).all()
    )
    if ids:
        answers = select(InboxMessage.id).where(col(InboxMessage.thread_id).in_(ids))
        await session.exec(
            delete(Delivery).where(col(Delivery.kind) == DeliveryKind.REPLY, col(Delivery.ref).in_(answers))
        )  # nor that an answer was sent
        await session.exec(delete(StaffAlert).where(col(StaffAlert.thread_id).in_(ids)))
        await session.exec(delete(InboxMessage).where(col(InboxMessage.thread_id).in_(ids)))
        await session.exec(delete(InboxThread).where(col(InboxThread.id).in_(ids)))
        await session.flush()
    return len(ids)


async def staff_message(*, session: AsyncSession, message_id: int) -> tuple[InboxMessage, InboxThread] | None:
    """A staff answer with its thread (to deliver it, or to show its Swedish original)."""
    message = await session.get(InboxMessage, message_id)
    if message is None or not message.from_staff:
        return None
    thread = await session.get(InboxThread, message.thread_id)
    return None if thread is None else (message, thread)


async def thread_count(*, session: AsyncSession, user: BotUser) -> int:
    """How many threads a person has (for /mydata)."""
    return int((await session.exec(select(func.count()).where(InboxThread.user_id == user.id))).one())


async def forget_threads(*, session: AsyncSession, user_id: int) -> None:
    """Delete a person's threads and messages (for /forget)."""
    threads = select(InboxThread.id).where(InboxThread.user_id == user_id)
    await session.exec(delete(StaffAlert).where(col(StaffAlert.thread_id).in_(threads)))
    await session.exec(delete(InboxMessage).where(col(InboxMessage.thread_id).in_(threads)))
    await session.exec(delete(InboxThread).where(col(InboxThread.user_id) == user_id))
