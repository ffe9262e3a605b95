"""Reminders the day before an event, sent at a sensible local hour."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta

from babel.dates import format_time

from bot.render import html
from bot.reply import Button, Reply
from bot.routes import route
from bot.screens.common import babel_locale
from content.events_time import SWEDEN
from content.repository.events import event_title, get_event
from content.repository.registrations import due_reminders, mark_reminded
from content.services import ContentServices
from translations.catalogs import Translator
from translations.languages import fallback_chain

log = logging.getLogger(__name__)
FIRST_HOUR, LAST_HOUR = 10, 20  # local hours in which reminders go out (never at night)

Deliver = Callable[[int, Reply], Awaitable[bool]]


async def send_reminders(services: ContentServices, now: datetime, deliver: Deliver) -> int:
    """Send every reminder due for tomorrow's events; return how many went out. Each is marked once sent."""
    local = now.astimezone(SWEDEN)
    if not FIRST_HOUR <= local.hour <= LAST_HOUR:
        return 0
    tomorrow = local.date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), SWEDEN)
    end = datetime.combine(tomorrow + timedelta(days=1), time(0), SWEDEN)
    async with services.sessions() as session:
        due = await due_reminders(session=session, tomorrow_start=start, tomorrow_end=end)
    sent = 0
    for item in due:
        async with services.sessions() as session, session.begin():
            event = await get_event(session=session, slug=item.event_slug)
            if event is None:
                continue
            t = Translator(item.lang)
            title = await event_title(session=session, event=event, chain=fallback_chain(item.lang))
            at = format_time(event.starts_at.astimezone(SWEDEN), format="short", locale=babel_locale(item.lang))
            text = "⏰ " + html(t.gettext("Reminder: {title} is tomorrow at {time}.", title=title, time=at))
            reply = Reply(text, [[Button(t.gettext("Show the event"), route("e", item.event_slug))]])
            if await deliver(item.chat_id, reply):
                await mark_reminded(session=session, registration_id=item.registration_id)
                sent += 1
    if sent:
        log.info("Sent %d event reminders.", sent)
    return sent
