"""Every flow a person relies on, through the real client and the emulator."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.channels import telegram
from bot.channels.telegram import build_application
from bot.conversation import Conversation
from content.repository.articles import save_article
from content.services import ContentServices
from tests.bot.conftest import Chat
from tests.bot.emulator import TOKEN
from tests.factories import make_article
from translations.catalogs import Translator


async def test_municipality_card_shows_its_overview_source_and_events(chat: Chat) -> None:
    menu = await chat.begin("English")
    regions = await chat.tap(menu, "Municipalities")
    towns = await chat.tap(regions, "Umeå")
    card = await chat.tap(towns, "Vännäs")
    assert "Vännäs" in card.plain
    assert "Västerbotten" in card.plain
    overview = await chat.tap(card, "Overview")
    assert "Source:" in overview.plain
    back = await chat.tap(overview, "Back")
    assert "Vännäs" in back.plain


async def test_following_a_municipality_is_remembered_and_shown_in_settings(chat: Chat) -> None:
    menu = await chat.begin("English")
    card = await chat.tap_data(menu.message_id, "m:kiruna")
    followed = await chat.tap(card, "Follow")
    assert "You now follow" in followed.plain
    settings = await chat.say("/menu")
    settings = await chat.tap(settings, "Settings")
    assert "(1)" in " ".join(settings.labels())


async def test_comparing_two_municipalities_side_by_side(chat: Chat) -> None:
    menu = await chat.begin("English")
    card = await chat.tap_data(menu.message_id, "m:falun")
    pick = await chat.tap(card, "Compare")
    both = await chat.tap(pick, "Borlänge")
    assert "Falun" in both.plain
    assert "Borlänge" in both.plain


async def test_a_question_finds_the_article_and_asks_if_it_helped(chat: Chat) -> None:
    await chat.begin("English")
    answers = await chat.say("Where can I learn Swedish for free?")
    article = await chat.tap(answers, "Swedish for immigrants")
    assert "SFI" in article.plain or "sfi" in article.plain.lower()
    thanks = await chat.tap(article, "This helped")
    assert "Thank you" in thanks.plain


async def test_a_question_without_an_answer_is_told_so_honestly(chat: Chat) -> None:
    await chat.begin("English")
    reply = await chat.say("What will the weather be like in Paris tomorrow?")
    assert "found no answer" in reply.plain
    assert "112" in reply.plain


async def test_events_register_and_cancel(chat: Chat) -> None:
    menu = await chat.begin("English")
    events = await chat.tap(menu, "Events")
    card = await chat.tap(events, "Falun")
    registered = await chat.tap(card, "Register")
    assert "You are registered" in registered.plain
    cancelled = await chat.tap(registered, "Cancel my registration")
    assert "cancelled" in cancelled.plain


async def test_mydata_shows_what_is_stored_and_forget_deletes_it(chat: Chat) -> None:
    menu = await chat.begin("English")
    await chat.tap_data(menu.message_id, "fol:umea:1")
    data = await chat.say("/mydata")
    assert "Umeå" in data.plain
    assert "Pseudonym" in data.plain
    assert "Everything about you is deleted after 365 days without use." in data.plain  # and when it was last used
    confirm = await chat.say("/forget")
    done = await chat.tap(confirm, "Yes, delete everything")
    assert "deleted" in done.plain
    again = await chat.say("/mydata")
    assert "Nothing is stored" in again.plain


async def test_deep_link_to_a_municipality_for_a_new_person_asks_language_then_opens_it(chat: Chat) -> None:
    picker = await chat.say("/start m_kiruna")
    notice = await chat.tap(picker, "English")
    question = await chat.tap(notice, "Continue")
    card = await chat.tap(question, "Skip")
    assert "Kiruna" in card.plain


async def test_deep_link_for_a_known_person_opens_at_once(chat: Chat) -> None:
    await chat.begin("English")
    card = await chat.say("/start t_nodnummer")
    assert "112" in card.plain


async def test_stale_and_forged_buttons_get_a_polite_answer(chat: Chat) -> None:
    await chat.begin("English")
    for data in ["a:no-such-article", "m:atlantis", "xyz", "vs:1:999999", "reg:nothing", "fb:sfi:7", "a:sfi:q:x:y"]:
        menu = await chat.say("/menu")
        reply = await chat.tap_data(menu.message_id, data)
        assert "out of date" in reply.plain, data


async def test_stickers_and_unknown_commands_get_a_short_helpful_answer(chat: Chat) -> None:
    await chat.begin("English")
    mark = await chat.api.send_message(
        chat.chat_id,
        sticker={
            "file_id": "x",
            "file_unique_id": "y",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        },
    )
    sticker = await chat.api.reply(chat.chat_id, mark)
    assert "only read text" in sticker.plain
    unknown = await chat.say("/dance")
    assert "do not know that command" in unknown.plain


async def test_commands_are_set_per_language(chat: Chat) -> None:
    await chat.begin("English")
    assert {None, "sv", "en", "ar", "uk"} <= set(chat.api.commands)
    assert [c["command"] for c in chat.api.commands[None]] == ["start", "menu", "help", "language", "mydata", "forget"]


async def test_following_a_topic_shows_in_settings_and_mydata(chat: Chat) -> None:
    menu = await chat.begin("English")
    article = await chat.tap_data(menu.message_id, "a:sfi")
    followed = await chat.tap(article, "Follow this topic")
    assert "You now follow this topic" in followed.plain
    data = await chat.say("/mydata")
    assert "Topics: sfi" in data.plain
    menu = await chat.say("/menu")
    follows = await chat.tap_data(menu.message_id, "fols")
    stopped = await chat.tap(follows, "Swedish for immigrants")
    assert "You no longer follow this topic" in stopped.plain


async def test_the_situation_puts_its_step_by_step_path_first_in_the_menu(chat: Chat) -> None:
    picker = await chat.say("/start")
    notice = await chat.tap(picker, "English")
    question = await chat.tap(notice, "Continue")
    menu = await chat.tap(question, "temporary protection")
    assert "My path" in menu.labels()[0]
    path = await chat.tap(menu, "My path")
    assert "My path: you have temporary protection (Ukraine)" in path.plain
    assert "Bring:" in path.plain
    assert "Source:" in path.plain
    assert "Temporary protection for people from Ukraine" in " ".join(path.labels())  # the article that explains it
    explained = await chat.tap(path, "Temporary protection for people from Ukraine")
    assert "EU Temporary Protection Directive" in explained.plain


async def test_a_long_article_arrives_as_several_messages_with_the_buttons_under_the_last(
    chat: Chat, services: ContentServices
) -> None:
    body = "\n\n".join(f"Stycke {n}. " + "Lång text om bostad. " * 30 for n in range(12))
    article = make_article(slug="lang-text", translations={"sv": {"status": "source", "title": "Lång", "body": body}})
    async with services.sessions() as session, session.begin():
        await save_article(session=session, data=article, actor="test")
    menu = await chat.begin("Svenska")
    mark = len(chat.api.log)
    await chat.api.press_data(chat.chat_id, menu.message_id, "a:lang-text")
    await chat.api.reply(chat.chat_id, mark)
    await asyncio.sleep(0.3)
    parts = chat.api.since(chat.chat_id, mark)
    assert len(parts) >= 2
    assert all(len(part.plain) <= 4096 for part in parts)
    assert parts[0].edited
    assert not parts[0].buttons
    assert parts[-1].buttons


async def test_a_restart_forgets_nothing(chat: Chat, services: ContentServices, emulator: Any) -> None:
    menu = await chat.begin("العربية")
    await chat.tap_data(menu.message_id, "fol:kiruna:1")
    api, base_url = emulator
    second = build_application(token=TOKEN, base_url=base_url, conversation=Conversation(services))
    await telegram.stop(api.application)  # the first process goes away
    await telegram.start(second, poll_timeout=5, poll_interval=0)
    api.application = second
    data = await chat.say("/mydata")
    assert "Kiruna" in data.plain
    assert Translator("ar").gettext("Everything stored about you") in data.plain
