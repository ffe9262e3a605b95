"""Event registration with capacity and a waiting list that moves up with a message; reminders the day before."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta

import pytest
from sqlmodel import select

from bot.outbox.messages import queue_reminders
from content.events_time import SWEDEN
from content.files.repository import EVENTS
from content.files.schema import EventFile
from content.models import BotUser, utcnow
from content.repository.outbox import counts
from content.repository.people import forget_long_gone
from content.repository.records import save_record
from content.services import ContentServices
from tests.bot.conftest import Chat, Outbox, eventually
from tests.bot.emulator import BotAPIEmulator
from translations.catalogs import Translator


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


async def _save_event(services: ContentServices, slug: str, starts: str, translations: dict[str, object]) -> None:
    event = EventFile.model_validate(
        {
            "slug": slug,
            "municipality": "kiruna",
            "starts": starts,
            "status": "published",
            "languages": ["sv", "ar"],
            "translations": translations,
        }
    )
    async with services.sessions() as session, session.begin():
        await save_record(EVENTS, session=session, data=event, actor="test")


async def test_a_somali_reminder_uses_the_24_hour_clock_of_the_event_card(
    bot: BotAPIEmulator, services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    tomorrow = (datetime.now(SWEDEN) + timedelta(days=1)).date()
    translations = {"sv": {"status": "source", "title": "Eftermiddagsmöte"}}
    await _save_event(services, "eftermiddag", f"{tomorrow.isoformat()} 14:00", translations)
    person = Chat(bot, 2011)
    menu = await person.begin("Soomaali")
    card = await person.tap_data(menu.message_id, "e:eftermiddag")
    assert "14:00" in card.plain
    await person.tap_data(card.message_id, "reg:eftermiddag")
    noon = datetime.combine(datetime.now(SWEDEN).date(), time(12), SWEDEN)
    async with services.sessions() as session, session.begin():
        assert await queue_reminders(session, noon) == 1
    mark = len(bot.log)
    await outbox(clock=lambda: max(utcnow(), noon))
    reminder = await bot.reply(person.chat_id, mark)
    assert "14:00" in reminder.plain
    assert "GD" not in reminder.plain  # Somali's 12-hour clock ("2:00 GD.") is not how Sweden writes times


async def test_an_event_in_swedish_and_arabic_reaches_a_tigrinya_reader_like_an_article(
    bot: BotAPIEmulator, services: ContentServices
) -> None:
    translations = {
        "sv": {"status": "source", "title": "Möte om bostad", "body": "Vi berättar om bostadskön."},
        "ar": {"status": "machine", "source_version": 1, "title": "لقاء عن السكن", "body": "نتحدث عن طابور السكن."},
    }
    await _save_event(services, "mote-om-bostad", "2099-03-01 18:00", translations)
    person = Chat(bot, 2012)
    menu = await person.begin("ትግርኛ")
    card = await person.tap_data(menu.message_id, "e:mote-om-bostad")
    t = Translator("ti")
    note = t.gettext("This text is not yet available in your language. It is shown in {language}.", language="Svenska")
    assert note in card.plain  # the same fallback chain and the same note as an article (ti, en, sv)
    assert "Möte om bostad" in card.plain
    arabic = Chat(bot, 2013)
    menu = await arabic.begin("العربية")
    card = await arabic.tap_data(menu.message_id, "e:mote-om-bostad")
    assert "لقاء عن السكن" in card.plain
    assert Translator("ar").gettext("Translated by machine, not yet checked by a person.") in card.plain


async def test_example_events_say_so_on_every_button_and_card(bot: BotAPIEmulator) -> None:
    person = Chat(bot, 2014)
    menu = await person.begin("English")
    events = await person.tap_data(menu.message_id, "ev")
    examples = [label for label in events.labels() if "Example:" in label]
    assert examples, events.labels()
    assert all(label.startswith("🧪 Example:") for label in examples)
    card = await person.tap(events, examples[0])
    assert "Example content: not real information." in card.plain
    town = await person.tap_data(card.message_id, "m:vannas")
    assert any(label.startswith("🧪 Example:") for label in town.labels())


async def test_a_person_gone_for_long_is_deleted_and_their_seat_goes_to_the_first_waiting(
    bot: BotAPIEmulator, small_event: str, services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    gone, waiting, blocked = Chat(bot, 2011), Chat(bot, 2012), Chat(bot, 2013)
    menu = await gone.begin("English")
    await gone.tap(await gone.tap_data(menu.message_id, f"e:{small_event}"), "Register")
    menu = await waiting.begin("English")
    card = await waiting.tap_data(menu.message_id, f"e:{small_event}")
    await waiting.tap(card, card.labels()[0])  # the waiting list
    await blocked.begin("English")
    today = datetime.now(SWEDEN).date()
    async with services.sessions() as session, session.begin():
        users = {user.chat_id: user for user in (await session.exec(select(BotUser))).all()}
        users[2011].last_seen = today - timedelta(days=400)  # a year and more without a word
        users[2013].last_seen, users[2013].active = today - timedelta(days=40), False  # blocked the bot
        users[2012].last_seen = today - timedelta(days=40)  # away a while, still here
    async with services.sessions() as session, session.begin():
        deleted = await forget_long_gone(
            session=session, seen_before=today - timedelta(days=365), blocked_seen_before=today - timedelta(days=30)
        )
    assert deleted == 2
    async with services.sessions() as session:
        left = {user.chat_id for user in (await session.exec(select(BotUser))).all()}
    assert {2011, 2013}.isdisjoint(left)
    assert 2012 in left
    mark = len(bot.log)
    await outbox()
    moved_up = await bot.reply(waiting.chat_id, mark)
    assert "A seat became free: you are now registered for Small meeting." in moved_up.plain
    menu = await waiting.say("/menu")  # using the bot again: seen today
    async with services.sessions() as session:
        me = (await session.exec(select(BotUser).where(BotUser.chat_id == 2012))).one()
    assert me.last_seen == today
