"""Staff alerts end to end: a person writes to staff in words of danger through the bot (emulator); staff get an
e-mail through a local SMTP stand-in and a message in their Telegram group (the emulator), neither with the text."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.channels.telegram import build_sender_bot
from content.models import AlertStatus, StaffAlert
from content.services import ContentServices
from tests.admin.test_inbox import write_to_staff, write_to_staff_again
from tests.bot.conftest import Chat, bot, emulator  # noqa: F401 (fixtures)
from tests.bot.emulator import TOKEN, BotAPIEmulator
from vagvisare.alerts import EmailChannel, TelegramChannel, configured_channels, deliver_once
from vagvisare.settings import Settings

Sessions = async_sessionmaker[AsyncSession]
STAFF_GROUP = -100_555
ADMIN = "https://admin.example.org/"


@pytest.fixture
def services(admin_services: ContentServices) -> ContentServices:
    return admin_services


class Mailbox:
    """The SMTP stand-in's handler: keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, _class=EmailMessage, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox, port = Mailbox(), _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
async def staff_group(emulator: tuple[BotAPIEmulator, str]) -> AsyncIterator[TelegramChannel]:  # noqa: F811
    _, base_url = emulator
    sender = build_sender_bot(token=TOKEN, base_url=base_url, timeout=2.0)
    await sender.initialize()
    yield TelegramChannel(sender, STAFF_GROUP)
    await sender.shutdown()


async def _alerts(sessions: Sessions) -> list[StaffAlert]:
    async with sessions() as session:
        return list((await session.exec(select(StaffAlert))).all())


def _local_email(port: int) -> EmailChannel:
    """The e-mail channel to the local SMTP stand-in."""
    return EmailChannel(
        host="127.0.0.1", port=port, sender="bot@example.org", recipients=["staff@example.org"], starttls=False
    )


async def test_an_urgent_message_alerts_staff_by_email_and_telegram_without_its_text(
    bot: BotAPIEmulator,  # noqa: F811
    admin_sessions: Sessions,
    smtp: tuple[Mailbox, int],
    staff_group: TelegramChannel,
) -> None:
    mailbox, port = smtp
    email = _local_email(port)
    await write_to_staff(Chat(bot, 8600), "English", "When does SFI start?")
    assert await deliver_once(admin_sessions, [email, staff_group], ADMIN) == 0  # an ordinary question: no alert
    await write_to_staff(Chat(bot, 8601), "العربية", "زوجي يضربني وأنا خائفة")
    [alert] = await _alerts(admin_sessions)
    assert await deliver_once(admin_sessions, [email, staff_group], ADMIN) == 1

    [mail] = mailbox.messages
    body = mail.get_content()
    assert mail["To"] == "staff@example.org"
    assert f"tråd {alert.thread_id}" in mail["Subject"]
    assert f"{ADMIN}inbox/{alert.thread_id}" in body
    assert "Arabic" in body
    group = bot.latest(STAFF_GROUP)
    assert group is not None
    assert f"{ADMIN}inbox/{alert.thread_id}" in group.text
    for text in (body, mail["Subject"], group.text):
        assert "يضربني" not in text
        assert "8601" not in text
    [sent] = await _alerts(admin_sessions)
    assert (sent.status, sent.sent_at is not None) == (AlertStatus.SENT, True)
    assert await deliver_once(admin_sessions, [email, staff_group], ADMIN) == 0  # sent once


async def test_a_second_urgent_message_in_the_same_thread_before_the_alert_went_out_adds_no_second_alert(
    bot: BotAPIEmulator,  # noqa: F811
    admin_sessions: Sessions,
) -> None:
    person = Chat(bot, 8700)
    await write_to_staff(person, "Svenska", "Min man slår mig")
    sent = await write_to_staff_again(person, await person.say("/menu"), "Han hotar att döda mig")
    assert "112" in sent.plain
    assert len(await _alerts(admin_sessions)) == 1


class Down:
    name = "email"

    async def send(self, subject: str, body: str) -> None:
        raise ConnectionRefusedError


async def test_an_alert_that_cannot_be_sent_is_retried_then_marked_failed_and_forget_removes_it(
    bot: BotAPIEmulator,  # noqa: F811
    admin_sessions: Sessions,
) -> None:
    person = Chat(bot, 8800)
    await write_to_staff(person, "English", "I want to kill myself")
    for tries in range(1, 6):
        assert await deliver_once(admin_sessions, [Down()], ADMIN) == 0
        [alert] = await _alerts(admin_sessions)
        assert alert.failures == tries
        assert alert.error == "email: ConnectionRefusedError"
    assert alert.status == AlertStatus.FAILED
    confirm = await person.say("/forget")
    await person.tap(confirm, "🗑")
    assert await _alerts(admin_sessions) == []


async def test_a_retry_goes_only_by_the_channel_that_failed(
    bot: BotAPIEmulator,  # noqa: F811
    admin_sessions: Sessions,
    smtp: tuple[Mailbox, int],
    staff_group: TelegramChannel,
) -> None:
    mailbox, port = smtp
    await write_to_staff(Chat(bot, 8900), "English", "my husband hits me")
    mark = len(bot.log)
    assert await deliver_once(admin_sessions, [Down(), staff_group], ADMIN) == 0  # the mail server is down
    [alert] = await _alerts(admin_sessions)
    assert (alert.status, alert.sent_by, alert.failures) == (AlertStatus.PENDING, ["telegram"], 1)
    email = _local_email(port)
    assert await deliver_once(admin_sessions, [email, staff_group], ADMIN) == 1  # the mail server is back
    assert len(mailbox.messages) == 1
    assert len(bot.since(STAFF_GROUP, mark)) == 1  # the staff group got it once, not again with the retry
    [sent] = await _alerts(admin_sessions)
    assert (sent.status, sorted(sent.sent_by)) == (AlertStatus.SENT, ["email", "telegram"])


def test_channels_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAGVISARE_ALERT_EMAIL_TO", "a@example.org, b@example.org")
    monkeypatch.setenv("VAGVISARE_SMTP_HOST", "smtp.example.org")
    [email] = configured_channels(Settings())
    assert isinstance(email, EmailChannel)
    assert (email.recipients, email.port, email.starttls) == (["a@example.org", "b@example.org"], 587, True)
    monkeypatch.setenv("VAGVISARE_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("VAGVISARE_ALERT_TELEGRAM_CHAT_ID", str(STAFF_GROUP))
    assert [channel.name for channel in configured_channels(Settings())] == ["email", "telegram"]
    monkeypatch.delenv("VAGVISARE_SMTP_HOST")
    assert [channel.name for channel in configured_channels(Settings())] == ["telegram"]


async def test_nothing_is_alerted_without_channels(admin_sessions: Sessions) -> None:
    assert await asyncio.wait_for(deliver_once(admin_sessions, [], ADMIN), 5) == 0
