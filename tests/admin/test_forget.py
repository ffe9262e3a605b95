"""/forget deletes a person everywhere: after they followed, registered, wrote to staff with words of danger, got an
answer and rated an article, no row of any table holds their id, chat id or pseudonym; someone else's stay."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import BotUser, InboxMessage, InboxThread, StaffAlert
from tests.admin.conftest import Login
from tests.admin.test_inbox import admin_url, services, staff_member, write_to_staff  # noqa: F401 (fixtures)
from tests.bot.conftest import Chat, bot, emulator  # noqa: F401 (fixtures)
from tests.bot.emulator import BotAPIEmulator

Sessions = async_sessionmaker[AsyncSession]
PERSON, OTHER = 918273645, 918273646  # chat ids no other number in the database looks like


async def _everything(person: Chat) -> None:
    """Everything a person can leave behind."""
    menu = await write_to_staff(person, "English", "My husband hits me, can someone call me?")  # urgent: alerts
    await person.tap_data(menu.message_id, "fol:umea:1")
    card = await person.tap_data(menu.message_id, "e:sfi-oppet-hus-falun")
    await person.tap(card, "Register")
    answer = await person.say("Where can I learn Swedish?")
    article = await person.tap(answer, answer.labels()[0])
    helpful = [label for label in article.labels() if label.startswith("👍")]
    if helpful:
        await person.tap(article, helpful[0])


async def _traces(sessions: Sessions, user: BotUser) -> list[str]:
    """Every value in every table that points at the person: their ids in id columns, their chat id or pseudonym
    anywhere in a text or JSON value."""
    found = []
    async with sessions() as session:
        connection = await session.connection()
        for table in SQLModel.metadata.sorted_tables:
            for row in (await connection.execute(sa_select(table))).all():
                for name, value in row._mapping.items():
                    if name.endswith("user_id") and value == user.id:
                        found.append(f"{table.name}.{name}")
                    if name == "id" and table.name == "botuser" and value == user.id:
                        found.append("botuser.id")
                    text = json.dumps(value, default=str) if not isinstance(value, str) else value
                    if str(user.chat_id) in text or user.pseudonym in text:
                        found.append(f"{table.name}.{name}")
    return found


async def test_forget_leaves_no_trace_of_the_person_and_keeps_everyone_else(
    bot: BotAPIEmulator,  # noqa: F811
    login_as: Login,
    admin_sessions: Sessions,
) -> None:
    person, other = Chat(bot, PERSON), Chat(bot, OTHER)
    await _everything(person)
    await _everything(other)
    staff = await staff_member(login_as)
    async with admin_sessions() as session:
        threads = (await session.exec(select(InboxThread))).all()
        users = {user.chat_id: user for user in (await session.exec(select(BotUser))).all()}
    for thread in threads:  # staff answer both: a delivery row each
        await staff.post(f"/inbox/{thread.id}/reply", {"swedish": "Vi ringer dig.", "translated": "We will call.",
                                                       "machine": ""})  # fmt: skip
    me, them = users[PERSON], users[OTHER]
    mine = [thread.id for thread in threads if thread.user_id == me.id]
    assert len(await _traces(admin_sessions, me)) >= 6  # the scan sees them: user, thread, follow, registration, ...
    confirm = await person.say("/forget")
    done = await person.tap(confirm, "🗑")
    assert "deleted" in done.plain
    assert await _traces(admin_sessions, me) == []
    async with admin_sessions() as session:  # what points at the person only through their thread
        assert (await session.exec(select(InboxMessage).where(col(InboxMessage.thread_id).in_(mine)))).all() == []
        assert (await session.exec(select(StaffAlert).where(col(StaffAlert.thread_id).in_(mine)))).all() == []
        assert (await session.exec(select(StaffAlert))).all()  # the other person's alert is still there
    kept: dict[str, Any] = {}
    for trace in await _traces(admin_sessions, them):
        kept[trace.split(".")[0]] = True
    assert {"botuser", "follow", "registration", "inboxthread", "delivery"} <= set(kept)
