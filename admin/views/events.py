"""Events: the list, the form (time, place, seats, texts per language), who registered, and closing registration."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

from aiohttp import web

from admin.access import EDITING, allow
from admin.render import SERVICES, actor_of, flash, redirect, render
from admin.views.record_forms import (
    STALE,
    Form,
    Invalid,
    checked,
    expected_revision,
    languages_for_forms,
    posted,
    save,
    slug_of_new,
    text,
    validated,
    whole_number,
)
from content.events_time import SWEDEN
from content.files.schema import STARTS, EventFile
from content.models import PublicationStatus, RegistrationStatus, utcnow
from content.repository.events import EVENTS, event_title, get_event, list_events
from content.repository.places import list_municipalities
from content.repository.records import StaleEditError, latest_revision_number, save_record
from content.repository.registrations import list_registrations, seats
from content.repository.translations import status_of
from translations.catalogs import N_
from translations.languages import BY_CODE, CODES, SOURCE_LANGUAGE

routes = web.RouteTableDef()
STATUSES = tuple(status.value for status in PublicationStatus)
STATUS_LABELS = {"draft": N_("Draft"), "review": N_("In review"), "published": N_("Published")}
TEXT_LABELS = {
    "source": N_("Source text"),
    "missing": N_("Missing"),
    "machine": N_("Machine translation"),
    "reviewed": N_("Reviewed"),
    "outdated": N_("Outdated"),
}
LOCAL = "%Y-%m-%d %H:%M"
START_INPUT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::00)?$")
BAD_START = N_("Write the start as a date and time, for example 2026-12-01 18:00.")
TITLE_LIMIT, BODY_LIMIT = 300, 20000


def local(moment: datetime) -> str:
    """Return a stored (UTC) time as Swedish local time, as editors write it."""
    return moment.astimezone(SWEDEN).strftime(LOCAL)


@routes.get("/events")
@allow(EDITING)
async def event_list(request: web.Request) -> web.StreamResponse:
    """List upcoming and past events, filtered by municipality and publication status."""
    chosen_town = request.query.get("municipality", "")
    chosen_status = request.query.get("status", "")
    async with request.app[SERVICES].sessions() as session:
        towns = await list_municipalities(session=session)
        names = {town.id: town.name for town in towns}
        events = await list_events(
            session=session,
            municipality=chosen_town if chosen_town in {town.slug for town in towns} else None,
            status=PublicationStatus(chosen_status) if chosen_status in STATUSES else None,
        )
        rows: list[dict[str, Any]] = [
            {
                "event": event,
                "title": await event_title(session=session, event=event, chain=(SOURCE_LANGUAGE, "en")),
                "starts": local(event.starts_at),
                "municipality": names.get(event.municipality_id, ""),
                "seats": await seats(session=session, event=event),
            }
            for event in events
        ]
    now = utcnow()
    return await render(
        request,
        "events/list.html",
        {
            "upcoming": [row for row, event in zip(rows, events, strict=True) if event.starts_at >= now],
            "past": [row for row, event in reversed(list(zip(rows, events, strict=True))) if event.starts_at < now],
            "towns": towns,
            "statuses": STATUSES,
            "status_labels": STATUS_LABELS,
            "chosen_town": chosen_town,
            "chosen_status": chosen_status,
        },
    )


class _Current:
    """An event as stored: its file form, its start in local time and its latest revision number."""

    def __init__(self, record: EventFile | None, anchored: str | None, revision: int) -> None:
        self.record, self.anchored, self.revision = record, anchored, revision


async def _current(request: web.Request, slug: str | None) -> tuple[_Current, list[Any]]:
    async with request.app[SERVICES].sessions() as session:
        towns = await list_municipalities(session=session)
        if slug is None:
            return _Current(None, None, 0), towns
        row = await get_event(session=session, slug=slug)
        record = await EVENTS.read(session, slug)
        if row is None or record is None:
            raise web.HTTPNotFound()
        revision = await latest_revision_number(session, EVENTS.entity, slug)
    return _Current(record, local(row.starts_at), revision), towns


def _values_of(current: _Current) -> dict[str, Any]:
    """The form's fields for a stored event (or a new one)."""
    record = current.record
    if record is None:
        return {
            "slug": "",
            "starts": "",
            "duration": "",
            "place": "",
            "municipality": "",
            "capacity": "",
            "languages": [SOURCE_LANGUAGE],
            "interpreter": False,
            "status": PublicationStatus.DRAFT.value,
            "registration_open": True,
            "example": False,
            "minor": False,
            "texts": {code: {"title": "", "body": ""} for code in CODES},
            "revision": "",
        }
    return {
        "slug": record.slug,
        "starts": (current.anchored or "").replace(" ", "T"),
        "duration": "" if record.duration_minutes is None else str(record.duration_minutes),
        "place": record.place,
        "municipality": record.municipality or "",
        "capacity": "" if record.capacity is None else str(record.capacity),
        "languages": list(record.languages),
        "interpreter": record.interpreter,
        "status": str(record.status),
        "registration_open": record.registration_open,
        "example": record.example,
        "minor": False,
        "texts": {
            code: {"title": t.title, "body": t.body}
            if (t := record.translations.get(code))
            else {"title": "", "body": ""}
            for code in CODES
        },
        "revision": str(current.revision),
    }


