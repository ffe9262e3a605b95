"""Event registration with capacity and a waiting list that moves up with a message; reminders the day before."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from bot.channels import telegram
from content.events_time import SWEDEN
from content.files.repository import EVENTS
from content.files.schema import EventFile
from content.repository.records import save_record
from content.services import ContentServices
from tests.bot.conftest import Chat
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


async def test_registered_people_get_a_reminder_the_day_before_once(bot: BotAPIEmulator, small_event: str) -> None:
    person = Chat(bot, 2003)
    menu = await person.begin("Svenska")
    card = await person.tap_data(menu.message_id, f"e:{small_event}")
    await person.tap(card, "Anmäl" if "Anmäl" in " ".join(card.labels()) else card.labels()[0])
    noon = datetime.combine(datetime.now(SWEDEN).date(), time(12), SWEDEN)
    mark = len(bot.log)
    assert await telegram.remind(bot.application, noon) == 1
    reminder = await bot.reply(person.chat_id, mark)
    assert "18:00" in reminder.plain
    assert await telegram.remind(bot.application, noon) == 0  # never twice
    night = datetime.combine(datetime.now(SWEDEN).date(), time(23), SWEDEN)
    assert await telegram.remind(bot.application, night) == 0
