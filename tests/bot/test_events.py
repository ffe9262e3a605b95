"""Event registration with capacity and a waiting list that moves up with a message; reminders the day before."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta

import pytest

from bot.outbox.messages import queue_reminders
from content.events_time import SWEDEN
from content.files.repository import EVENTS
from content.files.schema import EventFile
from content.models import utcnow
from content.repository.outbox import counts
from content.repository.records import save_record
from content.services import ContentServices
from tests.bot.conftest import Chat, Outbox, eventually
from tests.bot.emulator import BotAPIEmulator


@pytest.fixture
async def small_event(services: ContentServices) -> str:
    tomorrow = (datetime.now(SWEDEN) + timedelta(days=1)).date()
    event = EventFile.model_validate(
        {
            "slug": "litet-mote",
            "municipality": "falun",
            "starts": f"{tomorrow.isoformat()} 18:00",
            "capacity": 1,
            "languages": ["sv", "ar"],
            "interpreter": True,
            "status": "published",
            "translations": {
                "sv": {"status": "source", "title": "Litet möte"},
                "en": {"status": "reviewed", "source_version": 1, "title": "Small meeting"},
                "ar": {"status": "reviewed", "source_version": 1, "title": "اجتماع صغير"},
            },
        }
    )
    async with services.sessions() as session, session.begin():
        await save_record(EVENTS, session=session, data=event, actor="test")
    return event.slug


async def test_a_full_event_puts_people_on_the_waiting_list_and_moves_them_up(
    bot: BotAPIEmulator, small_event: str
) -> None:
    first, second = Chat(bot, 2001), Chat(bot, 2002)
    menu = await first.begin("English")
    card = await first.tap_data(menu.message_id, f"e:{small_event}")
    assert "1 seat left" in card.plain
    registered = await first.tap(card, "Register")
    assert "You are registered" in registered.plain

    menu = await second.begin("العربية")
    card = await second.tap_data(menu.message_id, f"e:{small_event}")
    assert "اجتماع صغير" in card.plain
    waiting = await second.tap(card, card.labels()[0])
    assert waiting.button("❌")  # the cancel button: they hold a place on the waiting list

    mark = len(bot.log)
    await first.tap(registered, "Cancel my registration")
    moved_up = await bot.reply(second.chat_id, mark)
    assert "اجتماع صغير" in moved_up.plain


async def test_registered_people_get_a_reminder_the_day_before_once(
    bot: BotAPIEmulator, small_event: str, services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    person = Chat(bot, 2003)
    menu = await person.begin("Svenska")
    card = await person.tap_data(menu.message_id, f"e:{small_event}")
    await person.tap(card, "Anmäl" if "Anmäl" in " ".join(card.labels()) else card.labels()[0])
    today = datetime.now(SWEDEN).date()
    noon, night = datetime.combine(today, time(12), SWEDEN), datetime.combine(today, time(23), SWEDEN)
    async with services.sessions() as session, session.begin():
        assert await queue_reminders(session, night) == 0  # never at night
        assert await queue_reminders(session, noon) == 1
        assert await queue_reminders(session, noon) == 0  # never twice
    mark = len(bot.log)
    await outbox(clock=lambda: max(utcnow(), noon))
    reminder = await bot.reply(person.chat_id, mark)
    assert "18:00" in reminder.plain
    assert "Litet möte" in reminder.plain
    shown = await person.tap(reminder, reminder.labels()[0])
    assert shown.message_id != reminder.message_id  # the event opens below; the reminder stays
    assert "Litet möte" in bot.messages[person.chat_id][reminder.message_id].plain


async def test_a_cancelled_registration_gets_no_reminder(
    bot: BotAPIEmulator, small_event: str, services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    person = Chat(bot, 2004)
    menu = await person.begin("English")
    card = await person.tap_data(menu.message_id, f"e:{small_event}")
    registered = await person.tap(card, "Register")
    noon = datetime.combine(datetime.now(SWEDEN).date(), time(12), SWEDEN)
    async with services.sessions() as session, session.begin():
        assert await queue_reminders(session, noon) == 1
    await person.tap(registered, "Cancel my registration")  # after the reminder was queued, before it is sent
    handle = await outbox(clock=lambda: max(utcnow(), noon))
    mark = len(bot.log)

    async def withdrawn() -> bool:
        async with services.sessions() as session:
            return (await counts(session=session)).get("cancelled", 0) == 1

    await eventually(withdrawn)
    assert bot.since(person.chat_id, mark) == []
    assert handle.sender.stats.sent == 0


async def test_registrants_hear_when_an_event_moves_and_when_it_is_withdrawn(
    bot: BotAPIEmulator, small_event: str, services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    seated, waiting = Chat(bot, 2005), Chat(bot, 2006)
    for person, language in ((seated, "English"), (waiting, "Українська")):
        menu = await person.begin(language)
        card = await person.tap_data(menu.message_id, f"e:{small_event}")
        await person.tap(card, card.labels()[0])
    await outbox()
    async with services.sessions() as session:
        current = await EVENTS.read(session, small_event)
    assert current is not None
    later = (datetime.now(SWEDEN) + timedelta(days=3)).date()
    moved = current.model_copy(update={"starts": f"{later.isoformat()} 17:30", "place": "Folkets hus"})
    mark = len(bot.log)
    async with services.sessions() as session, session.begin():
        await save_record(EVENTS, session=session, data=moved, actor="test")
    note = await bot.reply(seated.chat_id, mark)
    assert "17:30" in note.plain
    assert "Folkets hus" in note.plain
    assert "Small meeting" in note.plain
    assert "Folkets hus" in (await bot.reply(waiting.chat_id, mark)).plain  # the waiting list hears it too

    mark = len(bot.log)
    withdrawn = moved.model_copy(update={"status": "draft"})
    async with services.sessions() as session, session.begin():
        await save_record(EVENTS, session=session, data=withdrawn, actor="test")
    cancelled = await bot.reply(seated.chat_id, mark)
    assert "cancelled" in cancelled.plain
    assert cancelled.button("Other events")
