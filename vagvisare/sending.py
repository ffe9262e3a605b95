"""The outbox sender as a service: built from the settings, run by `vagvisare run` or alone (`vagvisare send`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels import telegram
from bot.outbox.lock import lock_for
from bot.outbox.messages import Messages, queue_reminders
from bot.outbox.sender import Sender
from content.events_time import swedish_today
from content.models import utcnow
from content.repository.broadcasts import forget_old_deliveries
from content.repository.heartbeat import SENDER_BEATS_EVERY, beat
from content.repository.inbox import purge_closed
from content.repository.people import forget_long_gone
from vagvisare.settings import Settings

log = logging.getLogger(__name__)

REMINDERS_EVERY = 60.0  # seconds between looks for tomorrow's events
PURGE_EVERY = 3600.0  # seconds between deletions of staff-inbox conversations past their retention


async def keep_house(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], stop: asyncio.Event, every: float = PURGE_EVERY
) -> None:
    """Until `stop`, now and every hour: delete closed staff-inbox conversations past their retention, and
    everything about people gone for long (`VAGVISARE_INACTIVE_USER_DAYS`, `VAGVISARE_BLOCKED_USER_DAYS`)."""
    while not stop.is_set():
        try:
            async with sessions() as session, session.begin():
                cutoff = utcnow() - timedelta(days=settings.inbox_retention_days)
                removed = await purge_closed(session=session, closed_before=cutoff)
            if removed:
                log.info("Deleted %d closed staff-inbox conversations past their retention.", removed)
            today = swedish_today()
            async with sessions() as session, session.begin():
                gone = await forget_long_gone(
                    session=session,
                    seen_before=today - timedelta(days=settings.inactive_user_days),
                    blocked_seen_before=today - timedelta(days=settings.blocked_user_days),
                )
            if gone:
                log.info("Deleted %d people who had not used the bot for long (as /forget does).", gone)
            async with sessions() as session, session.begin():
                old = utcnow() - timedelta(days=settings.delivery_retention_days)
                delivered = await forget_old_deliveries(session=session, finished_before=old)
            if delivered:
                log.info("Deleted %d delivery records past their retention (the reports keep the counts).", delivered)
        except Exception:
            log.exception("Deleting old staff-inbox conversations failed; trying again later.")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


def engine_of(sessions: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    bind = sessions.kw["bind"]
    assert isinstance(bind, AsyncEngine)
    return bind


async def send_outbox(settings: Settings, sessions: async_sessionmaker[AsyncSession], stop: asyncio.Event) -> None:
    """Send the outbox through Telegram until `stop` is set (only while this process holds the sender lock)."""
    assert settings.telegram_token is not None
    bot = telegram.build_sender_bot(
        token=settings.telegram_token.get_secret_value(), base_url=settings.telegram_api_url
    )
    await bot.initialize()
    try:
        sender = Sender(
            sessions,
            telegram.TelegramTransport(bot),
            Messages(),
            rate=settings.broadcast_rate,
            lock=lock_for(engine_of(sessions)),
            housekeeping=[(REMINDERS_EVERY, queue_reminders), (SENDER_BEATS_EVERY, beat)],
        )
        await sender.run(stop)
    finally:
        await bot.shutdown()