def _values_posted(form: Form) -> dict[str, Any]:
    """The form's fields as the editor sent them, to show again after a refusal."""

    def raw(name: str) -> str:
        return posted(form, name)

    return {
        "slug": raw("slug"),
        "starts": raw("starts"),
        "duration": raw("duration_minutes"),
        "place": raw("place"),
        "municipality": raw("municipality"),
        "capacity": raw("capacity"),
        "languages": [code for code in form.getall("languages", []) if isinstance(code, str)],
        "interpreter": checked(form, "interpreter"),
        "status": raw("status"),
        "registration_open": checked(form, "registration_open"),
        "example": checked(form, "example"),
        "minor": checked(form, "minor"),
        "texts": {code: {"title": raw(f"title-{code}"), "body": raw(f"body-{code}")} for code in CODES},
        "revision": raw("revision"),
    }


def _starts(form: Form, current: _Current) -> str:
    """Return the start as the content file writes it; an untouched start keeps its spec (relative or not)."""
    raw = text(form, "starts", limit=40)
    match = START_INPUT.match(raw)
    if match is None:
        if STARTS.match(raw) and raw.startswith("today"):
            return raw  # an example's relative date, written by hand ('today+14 18:00'); the schema checks it
        raise Invalid(BAD_START)
    spec = f"{match[1]} {match[2]}"
    if current.record is not None and spec == current.anchored:
        return current.record.starts
    try:
        moment = datetime.strptime(spec, LOCAL)
    except ValueError:
        raise Invalid(BAD_START) from None
    if not 2000 <= moment.year <= 2100:
        raise Invalid(BAD_START)
    return spec


def _body(form: Form, name: str) -> str:
    return text(form, name, limit=BODY_LIMIT).replace("\r\n", "\n")


def _translations(form: Form, current: EventFile | None) -> tuple[int, dict[str, Any]]:
    """Return the version and texts to save: a changed Swedish text is a new version (unless the edit is minor),
    so translations made from the old one become outdated; a translation an editor writes or checks is reviewed."""
    old = current.translations if current else {}
    version = current.version if current else 1
    title = text(form, f"title-{SOURCE_LANGUAGE}", limit=TITLE_LIMIT)
    body = _body(form, f"body-{SOURCE_LANGUAGE}")
    if not title:
        raise Invalid(N_("The Swedish title is required."))
    source = old.get(SOURCE_LANGUAGE)
    if source is not None and (source.title, source.body.strip()) == (title, body):
        texts: dict[str, Any] = {SOURCE_LANGUAGE: source.model_dump()}
    else:
        if source is not None and not checked(form, "minor"):
            version += 1
        texts = {SOURCE_LANGUAGE: {"status": "source", "title": title, "body": body}}
    for code in CODES:
        if code == SOURCE_LANGUAGE:
            continue
        title, body = text(form, f"title-{code}", limit=TITLE_LIMIT), _body(form, f"body-{code}")
        if not title and not body:
            continue  # never written, or emptied to remove it
        if not title:
            raise Invalid(N_("The {language} text needs a title."), language=BY_CODE[code].english_name)
        before = old.get(code)
        if (
            before is not None
            and (before.title, before.body.strip()) == (title, body)
            and not checked(form, f"reviewed-{code}")
        ):
            texts[code] = before.model_dump()  # untouched: keeps its status and the version it was made from
        else:
            texts[code] = {"status": "reviewed", "source_version": version, "title": title, "body": body}
    return version, texts


