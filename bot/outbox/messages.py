"""What each outbox delivery says, rendered when it is sent, in the person's language.

Buttons under these messages open their screen in a new message (routes starting with `!`), so tapping
"show the event" under an announcement never replaces the announcement itself.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.render import html, markdown_to_html
from bot.reply import Button, Reply
from bot.routes import route
from bot.screens.common import clock, language_name, when_in
from content.events_time import SWEDEN
from content.models import (
    Broadcast,
    BroadcastStatus,
    DeliveryKind,
    Event,
    PublicationStatus,
    Registration,
    RegistrationStatus,
    utcnow,
)
from content.repository.broadcasts import broadcast_texts
from content.repository.events import event_title
from content.repository.inbox import staff_message
from content.repository.outbox import Claimed, enqueue
from content.repository.registrations import Due, due_reminders, mark_reminded
from translations.catalogs import Translator
from translations.languages import BY_CODE, fallback_chain

FIRST_HOUR, LAST_HOUR = 10, 20  # local hours in which reminders are queued (never at night)


class Messages:
    """Renders deliveries; a broadcast's text is rendered once per language (it cannot change once sent)."""

    def __init__(self) -> None:
        self.broadcasts: dict[tuple[int, str], Reply | None] = {}

    async def __call__(self, session: AsyncSession, item: Claimed) -> Reply | None:
        if item.kind == DeliveryKind.BROADCAST:
            key = (item.ref, item.lang)
            if key not in self.broadcasts:
                if len(self.broadcasts) > 1000:
                    self.broadcasts.clear()
                self.broadcasts[key] = await broadcast_message(session, item.ref, item.lang)
            return self.broadcasts[key]
        if item.kind == DeliveryKind.REMINDER:
            return await reminder_message(session, item)
        if item.kind == DeliveryKind.EVENT_CHANGE:
            return await event_change_message(session, item)
        if item.kind == DeliveryKind.REPLY:
            return await staff_answer_message(session, item.ref, item.lang)
        if item.kind == DeliveryKind.SEAT_FREED:
            return await seat_freed_message(session, item)
        return None


def _note(t: Translator, shown: str) -> str:
    if shown == t.code or (t.code == "sv-x-easy" and shown == "sv"):
        return ""
    note = t.gettext(
        "This text is not yet available in your language. It is shown in {language}.", language=language_name(shown)
    )
    return f"\n\n<i>{html(note)}</i>"


async def broadcast_message(session: AsyncSession, broadcast_id: int, lang: str) -> Reply | None:
    """An announcement in the reader's language (or the nearest there is, saying so)."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.status == BroadcastStatus.CANCELLED:
        return None
    return await render_broadcast(session, broadcast, lang, texts=None)


async def render_broadcast(
    session: AsyncSession, broadcast: Broadcast, lang: str, texts: dict[str, str] | None
) -> Reply | None:
    """The announcement as `lang`'s readers get it (also for the admin's preview, with unsaved `texts`)."""
    if texts is None:
        texts = {code: row.text for code, row in (await broadcast_texts(session=session, broadcast=broadcast)).items()}
    shown = next((code for code in fallback_chain(lang) if texts.get(code, "").strip()), None)
    if shown is None:
        return None
    t = Translator(lang)
    rtl = BY_CODE[shown].rtl if shown in BY_CODE else False
    text = "📢 " + markdown_to_html(texts[shown], rtl=rtl) + _note(t, shown)
    buttons = []
    event = await session.get(Event, broadcast.event_id) if broadcast.event_id else None
    if event is not None and event.status == PublicationStatus.PUBLISHED:
        buttons.append([Button("📅 " + t.gettext("Show the event and register"), route("!e", event.slug))])
    buttons.append([Button("🔕 " + t.gettext("Stop announcements"), route("!unsub"))])
    return Reply(text, buttons)


async def _registered(session: AsyncSession, event: Event, user_id: int) -> bool:
    query = select(Registration.status).where(Registration.event_id == event.id, Registration.user_id == user_id)
    return (await session.exec(query)).first() == RegistrationStatus.REGISTERED


async def _held_seat(session: AsyncSession, item: Claimed) -> Event | None:
    """The published event a delivery is about, while the person still holds a seat at it (else None: say nothing)."""
    event = await session.get(Event, item.ref)
    if (
        event is None
        or event.status != PublicationStatus.PUBLISHED
        or not await _registered(session, event, item.user_id)
    ):
        return None
    return event


async def reminder_message(session: AsyncSession, item: Claimed) -> Reply | None:
    """The reminder the day before; nothing if the event is gone or the person no longer has a seat."""
    event = await _held_seat(session, item)
    if event is None:
        return None
    tomorrow = utcnow().astimezone(SWEDEN).date() + timedelta(days=1)
    if event.starts_at.astimezone(SWEDEN).date() != tomorrow:  # held too long (quiet hours, a backlog): too late
        return None
    t = Translator(item.lang)
    title = await event_title(session=session, event=event, chain=fallback_chain(item.lang))
    text = "⏰ " + html(t.gettext("Reminder: {title} is tomorrow at {time}.", title=title, time=clock(event.starts_at)))
    if event.example:
        text += "\n<i>" + html(t.gettext("Example content: not real information.")) + "</i>"
    return Reply(text, [[Button(t.gettext("Show the event"), route("!e", event.slug))]])


async def seat_freed_message(session: AsyncSession, item: Claimed) -> Reply | None:
    """The person moved up from an event's waiting list (someone else was deleted); nothing if it is gone."""
    event = await _held_seat(session, item)
    return await seat_freed(session, event, event.slug, item.lang, opens="!e") if event else None


