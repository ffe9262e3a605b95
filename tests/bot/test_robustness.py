"""Arbitrary text, Unicode, huge messages and malformed buttons: the bot answers or ignores, never crashes."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator


def _examples(strategy: st.SearchStrategy[str], count: int) -> list[str]:
    found: list[str] = []

    @settings(max_examples=count, database=None, suppress_health_check=list(HealthCheck), deadline=None)
    @given(strategy)
    def collect(value: str) -> None:
        found.append(value)

    collect()
    return found


TEXT = st.one_of(
    st.text(min_size=1, max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=4096),
    st.sampled_from(
        ["<b>", "&amp;", "</i>", "/start " + "x" * 100, "/start m_", "💩" * 2000, "\u202e\u2066rtl", "%s%n"]
    ),
)
CALLBACKS = st.one_of(
    st.text(max_size=64),
    st.from_regex(r"[a-zA-Z]{1,6}(:[a-z0-9-]{0,50}){0,4}", fullmatch=True),
)


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.ERROR, logger="bot")
    return caplog


async def test_any_text_gets_an_answer_and_no_error(bot: BotAPIEmulator, errors: pytest.LogCaptureFixture) -> None:
    chat = Chat(bot, 3001)
    await chat.begin("English")
    for text in _examples(TEXT, 40):
        if not text.strip():
            continue
        reply = await chat.say(text)
        assert reply.plain.strip()
    assert [r.getMessage() for r in errors.records] == []


async def test_any_button_data_gets_an_answer_and_no_error(
    bot: BotAPIEmulator, errors: pytest.LogCaptureFixture
) -> None:
    chat = Chat(bot, 3002)
    await chat.begin("English")
    for data in _examples(CALLBACKS, 40):
        if not data or len(data.encode()) > 64:
            continue
        menu = await chat.say("/menu")
        reply = await chat.tap_data(menu.message_id, data)
        assert reply.plain.strip()
    assert [r.getMessage() for r in errors.records] == []


async def test_group_chats_and_edited_messages_are_ignored(bot: BotAPIEmulator) -> None:
    mark = await bot.send_text(-100123, "/start", chat_type="group")
    await bot.push(
        {
            "edited_message": {
                "message_id": 5,
                "date": 0,
                "edit_date": 1,
                "chat": {"id": 3003, "type": "private"},
                "from": {"id": 3003, "is_bot": False, "first_name": "A"},
                "text": "hej",
            }
        }
    )
    probe = Chat(bot, 3004)
    await probe.say("/start")  # the bot is alive and has processed the earlier updates
    assert bot.since(-100123, mark) == []
    assert bot.since(3003, mark) == []
