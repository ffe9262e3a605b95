"""The staff inbox end to end: a person asks through the bot (emulator), staff answer in the admin (HTTP), the
sender delivers the answer in the person's language; urgent words, retention and /forget."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import Delivery, InboxMessage, InboxThread, Role, utcnow
from content.repository.inbox import purge_closed
from content.services import ContentServices
from tests.admin.conftest import Client, Login, serve_admin
from tests.bot.conftest import Chat, Outbox, bot, emulator, outbox  # noqa: F401 (fixtures)
from tests.bot.emulator import BotAPIEmulator, Sent
from translations.machine.provider import FakeProvider
from vagvisare.settings import Settings

Sessions = async_sessionmaker[AsyncSession]
NOTHING_MATCHES = "qzxv wplk mmrt"  # no article answers this


@pytest.fixture
async def admin_url(admin_settings: Settings, admin_services: ContentServices) -> AsyncIterator[str]:
    async with serve_admin(admin_settings, admin_services, FakeProvider()) as url:
        yield url


@pytest.fixture
def services(admin_services: ContentServices) -> ContentServices:
    """The bot and the sender work on the admin's database."""
    return admin_services


async def staff_member(login_as: Login) -> Client:
    person = await login_as(Role.EDITOR)
    await person.post("/language", {"lang": "en", "next": "/"})
    return person


async def write_to_staff(person: Chat, language: str, question: str) -> Sent:
    return await write_to_staff_again(person, await person.begin(language), question)


async def write_to_staff_again(person: Chat, menu: Sent, question: str) -> Sent:
    """From the menu: ask, find no answer, agree to write to staff, send `question`."""
    found = await person.tap_data(menu.message_id, "ask")
    answer = await person.say(NOTHING_MATCHES)
    consent = await person.tap(answer, "👤")
    assert "90" in consent.plain  # how long it is kept
    assert "/forget" in consent.plain
    prompt = await person.tap(consent, "✍️")
    assert found.message_id
    return await person.say(question) if prompt else prompt


async def threads(sessions: Sessions) -> list[InboxThread]:
    async with sessions() as session:
        return list((await session.exec(select(InboxThread))).all())


@pytest.mark.parametrize(
    ("language", "code", "question"),
    [
        ("العربية", "ar", "هل يمكنني إحضار أطفالي إلى الاجتماع؟"),
        ("Українська", "uk", "Чи можу я взяти дітей на зустріч?"),
    ],
)
async def test_a_question_reaches_staff_and_the_answer_comes_back_in_the_askers_language(
    bot: BotAPIEmulator,  # noqa: F811
    outbox: Callable[..., Awaitable[Outbox]],  # noqa: F811
    login_as: Login,
    admin_sessions: Sessions,
    language: str,
    code: str,
    question: str,
) -> None:
    person = Chat(bot, 8100)
    sent = await write_to_staff(person, language, question)
    assert "✅" in sent.plain
    [thread] = await threads(admin_sessions)
    assert (thread.lang, thread.status, thread.urgent) == (code, "open", False)

    staff = await staff_member(login_as)
    _, page = await staff.get("/inbox")
    assert f"/inbox/{thread.id}" in page
    _, page = await staff.get(f"/inbox/{thread.id}")
    assert question in html.unescape(page)
    assert f"[sv] {question}" in html.unescape(page)  # the machine's Swedish, kept for next time
    _, page = await staff.post(f"/inbox/{thread.id}/draft", {"swedish": "Ja, barn är välkomna."})
    draft = f"[{code}] Ja, barn är välkomna."
    assert draft in html.unescape(page)
    machine = re.search(r'name="machine" value="([^"]*)"', page)
    assert machine is not None
    _, page = await staff.post(
        f"/inbox/{thread.id}/reply",
        {"swedish": "Ja, barn är välkomna.", "translated": draft, "machine": html.unescape(machine.group(1))},
    )
    assert "on its way" in page

    mark = len(bot.log)
    await outbox()
    answer = await bot.reply(person.chat_id, mark)
    assert draft in answer.plain.replace("\u2068", "").replace("\u2069", "")  # Latin text isolated in Arabic
    original = await person.tap(answer, "🇸🇪")
    assert "Ja, barn är välkomna." in original.plain
    assert original.message_id != answer.message_id  # the answer stays in the chat
    [thread] = await threads(admin_sessions)
    assert thread.status == "answered"


async def test_urgent_words_show_112_at_once_and_flag_the_thread_first(
    bot: BotAPIEmulator,  # noqa: F811
    login_as: Login,
    admin_sessions: Sessions,
) -> None:
    calm, scared = Chat(bot, 8200), Chat(bot, 8201)
    await write_to_staff(calm, "English", "When does SFI start?")
    sent = await write_to_staff(scared, "Svenska", "Min man slår mig och jag är rädd.")
    assert "112" in sent.plain
    assert sent.button("🆘")
    staff = await staff_member(login_as)
    _, page = await staff.get("/inbox")
    urgent_at, calm_at = page.index("Min man slår mig"), page.index("When does SFI start?")
    assert urgent_at < calm_at  # urgent first
    urgent = next(t for t in await threads(admin_sessions) if t.urgent)
    _, page = await staff.get(f"/inbox/{urgent.id}")
    assert "words of danger" in page