def _event_from_form(form: Form, *, slug: str, current: _Current, towns: set[str]) -> EventFile:
    """Read and check the whole form; the first problem is refused with a message."""
    starts = _starts(form, current)
    duration = whole_number(
        form,
        "duration_minutes",
        minimum=1,
        maximum=60 * 24 * 31,
        message=N_("The duration must be a whole number of minutes, above zero."),
    )
    capacity = whole_number(
        form,
        "capacity",
        minimum=0,
        maximum=1_000_000,
        message=N_("The number of seats must be a whole number, zero or more (leave it empty for no limit)."),
    )
    municipality = text(form, "municipality", limit=60) or None
    if municipality is not None and municipality not in towns:
        raise Invalid(N_("There is no municipality {slug}."), slug=municipality)
    languages = [code for code in form.getall("languages", []) if isinstance(code, str)]
    if any(code not in CODES for code in languages):
        raise Invalid(N_("Choose the languages spoken from the list."))
    status = text(form, "status", limit=20)
    if status not in STATUSES:
        raise Invalid(N_("Choose a publication status from the list."))
    version, translations = _translations(form, current.record)
    data = {
        "slug": slug,
        "example": checked(form, "example"),
        "municipality": municipality,
        "starts": starts,
        "duration_minutes": duration,
        "place": text(form, "place", limit=300),
        "capacity": capacity,
        "languages": [code for code in CODES if code in languages],
        "interpreter": checked(form, "interpreter"),
        "status": status,
        "registration_open": checked(form, "registration_open"),
        "version": version,
        "translations": translations,
    }
    record = validated(EventFile, data)
    assert isinstance(record, EventFile)
    return record


async def _form(
    request: web.Request,
    current: _Current,
    towns: list[Any],
    values: dict[str, Any],
    *,
    error: tuple[str, dict[str, str]] | None = None,
    status: int = 200,
) -> web.Response:
    record = current.record
    return await render(
        request,
        "events/form.html",
        {
            "record": record,
            "values": values,
            "towns": towns,
            "statuses": STATUSES,
            "status_labels": STATUS_LABELS,
            "text_labels": TEXT_LABELS,
            "languages": languages_for_forms(),
            "text_status": {code: str(status_of(record, code)) for code in CODES} if record else {},
            "error": error,
        },
        status=status,
    )


@routes.get("/events/new")
@allow(EDITING)
async def event_new(request: web.Request) -> web.StreamResponse:
    """Show the form for a new event."""
    current, towns = await _current(request, None)
    return await _form(request, current, towns, _values_of(current))


@routes.post("/events/new")
@allow(EDITING)
async def event_create(request: web.Request) -> web.StreamResponse:
    """Create an event from the form."""
    form = await request.post()
    current, towns = await _current(request, None)
    try:
        slug = slug_of_new(form)
        data = _event_from_form(form, slug=slug, current=current, towns={town.slug for town in towns})
        await save(request, EVENTS, data, actor=actor_of(request), note="created in the admin", revision=None)
    except Invalid as problem:
        return await _form(
            request, current, towns, _values_posted(form), error=(problem.message, problem.values), status=400
        )
    await flash(request, "Created the event {slug}.", slug=slug)
    raise redirect(f"/events/{slug}")


@routes.get("/events/{slug}")
@allow(EDITING)
async def event_edit(request: web.Request) -> web.StreamResponse:
    """Show an event's form."""
    current, towns = await _current(request, request.match_info["slug"])
    return await _form(request, current, towns, _values_of(current))


