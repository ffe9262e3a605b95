"""The sender as real processes (`vagvisare send`): killed with SIGKILL and restarted, and two at once.

Broadcasts here are urgent so that quiet hours (these tests may run at night in Sweden) do not hold them.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox.sender import window
from content.models import Audience, BotUser, Broadcast, BroadcastStatus, utcnow
from content.repository import broadcasts
from content.repository.heartbeat import SENDER_GONE_AFTER, last_seen
from tests import conftest
from tests.bot.emulator import TOKEN, BotAPIEmulator

# These tests need no starter content: the empty, migrated database of tests/conftest.py, not the bot tests' copy
# of the starter content (the processes start faster).
database_url = conftest.database_url

ROOT = Path(__file__).resolve().parents[2]
RATE = 100  # messages per second (paid broadcasts) so that the test is short


async def _setup(sessions: async_sessionmaker[AsyncSession], people: int) -> int:
    async with sessions() as session, session.begin():
        for chat in range(1, people + 1):
            session.add(BotUser(pseudonym=f"p{chat}", chat_id=chat, lang="sv"))
        broadcast = await broadcasts.create_broadcast(
            session=session, text="Bussresa till Skellefteå.", audience=Audience.EVERYONE, audience_value="",
            event_id=None, urgent=True, author="staff@example.org",
        )  # fmt: skip
        await broadcasts.schedule(session=session, broadcast=broadcast, at=None, actor="staff", now=utcnow())
        return broadcast.id or 0


def _environment(database_url: str, base_url: str, data_dir: Path) -> dict[str, str]:
    return os.environ | {
        "VAGVISARE_DATABASE_URL": database_url,
        "VAGVISARE_DATA_DIR": str(data_dir),
        "VAGVISARE_TELEGRAM_TOKEN": TOKEN,
        "VAGVISARE_TELEGRAM_API_URL": base_url,
        "VAGVISARE_BROADCAST_RATE": str(RATE),
        "VAGVISARE_PAID_BROADCASTS": "true",
        "VAGVISARE_LOAD_STARTER_CONTENT": "false",
        "VAGVISARE_LOG_LEVEL": "INFO",
    }


async def _start(environment: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as output:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "vagvisare", "send", cwd=ROOT, env=environment,
            stdin=asyncio.subprocess.DEVNULL, stdout=output, stderr=output,
        )  # fmt: skip


async def _until(check: Callable[[], bool], within: float) -> bool:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


async def _status(sessions: async_sessionmaker[AsyncSession], broadcast_id: int) -> BroadcastStatus:
    async with sessions() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        return broadcast.status


async def _until_done(sessions: async_sessionmaker[AsyncSession], broadcast_id: int, within: float) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while await _status(sessions, broadcast_id) != BroadcastStatus.DONE:
        assert asyncio.get_running_loop().time() < deadline, "the broadcast did not finish"
        await asyncio.sleep(0.1)


def _received(api: BotAPIEmulator) -> Counter[int]:
    return Counter(sent.chat_id for sent in api.log)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_sender_killed_20_times_still_reaches_everyone_with_bounded_duplicates(
    emulator: tuple[BotAPIEmulator, str],
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    api, base_url = emulator
    people = 700
    broadcast_id = await _setup(sessions, people)
    environment = _environment(database_url, base_url, tmp_path)
    chance = random.Random(20)
    kills = 0
    for run in range(20):
        before = len(api.log)
        process = await _start(environment, tmp_path / f"sender-{run}.log")
        # A random point: during start-up, or after the first few messages of this run.
        if chance.random() < 0.2:
            await asyncio.sleep(chance.uniform(0.0, 1.0))
        else:
            assert await _until(lambda before=before: len(api.log) > before, within=30)  # type: ignore[misc]
            await asyncio.sleep(chance.uniform(0.0, 0.25))
        process.send_signal(signal.SIGKILL)
        await process.wait()
        kills += 1
    assert len(set(_received(api))) < people  # the kills interrupted the broadcast
    final = await _start(environment, tmp_path / "sender-final.log")
    await _until_done(sessions, broadcast_id, within=60)
    async with sessions() as session:
        seen = await last_seen(session)
    assert seen is not None
    assert utcnow() - seen < SENDER_GONE_AFTER  # the admin sees that a process sends
    final.send_signal(signal.SIGTERM)
    assert await final.wait() == 0  # stops cleanly on SIGTERM
    received = _received(api)
    assert set(received) == set(range(1, people + 1))  # nobody missing
    duplicates = sum(received.values()) - people
    assert duplicates <= window(RATE) * kills
    print(f"\n{kills} kills: {people} people reached, {duplicates} duplicate messages (bound {window(RATE) * kills})")


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_two_senders_on_postgresql_send_each_message_once_and_hand_over_when_one_dies(
    emulator: tuple[BotAPIEmulator, str],
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    api, base_url = emulator
    people = 600
    broadcast_id = await _setup(sessions, people)
    environment = _environment(database_url, base_url, tmp_path)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    processes = [await _start(environment, log) for log in logs]

    def sending() -> list[int]:
        return [i for i, log in enumerate(logs) if "Sending the outbox." in log.read_text()]

    assert await _until(lambda: len(api.log) >= people // 3, within=30)
    assert len(sending()) == 1  # one sends, the other waits for the lock
    assert len(_received(api)) == len(api.log)  # so far nobody twice
    active = sending()[0]
    processes[active].send_signal(signal.SIGKILL)  # the sender dies; the other takes over
    await processes[active].wait()
    await _until_done(sessions, broadcast_id, within=60)
    assert sending() == [0, 1]
    standby = processes[1 - active]
    standby.send_signal(signal.SIGTERM)
    assert await standby.wait() == 0
    received = _received(api)
    assert set(received) == set(range(1, people + 1))
    assert sum(received.values()) - people <= window(RATE)  # only what the killed one held
    assert api.busiest_second() <= RATE  # the rate held across both processes
