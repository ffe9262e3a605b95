"""Broadcasts through the outbox against the Bot API emulator: once each, at the rate, through 429/403/5xx/timeouts."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.outbox import sender as sender_module
from content.models import Audience, BotUser, Broadcast, BroadcastStatus, Follow, TranslationStatus, utcnow
from content.repository import broadcasts
from content.repository.outbox import counts
from content.services import ContentServices
from tests.bot.conftest import Chat, Outbox, eventually
from tests.bot.emulator import BotAPIEmulator, Failure

LANGS = ("sv", "en", "ar", "uk")
# The sender's logic does not depend on the database (the claim's SQL is tested on both by the tests above it).
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def add_people(services: ContentServices, chats: range, **fields: Any) -> None:
    async with services.sessions() as session, session.begin():
        for chat in chats:
            lang = fields.get("lang") or LANGS[chat % len(LANGS)]
            session.add(BotUser(pseudonym=f"p{chat}", chat_id=chat, **(fields | {"lang": lang})))


async def announce(
    services: ContentServices,
    text: str = "Informationsmöte på tisdag.",
    *,
    translations: dict[str, str] | None = None,
    audience: Audience = Audience.EVERYONE,
    value: str = "",
    urgent: bool = False,
    event_id: int | None = None,
    delay: float = 0.0,
) -> int:
    """Write, translate and schedule a broadcast the way the admin does; return its id."""
    async with services.sessions() as session, session.begin():
        broadcast = await broadcasts.create_broadcast(
            session=session, text=text, audience=audience, audience_value=value, event_id=event_id,
            urgent=urgent, author="staff@example.org",
        )  # fmt: skip
        for lang, translated in (translations or {}).items():
            await broadcasts.set_text(
                session=session, broadcast=broadcast, lang=lang, text=translated, status=TranslationStatus.REVIEWED
            )
        now = utcnow()
        await broadcasts.schedule(
            session=session, broadcast=broadcast, at=now + timedelta(seconds=delay), actor="staff@example.org", now=now
        )
        return broadcast.id or 0


async def status_counts(services: ContentServices, broadcast_id: int) -> dict[str, int]:
    async with services.sessions() as session:
        return await counts(session=session, broadcast_id=broadcast_id)


async def broadcast_status(services: ContentServices, broadcast_id: int) -> BroadcastStatus:
    async with services.sessions() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        return broadcast.status


async def test_every_recipient_gets_the_announcement_once_through_429s_403s_5xx_and_timeouts(
    emulator: tuple[BotAPIEmulator, str], services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    api, _ = emulator
    people = range(5000, 5080)
    await add_people(services, people)
    blocked = {5003, 5017, 5042, 5066, 5079}
    api.blocked.update(blocked)
    chance = random.Random(6)
    faults = {"429": 0, "5xx": 0, "timeout": 0}

    def fault(method: str, params: dict[str, Any]) -> Failure | None:
        if method != "sendMessage":
            return None
        roll = chance.random()
        if roll < 0.04:
            faults["429"] += 1
            return Failure(429, "Too Many Requests: retry after 1", retry_after=1)
        if roll < 0.12:
            faults["5xx"] += 1
            return Failure(500, "Internal Server Error")
        if roll < 0.14:
            faults["timeout"] += 1
            return Failure(0, "no answer")
        return None

    api.fault = fault
    rate = 40.0
    await outbox(rate=rate)
    broadcast_id = await announce(
        services, translations={"ar": "اجتماع إعلامي يوم الثلاثاء.", "en": "Information meeting on Tuesday."}
    )

    async def finished() -> bool:
        return await broadcast_status(services, broadcast_id) == BroadcastStatus.DONE

    await eventually(finished, within=60)
    assert all(faults.values()), faults  # every kind of failure happened at least once
    by_status = await status_counts(services, broadcast_id)
    assert by_status == {"sent": len(people) - len(blocked), "blocked": len(blocked)}
    for chat in people:
        received = list(api.messages[chat].values())
        assert len(received) == (0 if chat in blocked else 1), chat
    assert "اجتماع إعلامي" in api.messages[5002][min(api.messages[5002])].plain  # 5002 reads Arabic
    ukrainian = next(iter(api.messages[5003 + 4].values())).plain  # no Ukrainian text: English, with a note
    assert "Information meeting" in ukrainian
    assert "not yet available in your language" not in ukrainian  # the note is in Ukrainian
    assert api.busiest_second() <= rate
    async with services.sessions() as session:
        inactive = (await session.exec(select(BotUser.chat_id).where(BotUser.active == False))).all()  # noqa: E712
    assert set(inactive) == blocked


@SQLITE_ONLY
async def test_a_broadcast_can_be_paused_resumed_and_cancelled(
    emulator: tuple[BotAPIEmulator, str], services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    api, _ = emulator
    await add_people(services, range(6000, 6040), lang="sv")
    await outbox(rate=10.0)
    broadcast_id = await announce(services)

    async def some_sent() -> bool:
        return (await status_counts(services, broadcast_id)).get("sent", 0) >= 5

    await eventually(some_sent)
    async with services.sessions() as session, session.begin():
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        await broadcasts.pause(session=session, broadcast=broadcast, actor="staff", now=utcnow())
    await eventually(lambda: _settled(services, broadcast_id))
    paused_at = len(api.log)
    await _sleep(0.6)
    assert len(api.log) == paused_at  # nothing more while paused
    async with services.sessions() as session, session.begin():
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        await broadcasts.resume(session=session, broadcast=broadcast, actor="staff", now=utcnow())

    async def more_sent() -> bool:
        return len(api.log) >= paused_at + 3

    await eventually(more_sent)
    async with services.sessions() as session, session.begin():
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        await broadcasts.cancel(session=session, broadcast=broadcast, actor="staff", now=utcnow())
    await eventually(lambda: _settled(services, broadcast_id))
    by_status = await status_counts(services, broadcast_id)
    assert by_status["sent"] + by_status["cancelled"] == 40
    assert by_status["cancelled"] > 0
    assert by_status["sent"] == len(api.log)  # everything sent arrived, and only once
    assert await broadcast_status(services, broadcast_id) == BroadcastStatus.CANCELLED


async def _settled(services: ContentServices, broadcast_id: int) -> bool:
    return (await status_counts(services, broadcast_id)).get("sending", 0) == 0


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


@SQLITE_ONLY
async def test_quiet_hours_hold_announcements_but_not_urgent_ones(
    emulator: tuple[BotAPIEmulator, str], services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    api, _ = emulator
    await add_people(services, range(7000, 7003), lang="sv")
    await outbox(quiet=lambda _: True)  # it is night in Sweden
    waiting = await announce(services, "Bussresa till Skellefteå i maj.")
    urgent = await announce(services, "Mottagningen är stängd i morgon på grund av storm.", urgent=True)

    async def urgent_sent() -> bool:
        return (await status_counts(services, urgent)).get("sent", 0) == 3

    await eventually(urgent_sent)
    await _sleep(0.3)
    assert await status_counts(services, waiting) == {"pending": 3}
    assert all("storm" in sent.plain for sent in api.log)


@SQLITE_ONLY
async def test_a_scheduled_broadcast_waits_for_its_time(
    emulator: tuple[BotAPIEmulator, str], services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    api, _ = emulator
    await add_people(services, range(7100, 7102), lang="sv")
    await outbox()
    broadcast_id = await announce(services, delay=1.5)
    await _sleep(0.8)
    assert api.log == []
    assert await broadcast_status(services, broadcast_id) == BroadcastStatus.SCHEDULED

    async def arrived() -> bool:
        return len(api.log) == 2

    await eventually(arrived)


async def test_the_audience_is_only_who_it_names(services: ContentServices) -> None:
    await add_people(services, range(7200, 7206), lang="ar")
    await add_people(services, range(7206, 7208), lang="sv", announcements=False)
    await add_people(services, range(7208, 7209), lang="sv", active=False)
    async with services.sessions() as session, session.begin():
        users = {u.chat_id: u for u in (await session.exec(select(BotUser))).all()}
        session.add(Follow(user_id=users[7200].id or 0, kind="municipality", slug="falun"))
        session.add(Follow(user_id=users[7201].id or 0, kind="municipality", slug="umea"))
        session.add(Follow(user_id=users[7206].id or 0, kind="municipality", slug="falun"))  # announcements off
    async with services.sessions() as session:
        everyone = await broadcasts.audience_by_language(session=session, audience=Audience.EVERYONE, value="")
        falun = await broadcasts.audience_by_language(session=session, audience=Audience.MUNICIPALITY, value="falun")
        swedish = await broadcasts.audience_by_language(session=session, audience=Audience.LANGUAGE, value="sv")
    assert everyone == {"ar": 6}
    assert falun == {"ar": 1}
    assert swedish == {}


async def test_stop_announcements_under_an_announcement_keeps_it_and_stops_the_next(
    bot: BotAPIEmulator, services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    person = Chat(bot, 7300)
    await person.begin("English")
    await outbox()
    mark = len(bot.log)
    await announce(services, "Första.", translations={"en": "First announcement."})
    first = await bot.reply(person.chat_id, mark)
    assert "First announcement." in first.plain
    stopped = await person.tap(first, "Stop announcements")
    assert stopped.message_id != first.message_id  # a new message; the announcement stays as it was
    assert bot.messages[person.chat_id][first.message_id].text == first.text
    assert "no more announcements" in stopped.plain
    second = await announce(services, "Andra.")

    async def done() -> bool:
        return await broadcast_status(services, second) == BroadcastStatus.DONE

    await eventually(done)
    assert await status_counts(services, second) == {}  # nobody: the only person unsubscribed


@SQLITE_ONLY
async def test_an_outage_pauses_sending_and_fails_nobody(
    emulator: tuple[BotAPIEmulator, str],
    services: ContentServices,
    outbox: Callable[..., Awaitable[Outbox]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    api, _ = emulator
    monkeypatch.setattr(sender_module, "MAX_FAILURES", 2)  # so that a short outage would use up every try
    await add_people(services, range(7400, 7410), lang="sv")
    down_until = time.monotonic() + 5.0  # longer than two tries with their pause (2 s) last

    def outage(method: str, params: dict[str, Any]) -> Failure | None:
        if method == "sendMessage" and time.monotonic() < down_until:
            return Failure(502, "Bad Gateway")
        return None

    api.fault = outage
    handle = await outbox(rate=20.0)
    broadcast_id = await announce(services)

    async def done() -> bool:
        return await broadcast_status(services, broadcast_id) == BroadcastStatus.DONE

    await eventually(done, within=60)
    assert await status_counts(services, broadcast_id) == {"sent": 10}
    assert handle.sender.stats.failed == 0
    assert len(api.log) == 10


@SQLITE_ONLY
async def test_a_sender_waits_a_second_after_taking_over_so_the_rate_holds_across_processes(
    emulator: tuple[BotAPIEmulator, str], services: ContentServices, outbox: Callable[..., Awaitable[Outbox]]
) -> None:
    api, _ = emulator
    await add_people(services, range(5001, 5011))
    await announce(services)
    started = time.monotonic()  # the emulator's arrival times are on the same clock

    async def all_sent() -> bool:
        return len(api.log) == 10

    await outbox(rate=30.0)
    await eventually(all_sent)
    first = min(at for method, at in api.arrivals if method == "sendMessage")
    assert first - started >= sender_module.HANDOVER_PAUSE