async def test_a_search_question_with_urgent_words_shows_112_and_stores_nothing(
    bot: BotAPIEmulator,  # noqa: F811
    admin_sessions: Sessions,
) -> None:
    person = Chat(bot, 8300)
    await person.begin("English")
    answer = await person.say("my husband hits me")
    assert answer.plain.startswith("🆘")
    assert "112" in answer.plain
    async with admin_sessions() as session:
        assert (await session.exec(select(InboxMessage))).all() == []


async def test_closed_threads_are_deleted_after_retention_and_forget_deletes_at_once(
    bot: BotAPIEmulator,  # noqa: F811
    login_as: Login,
    admin_sessions: Sessions,
) -> None:
    first, second = Chat(bot, 8400), Chat(bot, 8401)
    await write_to_staff(first, "English", "Question one")
    await write_to_staff(second, "English", "Question two")
    one, two = sorted(await threads(admin_sessions), key=lambda t: t.id or 0)
    staff = await staff_member(login_as)
    await staff.post(f"/inbox/{one.id}/reply", {"swedish": "Svar.", "translated": "Answer.", "machine": ""})
    async with admin_sessions() as session:
        assert len((await session.exec(select(Delivery))).all()) == 1  # the answer, queued
    _, page = await staff.post(f"/inbox/{one.id}/close", {})
    assert "deleted in 90 days" in page
    async with admin_sessions() as session, session.begin():
        assert await purge_closed(session=session, closed_before=utcnow() - timedelta(days=90)) == 0  # not yet
    async with admin_sessions() as session, session.begin():
        assert await purge_closed(session=session, closed_before=utcnow() + timedelta(seconds=1)) == 1  # 90 days on
    assert [t.id for t in await threads(admin_sessions)] == [two.id]
    async with admin_sessions() as session:
        assert (await session.exec(select(Delivery))).all() == []  # no trace of an answer either

    confirm = await second.say("/forget")
    done = await second.tap(confirm, "🗑")
    assert "deleted" in done.plain
    assert await threads(admin_sessions) == []
    async with admin_sessions() as session:
        assert (await session.exec(select(InboxMessage))).all() == []


async def test_staff_turn_an_answer_into_a_faq_draft(
    bot: BotAPIEmulator,  # noqa: F811
    login_as: Login,
    admin_sessions: Sessions,
) -> None:
    person = Chat(bot, 8500)
    await write_to_staff(person, "Svenska", "Får jag ta med barn till SFI?")
    [thread] = await threads(admin_sessions)
    staff = await staff_member(login_as)
    _, page = await staff.post(f"/inbox/{thread.id}/faq", {})
    assert "Answer the question first" in page
    await staff.post(f"/inbox/{thread.id}/reply", {"swedish": "Fråga din SFI-skola."})
    _, page = await staff.post(f"/inbox/{thread.id}/faq", {})
    assert "draft FAQ article" in page
    assert "Fråga din SFI-skola." in page  # the staff answer
    assert "Får jag ta med barn till SFI?" not in page  # the person's words stay in the inbox
    assert f"Fråga från inkorgen {thread.id}" in page


async def test_an_answer_needs_text_and_a_translation_before_it_is_sent(
    bot: BotAPIEmulator,  # noqa: F811
    login_as: Login,
    admin_sessions: Sessions,
) -> None:
    person = Chat(bot, 8600)
    await write_to_staff(person, "English", "Where is the library?")
    [thread] = await threads(admin_sessions)
    staff = await staff_member(login_as)
    status, page = await staff.post(f"/inbox/{thread.id}/reply", {"swedish": ""})
    assert status == 400
    assert "Write the answer in Swedish." in page
    status, page = await staff.post(f"/inbox/{thread.id}/reply", {"swedish": "Vid torget."})
    assert status == 400
    assert "Add the answer in the asker" in html.unescape(page)
    assert "Vid torget." in page  # what was typed is kept
    status, _ = await staff.get("/inbox/999999")
    assert status == 404


async def test_changing_ones_mind_after_agreeing_stores_nothing(
    bot: BotAPIEmulator,  # noqa: F811
    admin_sessions: Sessions,
) -> None:
    person = Chat(bot, 8700)
    menu = await person.begin("English")
    await person.tap_data(menu.message_id, "ask")
    answer = await person.say(NOTHING_MATCHES)
    consent = await person.tap(answer, "👤")
    prompt = await person.tap(consent, "✍️")
    cancelled = await person.tap(prompt, "Cancel")
    assert "Nothing was sent" in cancelled.plain
    await person.say("my private question")  # goes to the search only
    consent = await person.tap(await person.say(NOTHING_MATCHES), "👤")
    await person.tap(consent, "✍️")
    await person.say("/menu")  # a command instead of the message
    await person.say("another private question")
    assert await threads(admin_sessions) == []