@routes.post("/events/{slug}")
@allow(EDITING)
async def event_save(request: web.Request) -> web.StreamResponse:
    """Save an event; a save based on an outdated revision is refused and the editor's input shown again."""
    slug = request.match_info["slug"]
    form = await request.post()
    current, towns = await _current(request, slug)
    values = _values_posted(form)
    try:
        data = _event_from_form(form, slug=slug, current=current, towns={town.slug for town in towns})
        result = await save(
            request, EVENTS, data, actor=actor_of(request), note="edited in the admin", revision=expected_revision(form)
        )
    except Invalid as problem:
        return await _form(request, current, towns, values, error=(problem.message, problem.values), status=400)
    except StaleEditError:
        values["revision"] = str(current.revision)  # saving again now is a deliberate choice, made knowing
        return await _form(request, current, towns, values, error=(STALE, {}), status=409)
    if result.changed:
        await flash(request, "Saved the event {slug}.", slug=slug)
    else:
        await flash(request, "Nothing changed in {slug}.", slug=slug)
    raise redirect(f"/events/{slug}")


async def _registrations(request: web.Request) -> dict[str, Any]:
    async with request.app[SERVICES].sessions() as session:
        event = await get_event(session=session, slug=request.match_info["slug"])
        if event is None:
            raise web.HTTPNotFound()
        rows = await list_registrations(session=session, event=event)
        count = await seats(session=session, event=event)
        title = await event_title(session=session, event=event, chain=(SOURCE_LANGUAGE, "en"))
    people = [
        {
            "pseudonym": user.pseudonym,
            "lang": user.lang or "",
            "language": BY_CODE[user.lang].english_name if user.lang in BY_CODE else "",
            "state": str(registration.status),
            "at": local(registration.created_at),
        }
        for registration, user in rows
    ]
    return {
        "event": event,
        "title": title,
        "starts": local(event.starts_at),
        "seats": count,
        "registered": [p for p in people if p["state"] == RegistrationStatus.REGISTERED],
        "waiting": [p for p in people if p["state"] == RegistrationStatus.WAITING],
    }


@routes.get("/events/{slug}/registrations")
@allow(EDITING)
async def registrations(request: web.Request) -> web.StreamResponse:
    """Show who has a seat and who waits, by pseudonym (never a chat id)."""
    return await render(request, "events/registrations.html", await _registrations(request))


@routes.get("/events/{slug}/registrations.csv")
@allow(EDITING)
async def registrations_csv(request: web.Request) -> web.StreamResponse:
    """Download the registrations as CSV: seats first, then the waiting list in its order."""
    found = await _registrations(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["pseudonym", "language", "state", "registered_at"])
    for person in [*found["registered"], *found["waiting"]]:
        writer.writerow([person["pseudonym"], person["lang"], person["state"], person["at"]])
    slug = found["event"].slug  # slugs are [a-z0-9-], safe in a header
    return web.Response(
        text=buffer.getvalue(),
        content_type="text/csv",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{slug}-registrations.csv"',
            "Cache-Control": "no-store",
        },
    )


async def _set_registration(request: web.Request, *, open_: bool) -> web.StreamResponse:
    slug = request.match_info["slug"]
    services = request.app[SERVICES]
    async with services.sessions() as session, session.begin():
        record = await EVENTS.read(session, slug)
        if record is None:
            raise web.HTTPNotFound()
        note = "registration opened" if open_ else "registration closed"
        updated = record.model_copy(update={"registration_open": open_})
        await save_record(EVENTS, session=session, data=updated, actor=actor_of(request), note=note)
    services.cache.changed()
    if open_:
        await flash(request, "Registration for {slug} is open.", slug=slug)
    else:
        await flash(request, "Registration for {slug} is closed.", slug=slug)
    raise redirect(f"/events/{slug}/registrations")


@routes.post("/events/{slug}/close")
@allow(EDITING)
async def registration_close(request: web.Request) -> web.StreamResponse:
    """Stop taking registrations (those already made stay)."""
    return await _set_registration(request, open_=False)


@routes.post("/events/{slug}/open")
@allow(EDITING)
async def registration_open(request: web.Request) -> web.StreamResponse:
    """Take registrations again."""
    return await _set_registration(request, open_=True)
