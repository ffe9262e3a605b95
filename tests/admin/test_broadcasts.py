"""The broadcast pages over HTTP: compose, reach per language, machine drafts, preview, send, schedule, control."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.events_time import SWEDEN
from content.models import BotUser, Broadcast, BroadcastText, Delivery, Follow, Role, utcnow
from content.repository.broadcasts import finish_done, forget_old_deliveries
from content.repository.heartbeat import beat
from content.services import ContentServices
from tests.admin.conftest import Client, Login, serve_admin
from translations.machine.provider import FakeProvider
from vagvisare.settings import Settings

Sessions = async_sessionmaker[AsyncSession]
XSS = "<script>alert(1)</script>"


@pytest.fixture
async def admin_url(admin_settings: Settings, admin_services: ContentServices) -> AsyncIterator[str]:
    async with serve_admin(admin_settings, admin_services, FakeProvider()) as url:
        yield url


async def broadcaster(login_as: Login) -> Client:
    person = await login_as(Role.BROADCASTER)
    await person.post("/language", {"lang": "en", "next": "/"})
    return person


async def followers(sessions: Sessions, town: str, langs: dict[str, int]) -> None:
    """People following `town`: so many per language."""
    async with sessions() as session, session.begin():
        chat = 9000 + len((await session.exec(select(BotUser))).all())
        for lang, count in langs.items():
            for _ in range(count):
                user = BotUser(pseudonym=f"p{chat}", chat_id=chat, lang=lang)
                session.add(user)
                await session.flush()
                session.add(Follow(user_id=user.id or 0, kind="municipality", slug=town))
                chat += 1


def compose(**overrides: str) -> dict[str, str]:
    return {"text": "Informationsmöte om arbete på tisdag kl 18.", "audience": "municipality",
            "audience-municipality": "falun"} | overrides  # fmt: skip


async def new_broadcast(person: Client, **overrides: str) -> int:
    status, page = await person.post("/broadcasts/new", compose(**overrides))
    assert status == 200, page
    assert "Draft saved" in page
    found = re.search(r'action="/broadcasts/(\d+)"', page)
    assert found is not None
    return int(found.group(1))


async def test_a_broadcaster_writes_translates_previews_and_sends_to_followers(
    login_as: Login, admin_sessions: Sessions
) -> None:
    await followers(admin_sessions, "falun", {"ar": 3, "sv": 2, "uk": 1})
    await followers(admin_sessions, "umea", {"ar": 5})
    person = await broadcaster(login_as)
    number = await new_broadcast(person)
    _, page = await person.get(f"/broadcasts/{number}")
    assert "6 people right now" in page  # Falun's followers, not Umeå's
    assert "Followers of a municipality: <strong>Falun</strong>" in page
    assert "no text: gets English or Swedish" in page

    _, page = await person.post(f"/broadcasts/{number}/translate", {})
    assert "Machine-translated into" in page
    assert "[ar] Informationsmöte om arbete" in html.unescape(page)
    _, page = await person.post(
        f"/broadcasts/{number}",
        compose(
            **{"text-ar": "اجتماع إعلامي حول العمل يوم الثلاثاء الساعة 18.", "text-uk": "[uk] Інформаційна зустріч"}
        ),
    )
    assert "Saved." in page
    async with admin_sessions() as session:
        texts = {t.lang: t for t in (await session.exec(select(BroadcastText))).all()}
    assert texts["ar"].status == "reviewed"  # a person edited it
    assert texts["fa"].status == "machine"

    _, page = await person.get(f"/broadcasts/{number}?lang=ar")
    assert "اجتماع إعلامي حول العمل" in page
    assert 'dir="rtl"' in page

    _, page = await person.post(f"/broadcasts/{number}/send", {"action": "now"})
    assert "Sending has started." in page
    async with admin_sessions() as session:
        broadcast = await session.get(Broadcast, number)
        assert broadcast is not None
        assert broadcast.status == "sending"
        assert broadcast.recipients == 6  # one delivery per person, created at once
    _status, body = await person.get(f"/broadcasts/{number}/progress")
    assert json.loads(body)["status"] == "sending"


async def test_sending_starts_deliveries_and_can_be_paused_resumed_and_cancelled(
    login_as: Login, admin_sessions: Sessions
) -> None:
    await followers(admin_sessions, "falun", {"sv": 4})
    person = await broadcaster(login_as)
    number = await new_broadcast(person)
    await person.post(f"/broadcasts/{number}/send", {"action": "now"})
    _, body = await person.get(f"/broadcasts/{number}/progress")
    assert json.loads(body) | {"eta": ""} == {
        "status": "sending", "total": 4, "sent": 0, "pending": 4, "failed": 0, "blocked": 0, "cancelled": 0,
        "percent": 0, "eta": "", "sender_alive": False,
    }  # fmt: skip
    _, page = await person.get(f"/broadcasts/{number}")
    assert "Progress" in page
    assert "Pause" in page
    _, page = await person.post(f"/broadcasts/{number}/pause", {})
    assert "Paused." in page
    _, page = await person.post(f"/broadcasts/{number}/pause", {})
    assert "not possible any more" in page
    _, page = await person.post(f"/broadcasts/{number}/resume", {})
    assert "Sending again." in page
    _, page = await person.post(f"/broadcasts/{number}", compose(text="Ändrad"))
    assert "already being sent" in page
    _status, page = await person.post(f"/broadcasts/{number}/cancel", {})
    assert "Cancelled." in page
    async with admin_sessions() as session:
        rows = (await session.exec(select(Delivery.status))).all()
    assert sorted(rows) == ["cancelled"] * 4


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (compose(text=""), "Write the announcement in Swedish."),
        (compose(text="x" * 3600), "too long"),
        (compose(**{"audience-municipality": "no-such-town"}), "from the list"),
        (compose(audience="nobody"), "Choose who should get the announcement."),
        (compose(event="no-such-event"), "Choose the event from the list"),
    ],
)
async def test_bad_compose_forms_are_refused_politely_and_keep_what_was_typed(
    login_as: Login, admin_sessions: Sessions, form: dict[str, str], message: str
) -> None:
    person = await broadcaster(login_as)
    status, page = await person.post("/broadcasts/new", form)
    assert status == 400
    assert message in page
    if form["text"]:
        assert html.escape(form["text"][:40]) in page
    async with admin_sessions() as session:
        assert (await session.exec(select(Broadcast))).all() == []


async def test_sending_is_refused_for_an_empty_audience_or_a_time_that_has_passed(
    login_as: Login, admin_sessions: Sessions
) -> None:
    person = await broadcaster(login_as)
    number = await new_broadcast(person)
    status, page = await person.post(f"/broadcasts/{number}/send", {"action": "now"})
    assert status == 400
    assert "Nobody is in this audience" in page
    await followers(admin_sessions, "falun", {"sv": 1})
    past = (datetime.now(SWEDEN) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    status, page = await person.post(f"/broadcasts/{number}/send", {"action": "schedule", "at": past})
    assert status == 400
    assert "That time has passed" in page
    status, page = await person.post(f"/broadcasts/{number}/send", {"action": "schedule", "at": "tomorrow"})
    assert status == 400
    later = (datetime.now(SWEDEN) + timedelta(days=2)).strftime("%Y-%m-%dT09:00")
    status, page = await person.post(f"/broadcasts/{number}/send", {"action": "schedule", "at": later})
    assert "Scheduled for" in page
    async with admin_sessions() as session:
        broadcast = await session.get(Broadcast, number)
        assert broadcast is not None
        assert broadcast.status == "scheduled"
        assert broadcast.scheduled_at is not None
        assert broadcast.scheduled_at.astimezone(SWEDEN).hour == 9


async def test_announcement_text_is_shown_escaped_everywhere(login_as: Login, admin_sessions: Sessions) -> None:
    await followers(admin_sessions, "falun", {"sv": 1})
    person = await broadcaster(login_as)
    number = await new_broadcast(person, text=f"Hej {XSS}")
    for path in ("/broadcasts", f"/broadcasts/{number}", f"/broadcasts/{number}?lang=ar"):
        status, page = await person.get(path)
        assert status == 200
        assert XSS not in page
        assert "&lt;script&gt;" in page


async def test_editors_cannot_broadcast(login_as: Login) -> None:
    editor = await login_as(Role.EDITOR)
    status, _ = await editor.get("/broadcasts")
    assert status == 403
    status, _ = await editor.post("/broadcasts/new", compose())
    assert status == 403


async def test_the_pages_say_when_no_process_sends_and_stop_saying_it_once_one_does(
    login_as: Login, admin_sessions: Sessions
) -> None:
    await followers(admin_sessions, "falun", {"sv": 2})
    person = await broadcaster(login_as)
    warning = "Nothing is being sent: no process sends the outbox."
    _, page = await person.get("/broadcasts/new")
    assert warning in page
    assert 'id="no-sender" role="alert">' in page  # shown, not hidden
    number = await new_broadcast(person)
    await person.post(f"/broadcasts/{number}/send", {"action": "now"})
    _, page = await person.get(f"/broadcasts/{number}")
    assert warning in page
    assert "VAGVISARE_TELEGRAM_TOKEN" in page
    async with admin_sessions() as session, session.begin():
        await beat(session, utcnow())  # what the sender does every 15 s while it holds the sender lock
    _, body = await person.get(f"/broadcasts/{number}/progress")
    assert json.loads(body)["sender_alive"] is True
    _, page = await person.get("/broadcasts")
    assert 'id="no-sender" role="alert" hidden>' in page
    async with admin_sessions() as session, session.begin():
        await beat(session, utcnow() - timedelta(minutes=5))  # it stopped five minutes ago
    _, page = await person.get(f"/broadcasts/{number}")
    assert "Nothing is being sent: no process has sent the outbox since" in page


async def test_a_month_after_it_finished_who_got_a_broadcast_is_forgotten_and_the_report_stays(
    login_as: Login, admin_sessions: Sessions
) -> None:
    await followers(admin_sessions, "falun", {"sv": 3})
    person = await broadcaster(login_as)
    number = await new_broadcast(person)
    await person.post(f"/broadcasts/{number}/send", {"action": "now"})
    finished = utcnow() - timedelta(days=31)
    async with admin_sessions() as session, session.begin():
        rows = (await session.exec(select(Delivery).where(Delivery.broadcast_id == number))).all()
        for index, row in enumerate(rows):  # what the sender did: two sent, one failed
            row.status = "sent" if index else "failed"
            row.error = None if index else "bad request"
            session.add(row)
        await finish_done(session=session, now=finished)
    _, before = await person.get(f"/broadcasts/{number}")
    async with admin_sessions() as session, session.begin():
        assert await forget_old_deliveries(session=session, finished_before=utcnow() - timedelta(days=30)) == 3
    async with admin_sessions() as session:
        assert (await session.exec(select(Delivery).where(Delivery.broadcast_id == number))).all() == []
    _, after = await person.get(f"/broadcasts/{number}")
    for fact in ('<dd data-count="sent">2</dd>', '<dd data-count="failed">1</dd>', "<code>bad request</code>: 1"):
        assert fact in before
        assert fact in after  # the report, from the counts kept on the broadcast
    async with admin_sessions() as session, session.begin():  # again: nothing more to do
        assert await forget_old_deliveries(session=session, finished_before=utcnow() - timedelta(days=30)) == 0