async def seat_freed(session: AsyncSession, event: Event | None, slug: str, lang: str, *, opens: str) -> Reply:
    """The message to someone who moved up from the waiting list, in their own language; its button opens the
    event by the route `opens` ("e" in place, "!e" below the message)."""
    t = Translator(lang)
    title = await event_title(session=session, event=event, chain=fallback_chain(lang)) if event else slug
    text = "🎉 " + html(t.gettext("A seat became free: you are now registered for {title}.", title=title))
    return Reply(text, [[Button(t.gettext("Show the event"), route(opens, slug))]])


async def event_change_message(session: AsyncSession, item: Claimed) -> Reply | None:
    """An event the person registered for was moved or cancelled."""
    event = await session.get(Event, item.ref)
    if event is None:
        return None
    t = Translator(item.lang)
    title = await event_title(session=session, event=event, chain=fallback_chain(item.lang))
    starts = when_in(item.lang, event.starts_at)
    if item.detail.startswith("cancelled"):
        text = "❌ " + html(t.gettext("{title} is cancelled. We are sorry.", title=title))
        return Reply(text, [[Button("📅 " + t.gettext("Other events"), route("!ev"))]])
    text = "🔁 " + html(
        t.gettext(
            "{title} has changed. It is now: {time}, {place}.", title=title, time=starts, place=event.place or "–"
        )
    )
    return Reply(text, [[Button(t.gettext("Show the event"), route("!e", event.slug))]])


async def staff_answer_message(session: AsyncSession, message_id: int, lang: str) -> Reply | None:
    """A staff answer, in the person's language, with the Swedish original one tap away."""
    found = await staff_message(session=session, message_id=message_id)
    if found is None:
        return None
    message, _thread = found
    t = Translator(lang)
    body = message.translation or message.text
    rtl = BY_CODE[lang].rtl if lang in BY_CODE and message.translation else False
    parts = ["💬 <b>" + html(t.gettext("Answer from staff")) + "</b>", markdown_to_html(body, rtl=rtl)]
    if message.translation and message.translated_by_machine:
        parts.append(
            "<i>" + html(t.gettext("Translated by machine. The original in Swedish is one tap away.")) + "</i>"
        )
    buttons = []
    if message.translation:
        buttons.append([Button("🇸🇪 " + t.gettext("Show the original (Swedish)"), route("!rorig", message_id))])
    buttons.append([Button("✍️ " + t.gettext("Write to staff again"), route("!staff"))])
    buttons.append([Button("🏠 " + t.gettext("Menu"), route("!home"))])
    return Reply("\n\n".join(parts), buttons)


async def queue_reminders(session: AsyncSession, now: datetime) -> int:
    """Queue tomorrow's reminders (only between 10:00 and 20:00 Swedish time); each registration once."""
    local = now.astimezone(SWEDEN)
    if not FIRST_HOUR <= local.hour < LAST_HOUR:
        return 0
    tomorrow = local.date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), SWEDEN)
    end = datetime.combine(tomorrow + timedelta(days=1), time(0), SWEDEN)
    due: list[Due] = await due_reminders(session=session, tomorrow_start=start, tomorrow_end=end)
    queued = 0
    for item in due:
        queued += await enqueue(  # one reminder per event, person and day (a moved event gets a new one)
            session=session,
            kind=DeliveryKind.REMINDER,
            ref=item.event_id,
            detail=tomorrow.isoformat(),
            user_ids=[item.user_id],
            now=now,
        )
        await mark_reminded(session=session, registration_id=item.registration_id)
    return queued
