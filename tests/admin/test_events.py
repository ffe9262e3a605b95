"""The event pages: list, create and edit with texts per language, registrations by pseudonym, CSV, closing."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.events_time import SWEDEN
from content.files.schema import EventFile
from content.models import BotUser, Role
from content.repository.events import EVENTS, get_event
from content.repository.registrations import Outcome, register
from tests.admin.conftest import Client, Login

Sessions = async_sessionmaker[AsyncSession]
XSS = "<script>alert(1)</script>"


async def english(login_as: Login, role: Role = Role.EDITOR) -> Client:
    """A logged-in client reading the admin in English (the message ids), so assertions do not hang on Swedish."""
    person = await login_as(role)
    await person.post("/language", {"lang": "en", "next": "/"})
    return person


def in_days(days: int) -> str:
    return (datetime.now(SWEDEN) + timedelta(days=days)).strftime("%Y-%m-%dT18:00")


def event_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "slug": "mote-umea",
        "starts": in_days(10),
        "duration_minutes": "90",
        "place": "Stadsbiblioteket",
        "municipality": "umea",
        "capacity": "2",
        "languages": ["sv", "ar"],
        "interpreter": "on",
        "status": "published",
        "registration_open": "on",
        "title-sv": "Informationsmöte i Umeå",
        "body-sv": "Om bostad och arbete.",
        "title-en": "Information meeting in Umeå",
        "body-en": "About housing and work.",
    }
    return form | overrides


async def stored(sessions: Sessions, slug: str) -> EventFile | None:
    async with sessions() as session:
        return await EVENTS.read(session, slug)


async def test_the_list_shows_upcoming_events_and_filters_by_municipality(login_as: Login) -> None:
    editor = await english(login_as)
    status, page = await editor.get("/events")
    assert status == 200
    assert "Living and working in Blekinge" not in page  # titles are shown in Swedish
    assert "Att bo och arbeta i Blekinge" in page
    assert "Bussresa till Vännäs och Bjurholm" in page
    status, page = await editor.get("/events?municipality=karlskrona&status=published")
    assert status == 200
    assert "Att bo och arbeta i Blekinge" in page
    assert "Bussresa till Vännäs och Bjurholm" not in page
    _, page = await editor.get("/events?status=draft")
    assert "Att bo och arbeta i Blekinge" not in page


async def test_an_editor_creates_an_event_then_a_swedish_change_outdates_its_translations(
    login_as: Login, admin_sessions: Sessions
) -> None:
    editor = await english(login_as)
    status, page = await editor.post("/events/new", event_form())
    assert status == 200
    assert "Created the event mote-umea." in page
    event = await stored(admin_sessions, "mote-umea")
    assert event is not None
    assert (event.municipality, event.capacity, event.languages, event.interpreter) == ("umea", 2, ["sv", "ar"], True)
    assert event.translations["en"].status == "reviewed"
    assert event.translations["en"].source_version == event.version == 1

    _, page = await editor.get("/events/mote-umea")
    assert 'value="Information meeting in Umeå"' in page
    assert 'lang="ar" dir="rtl"' in page
    revision = page.split('name="revision" value="')[1].split('"')[0]
    changed = event_form(**{"title-sv": "Informationsmöte om bostad", "capacity": "", "revision": revision})
    status, page = await editor.post("/events/mote-umea", changed)
    assert status == 200
    assert "Saved the event mote-umea." in page
    event = await stored(admin_sessions, "mote-umea")
    assert event is not None
    assert event.version == 2
    assert event.capacity is None
    assert event.translations["en"].source_version == 1  # not touched, so now outdated
    assert "Outdated" in page


async def test_a_translation_written_in_the_form_is_reviewed_and_an_emptied_one_removed(
    login_as: Login, admin_sessions: Sessions
) -> None:
    editor = await english(login_as)
    await editor.post("/events/new", event_form())
    _, page = await editor.get("/events/mote-umea")
    revision = page.split('name="revision" value="')[1].split('"')[0]
    form = event_form(**{"title-en": "", "body-en": "", "title-ar": "اجتماع إعلامي", "revision": revision})
    status, _ = await editor.post("/events/mote-umea", form)
    assert status == 200
    event = await stored(admin_sessions, "mote-umea")
    assert event is not None
    assert set(event.translations) == {"sv", "ar"}
    assert (event.translations["ar"].status, event.translations["ar"].source_version) == ("reviewed", 1)


async def test_a_save_based_on_an_old_revision_is_refused_and_the_input_kept(
    login_as: Login, admin_sessions: Sessions
) -> None:
    first, second = await english(login_as), await english(login_as)
    await first.post("/events/new", event_form())
    _, page = await first.get("/events/mote-umea")
    revision = page.split('name="revision" value="')[1].split('"')[0]
    assert (await second.post("/events/mote-umea", event_form(place="Folkets hus", revision=revision)))[0] == 200
    status, page = await first.post("/events/mote-umea", event_form(place="Rådhuset", revision=revision))
    assert status == 409
    assert "Someone else saved this" in page
    assert 'value="Rådhuset"' in page  # nothing typed is lost
    event = await stored(admin_sessions, "mote-umea")
    assert event is not None
    assert event.place == "Folkets hus"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("starts", "2026-13-45T18:00", "Write the start as a date and time"),
        ("starts", "tomorrow evening", "Write the start as a date and time"),
        ("capacity", "-3", "The number of seats must be a whole number, zero or more"),
        ("capacity", "99999999999999999999999", "The number of seats must be a whole number, zero or more"),
        ("capacity", "many", "The number of seats must be a whole number, zero or more"),
        ("duration_minutes", "0", "The duration must be a whole number of minutes"),
        ("municipality", "atlantis", "There is no municipality atlantis."),
        ("title-sv", "", "The Swedish title is required."),
        ("slug", "Not A Slug!", "The slug must be 1 to 48 lowercase letters"),
        ("slug", "informationsmote-karlskrona", "The slug informationsmote-karlskrona is already used"),
        ("status", "deleted", "Choose a publication status from the list."),
    ],
)
async def test_bad_input_for_a_new_event_is_refused_with_a_message_and_nothing_saved(
    login_as: Login, admin_sessions: Sessions, field: str, value: str, message: str
) -> None:
    editor = await english(login_as)
    before = await stored(admin_sessions, "informationsmote-karlskrona")
    status, page = await editor.post("/events/new", event_form(**{field: value}))
    assert status == 400
    assert html.escape(message, quote=True) in page or message in page
    assert 'value="Stadsbiblioteket"' in page  # the rest of the input is kept
    assert await stored(admin_sessions, "mote-umea") is None
    assert await stored(admin_sessions, "informationsmote-karlskrona") == before


async def test_bad_input_for_an_existing_event_changes_nothing(login_as: Login, admin_sessions: Sessions) -> None:
    editor = await english(login_as)
    before = await stored(admin_sessions, "informationsmote-karlskrona")
    _, page = await editor.get("/events/informationsmote-karlskrona")
    revision = page.split('name="revision" value="')[1].split('"')[0]
    form = event_form(capacity="-1", revision=revision, place="Ändrad plats")
    status, page = await editor.post("/events/informationsmote-karlskrona", form)
    assert status == 400
    assert "The number of seats must be a whole number" in page
    assert await stored(admin_sessions, "informationsmote-karlskrona") == before


async def test_an_unchanged_relative_start_of_an_example_is_kept(login_as: Login, admin_sessions: Sessions) -> None:
    editor = await english(login_as)
    _, page = await editor.get("/events/informationsmote-karlskrona")
    revision = page.split('name="revision" value="')[1].split('"')[0]
    starts = page.split('name="starts" type="datetime-local" required value="')[1].split('"')[0]
    form = event_form(
        starts=starts,
        revision=revision,
        example="on",
        municipality="karlskrona",
        **{"title-sv": "Att bo och arbeta i Blekinge", "title-en": "", "body-en": ""},
    )
    status, _ = await editor.post("/events/informationsmote-karlskrona", form)
    assert status == 200
    event = await stored(admin_sessions, "informationsmote-karlskrona")
    assert event is not None
    assert event.starts == "today+21 18:00"
    assert event.place == "Stadsbiblioteket"


async def test_a_title_and_place_with_markup_are_shown_escaped(login_as: Login) -> None:
    editor = await english(login_as)
    status, _ = await editor.post("/events/new", event_form(place=XSS, **{"title-sv": XSS}))
    assert status == 200
    for path in ("/events", "/events/mote-umea", "/events/mote-umea/registrations"):
        _, page = await editor.get(path)
        assert XSS not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def make_people(sessions: Sessions, count: int) -> list[BotUser]:
    async with sessions() as session, session.begin():
        people = [
            BotUser(pseudonym=f"anon{n:04d}", chat_id=987650000 + n, lang=("ar", "fa", "uk")[n % 3])
            for n in range(count)
        ]
        session.add_all(people)
        await session.flush()
        for person in people:
            await session.refresh(person)
        session.expunge_all()
    return people


async def register_all(sessions: Sessions, slug: str, people: list[BotUser]) -> list[Outcome]:
    outcomes = []
    for person in people:
        async with sessions() as session, session.begin():
            event = await get_event(session=session, slug=slug)
            assert event is not None
            assert event.id is not None
            outcomes.append(await register(session=session, event_id=event.id, user=person))
    return outcomes


async def test_the_registrations_show_pseudonyms_seats_and_the_waiting_list(
    login_as: Login, admin_sessions: Sessions
) -> None:
    editor = await english(login_as)
    await editor.post("/events/new", event_form(capacity="2"))
    people = await make_people(admin_sessions, 3)
    outcomes = await register_all(admin_sessions, "mote-umea", people)
    assert outcomes == [Outcome.REGISTERED, Outcome.REGISTERED, Outcome.WAITING]

    status, page = await editor.get("/events/mote-umea/registrations")
    assert status == 200
    for person in people:
        assert person.pseudonym in page
        assert str(person.chat_id) not in page
    assert "2 of 2 seats taken, 0 left." in page
    assert "1 on the waiting list." in page
    registered, waiting = page.split("Waiting list")[0], page.split("Waiting list")[1]
    assert ("anon0000" in registered, "anon0001" in registered) == (True, True)
    assert ("anon0002" in waiting, "anon0002" in registered) == (True, False)
    assert "Persian/Dari" in registered  # the language of anon0001

    _, listing = await editor.get("/events")
    assert "2 of 2" in listing
    assert "1 waiting" in listing


async def test_the_registrations_download_as_csv_without_chat_ids(login_as: Login, admin_sessions: Sessions) -> None:
    editor = await english(login_as)
    await editor.post("/events/new", event_form(capacity="1"))
    people = await make_people(admin_sessions, 2)
    await register_all(admin_sessions, "mote-umea", people)
    response = await editor.response("GET", "/events/mote-umea/registrations.csv")
    async with response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"] == 'attachment; filename="mote-umea-registrations.csv"'
        body = await response.text()
    lines = body.splitlines()
    assert lines[0] == "pseudonym,language,state,registered_at"
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["anon0000", "ar", "registered"],
        ["anon0001", "fa", "waiting"],
    ]
    assert all(str(person.chat_id) not in body for person in people)


async def test_closing_registration_refuses_new_ones_and_opening_takes_them_again(
    login_as: Login, admin_sessions: Sessions
) -> None:
    editor = await english(login_as)
    await editor.post("/events/new", event_form())
    status, page = await editor.post("/events/mote-umea/close")
    assert status == 200
    assert "Registration for mote-umea is closed." in page
    event = await stored(admin_sessions, "mote-umea")
    assert event is not None
    assert event.registration_open is False
    people = await make_people(admin_sessions, 1)
    assert await register_all(admin_sessions, "mote-umea", people) == [Outcome.CLOSED]
    status, page = await editor.post("/events/mote-umea/open")
    assert "Registration for mote-umea is open." in page
    assert await register_all(admin_sessions, "mote-umea", people) == [Outcome.REGISTERED]


@pytest.mark.parametrize("role", [Role.TRANSLATOR, Role.BROADCASTER])
async def test_translators_and_broadcasters_may_not_use_the_event_pages(login_as: Login, role: Role) -> None:
    person = await english(login_as, role)
    slug = "informationsmote-karlskrona"
    for path in ("/events", "/events/new", f"/events/{slug}", f"/events/{slug}/registrations"):
        assert (await person.get(path))[0] == 403, path
    assert (await person.get(f"/events/{slug}/registrations.csv"))[0] == 403
    for path in ("/events/new", f"/events/{slug}", f"/events/{slug}/close", f"/events/{slug}/open"):
        assert (await person.post(path, event_form()))[0] == 403, path


async def test_an_unknown_event_is_not_found(login_as: Login) -> None:
    editor = await english(login_as)
    for path in ("/events/nope", "/events/nope/registrations", "/events/nope/registrations.csv"):
        assert (await editor.get(path))[0] == 404, path
    for path in ("/events/nope", "/events/nope/close", "/events/nope/open"):
        assert (await editor.post(path, event_form()))[0] == 404, path
