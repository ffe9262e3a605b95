"""Broadcasts: write an announcement in Swedish, choose who gets it, translate, preview, send or schedule, follow."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from aiohttp import web
from sqlmodel.ext.asyncio.session import AsyncSession

from admin.access import BROADCASTING, allow
from admin.render import SERVICES, SETTINGS, actor_of, flash, redirect, render
from admin.views.article_forms import provider_of
from admin.views.events import local
from admin.views.record_forms import Form, Invalid, checked, posted, text
from bot.outbox.messages import render_broadcast
from bot.render import split_message
from content.events_time import SWEDEN
from content.models import Audience, Broadcast, Event, Situation, TranslationStatus, utcnow
from content.quiet_hours import is_quiet, quiet_ends
from content.repository import broadcasts
from content.repository.events import event_title, get_event, upcoming_events
from content.repository.heartbeat import SENDER_GONE_AFTER, last_seen
from content.repository.places import list_municipalities, list_regions
from translations.catalogs import N_
from translations.languages import BY_CODE, CODES, LANGUAGES, SOURCE_LANGUAGE

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
TEXT_LIMIT = 3500  # leaves room in Telegram's 4,096 characters for the note and the buttons' sake
WHEN = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$")
AUDIENCE_LABELS = {
    Audience.EVERYONE: N_("Everyone who gets announcements"),
    Audience.REGION: N_("Followers of a municipality in a region"),
    Audience.MUNICIPALITY: N_("Followers of a municipality"),
    Audience.LANGUAGE: N_("People who use one language"),
    Audience.SITUATION: N_("People in one situation"),
    Audience.EVENT: N_("People registered for an event (or waiting)"),
}
STATUS_LABELS = {
    "draft": N_("Draft"),
    "scheduled": N_("Scheduled"),
    "sending": N_("Sending"),
    "paused": N_("Paused"),
    "done": N_("Sent"),
    "cancelled": N_("Cancelled"),
}
SITUATION_LABELS = {
    Situation.ASYLUM: N_("Seeking asylum"),
    Situation.PERMIT: N_("Residence permit"),
    Situation.PROTECTION: N_("Temporary protection"),
    Situation.QUOTA: N_("Quota refugee"),
    Situation.FAMILY: N_("Family member"),
    Situation.OTHER: N_("Other"),
}


async def _audience_name(session: AsyncSession, audience: Audience, value: str) -> str:
    """The chosen region, municipality, language, situation or event by its name (the slug if it is gone)."""
    if audience == Audience.REGION:
        region = next((r for r in await list_regions(session=session) if r.slug == value), None)
        return (region.name.get(SOURCE_LANGUAGE) or value) if region else value
    if audience == Audience.MUNICIPALITY:
        town = next((t for t in await list_municipalities(session=session) if t.slug == value), None)
        return town.name if town else value
    if audience == Audience.LANGUAGE:
        return BY_CODE[value].english_name if value in BY_CODE else value
    if audience == Audience.EVENT:
        event = await get_event(session=session, slug=value)
        return await event_title(session=session, event=event, chain=(SOURCE_LANGUAGE, "en")) if event else value
    return value


async def _choices(request: web.Request) -> dict[str, Any]:
    """What the audience and event fields offer."""
    async with request.app[SERVICES].sessions() as session:
        events = await upcoming_events(session=session)
        return {
            "regions": [(r.slug, r.name.get(SOURCE_LANGUAGE) or r.slug) for r in await list_regions(session=session)],
            "towns": [(t.slug, t.name) for t in await list_municipalities(session=session)],
            "events": [
                (e.slug, f"{local(e.starts_at)} · {await event_title(session=session, event=e, chain=('sv', 'en'))}")
                for e in events
            ],
            "audience_labels": AUDIENCE_LABELS,
            "situation_labels": SITUATION_LABELS,
            "languages": LANGUAGES,
        }


def _audience(form: Form, choices: dict[str, Any]) -> tuple[Audience, str]:
    raw = text(form, "audience", limit=20)
    if raw not in {a.value for a in Audience}:
        raise Invalid(N_("Choose who should get the announcement."))
    audience = Audience(raw)
    if audience == Audience.EVERYONE:
        return audience, ""
    value = text(form, f"audience-{audience.value}", limit=60)
    allowed = {
        Audience.REGION: {slug for slug, _ in choices["regions"]},
        Audience.MUNICIPALITY: {slug for slug, _ in choices["towns"]},
        Audience.LANGUAGE: set(CODES),
        Audience.SITUATION: {s.value for s in Situation},
        Audience.EVENT: {slug for slug, _ in choices["events"]},
    }[audience]
    if value not in allowed:
        raise Invalid(N_("Choose the region, municipality, language, situation or event from the list."))
    return audience, value


async def _read_form(request: web.Request, form: Form, choices: dict[str, Any]) -> dict[str, Any]:
    """Check the compose form; the first problem is refused with a message."""
    body = text(form, "text", limit=TEXT_LIMIT).replace("\r\n", "\n")
    if not body:
        raise Invalid(N_("Write the announcement in Swedish."))
    audience, value = _audience(form, choices)
    event_slug = text(form, "event", limit=60)
    event_id = None
    if event_slug:
        async with request.app[SERVICES].sessions() as session:
            event = await get_event(session=session, slug=event_slug)
        if event is None or event_slug not in {slug for slug, _ in choices["events"]}:
            raise Invalid(N_("Choose the event from the list (only upcoming events can be linked)."))
        event_id = event.id
    return {"text": body, "audience": audience, "audience_value": value, "event_id": event_id,
            "urgent": checked(form, "urgent")}  # fmt: skip


def _posted_values(form: Form) -> dict[str, Any]:
    return {
        "text": posted(form, "text"),
        "audience": posted(form, "audience") or Audience.EVERYONE.value,
        "audience_value": next(
            (posted(form, f"audience-{a.value}") for a in Audience if a.value == posted(form, "audience")), ""
        ),
        "event": posted(form, "event"),
        "urgent": checked(form, "urgent"),
    }


async def _sender(request: web.Request) -> dict[str, Any]:
    """Whether any process is sending the outbox: the sender beats every 15 s while it holds the sender lock."""
    async with request.app[SERVICES].sessions() as session:
        seen = await last_seen(session)
    alive = seen is not None and utcnow() - seen < SENDER_GONE_AFTER
    return {"sender_alive": alive, "sender_seen": local(seen) if seen else ""}


@routes.get("/broadcasts")
@allow(BROADCASTING)
async def broadcast_list(request: web.Request) -> web.StreamResponse:
    """Every broadcast, newest first, with where it stands."""
    async with request.app[SERVICES].sessions() as session:
        rows = []
        for broadcast in await broadcasts.list_broadcasts(session=session):
            texts = await broadcasts.broadcast_texts(session=session, broadcast=broadcast)
            rows.append(
                {
                    "broadcast": broadcast,
                    "audience": await _audience_name(session, broadcast.audience, broadcast.audience_value),
                    "text": texts[SOURCE_LANGUAGE].text if SOURCE_LANGUAGE in texts else "",
                    "progress": await broadcasts.progress(session=session, broadcast=broadcast),
                    "when": local(broadcast.scheduled_at) if broadcast.scheduled_at else "",
                }
            )
    return await render(
        request,
        "broadcasts/list.html",
        {
            "rows": rows,
            "status_labels": STATUS_LABELS,
            "audience_labels": AUDIENCE_LABELS,
            "situation_labels": SITUATION_LABELS,
            **await _sender(request),
        },
    )


@routes.get("/broadcasts/new")
@allow(BROADCASTING)
async def broadcast_new(request: web.Request) -> web.StreamResponse:
    """The compose form."""
    values = {"text": "", "audience": Audience.EVERYONE.value, "audience_value": "",
              "event": request.query.get("event", ""), "urgent": False}  # fmt: skip
    context = {"values": values, "error": None, **await _choices(request), **await _sender(request)}
    return await render(request, "broadcasts/new.html", context)


@routes.post("/broadcasts/new")
@allow(BROADCASTING)
async def broadcast_create(request: web.Request) -> web.StreamResponse:
    """Save a draft and go on to translations, preview and sending."""
    form = await request.post()
    choices = await _choices(request)
    try:
        fields = await _read_form(request, form, choices)
    except Invalid as problem:
        context = {"values": _posted_values(form), "error": (problem.message, problem.values), **choices}
        return await render(request, "broadcasts/new.html", context | await _sender(request), status=400)
    async with request.app[SERVICES].sessions() as session, session.begin():
        broadcast = await broadcasts.create_broadcast(session=session, author=actor_of(request), **fields)
    await flash(request, "Draft saved. Translate it, check the preview, then send it.")
    raise redirect(f"/broadcasts/{broadcast.id}")


async def _load(request: web.Request) -> Broadcast:
    async with request.app[SERVICES].sessions() as session:
        broadcast = await broadcasts.get_broadcast(
            session=session, broadcast_id=int(request.match_info["broadcast_id"])
        )
    if broadcast is None:
        raise web.HTTPNotFound()
    return broadcast


@routes.get(r"/broadcasts/{broadcast_id:\d+}")
@allow(BROADCASTING)
async def broadcast_page(request: web.Request) -> web.StreamResponse:
    """A draft (compose, translations, preview, send) or a sent broadcast (progress and report)."""
    return await _page(request, await _load(request))


async def _page(
    request: web.Request,
    broadcast: Broadcast,
    *,
    values: dict[str, Any] | None = None,
    error: tuple[str, dict[str, str]] | None = None,
    status: int = 200,
) -> web.Response:
    lang = request.query.get("lang", "")
    async with request.app[SERVICES].sessions() as session:
        texts = {
            code: row for code, row in (await broadcasts.broadcast_texts(session=session, broadcast=broadcast)).items()
        }
        reach = await broadcasts.audience_by_language(
            session=session, audience=broadcast.audience, value=broadcast.audience_value
        )
        if lang not in CODES:
            lang = max(reach, key=lambda code: reach[code]) if reach else SOURCE_LANGUAGE
        preview = await render_broadcast(session, broadcast, lang, texts=None)
        current = await broadcasts.progress(session=session, broadcast=broadcast)
        report = await broadcasts.failures(session=session, broadcast=broadcast)
        linked = await session.get(Event, broadcast.event_id) if broadcast.event_id else None
        audience = await _audience_name(session, broadcast.audience, broadcast.audience_value)
    editable = broadcast.status in broadcasts.EDITABLE
    settings = request.app[SETTINGS]
    now = utcnow()
    context = {
        "broadcast": broadcast,
        "texts": texts,
        "reach": reach,
        "reach_total": sum(reach.values()),
        "preview": preview,
        "preview_lang": BY_CODE[lang],
        "by_code": BY_CODE,
        "progress": current,
        "report": report,
        "editable": editable,
        "values": values or _values_of(broadcast, texts, linked.slug if linked else ""),
        "linked_event": linked,
        "audience": audience,
        "situation_labels": SITUATION_LABELS,
        "error": error,
        "status_labels": STATUS_LABELS,
        "eta": _eta(current.pending, settings.broadcast_rate),
        "held_by_quiet_hours": is_quiet(now) and not broadcast.urgent,
        "quiet_ends": local(quiet_ends(now)),
        "when": local(broadcast.scheduled_at) if broadcast.scheduled_at else "",
        "started": local(broadcast.started_at) if broadcast.started_at else "–",
        "finished": local(broadcast.finished_at) if broadcast.finished_at else "–",
        "machine_languages": [code for code in CODES if code != SOURCE_LANGUAGE],
        **(await _choices(request) if editable else {"audience_labels": AUDIENCE_LABELS, "languages": LANGUAGES}),
        **await _sender(request),
    }
    return await render(request, "broadcasts/page.html", context, status=status)


def _values_of(broadcast: Broadcast, texts: dict[str, Any], event: str) -> dict[str, Any]:
    return {
        "text": texts[SOURCE_LANGUAGE].text if SOURCE_LANGUAGE in texts else "",
        "audience": broadcast.audience,
        "audience_value": broadcast.audience_value,
        "event": event,
        "urgent": broadcast.urgent,
    }


def _eta(pending: int, rate: float) -> str:
    seconds = round(pending / rate) if rate else 0
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


@routes.get(r"/broadcasts/{broadcast_id:\d+}/progress")
@allow(BROADCASTING)
async def broadcast_progress(request: web.Request) -> web.StreamResponse:
    """Where a broadcast stands, as JSON, for the live progress bar."""
    broadcast = await _load(request)
    async with request.app[SERVICES].sessions() as session:
        current = await broadcasts.progress(session=session, broadcast=broadcast)
    return web.json_response(
        {
            "status": broadcast.status,
            "total": current.total,
            "sent": current.sent,
            "pending": current.pending,
            "failed": current.failed,
            "blocked": current.blocked,
            "cancelled": current.cancelled,
            "percent": current.percent,
            "eta": _eta(current.pending, request.app[SETTINGS].broadcast_rate),
            "sender_alive": (await _sender(request))["sender_alive"],
        },
        headers={"Cache-Control": "no-store"},
    )


@routes.post(r"/broadcasts/{broadcast_id:\d+}")
@allow(BROADCASTING)
async def broadcast_save(request: web.Request) -> web.StreamResponse:
    """Save the Swedish text, the audience and the translations of a draft."""
    broadcast = await _load(request)
    if broadcast.status not in broadcasts.EDITABLE:
        await flash(request, "This broadcast is already being sent and cannot be changed.", "error")
        raise redirect(f"/broadcasts/{broadcast.id}")
    form = await request.post()
    choices = await _choices(request)
    try:
        fields = await _read_form(request, form, choices)
        translations = {  # only the fields sent: a missing field changes nothing, an emptied one removes the text
            code: text(form, f"text-{code}", limit=TEXT_LIMIT).replace("\r\n", "\n")
            for code in CODES
            if f"text-{code}" in form
        }
    except Invalid as problem:
        return await _page(
            request, broadcast, values=_posted_values(form), error=(problem.message, problem.values), status=400
        )
    try:
        source_changed, had_translations = await _save(request, broadcast, fields, translations)
    except broadcasts.BroadcastError:
        await flash(request, "This broadcast is already being sent and cannot be changed.", "error")
        raise redirect(f"/broadcasts/{broadcast.id}") from None
    if source_changed and had_translations:
        await flash(request, "The Swedish text changed, so its translations were removed. Translate it again.", "info")
    else:
        await flash(request, "Saved.")
    raise redirect(f"/broadcasts/{broadcast.id}")


async def _save(
    request: web.Request, broadcast: Broadcast, fields: dict[str, Any], translations: dict[str, str]
) -> tuple[bool, bool]:
    """Save a draft's fields and translations; return whether the Swedish changed and translations existed."""
    async with request.app[SERVICES].sessions() as session, session.begin():
        stored = await session.get(Broadcast, broadcast.id, with_for_update=True)  # not while the sender starts it
        assert stored is not None
        rows = await broadcasts.broadcast_texts(session=session, broadcast=stored)
        before = {code: row.text for code, row in rows.items()}
        source_changed = before.get(SOURCE_LANGUAGE) != fields["text"]
        await broadcasts.update_broadcast(
            session=session, broadcast=stored, actor=actor_of(request), now=utcnow(), **fields
        )
        if not source_changed:  # translations of the old Swedish text were removed; keep what was typed otherwise
            for code, translated in translations.items():
                if code != SOURCE_LANGUAGE and translated != before.get(code, ""):
                    await broadcasts.set_text(
                        session=session, broadcast=stored, lang=code, text=translated, status=TranslationStatus.REVIEWED
                    )
    return source_changed, any(code != SOURCE_LANGUAGE for code in before)


@routes.post(r"/broadcasts/{broadcast_id:\d+}/translate")
@allow(BROADCASTING)
async def broadcast_translate(request: web.Request) -> web.StreamResponse:
    """Machine-translate the Swedish text into every language that has no translation yet (drafts to check)."""
    broadcast = await _load(request)
    if broadcast.status not in broadcasts.EDITABLE:
        raise redirect(f"/broadcasts/{broadcast.id}")
    provider = provider_of(request.app)
    async with request.app[SERVICES].sessions() as session:
        texts = await broadcasts.broadcast_texts(session=session, broadcast=broadcast)
    source = texts[SOURCE_LANGUAGE].text
    done: list[str] = []
    unreachable: list[str] = []
    failed: list[str] = []
    for code in CODES:
        if code == SOURCE_LANGUAGE or code in texts:
            continue
        name = BY_CODE[code].english_name
        if not provider.can_translate(SOURCE_LANGUAGE, code):
            unreachable.append(name)
            continue
        try:
            [draft] = await provider.translate([source], SOURCE_LANGUAGE, code)
        except Exception as error:  # one language failing must not stop the others
            log.warning("Machine translation of a broadcast into %s failed: %s", code, type(error).__name__)
            failed.append(name)
            continue
        try:
            async with request.app[SERVICES].sessions() as session, session.begin():
                stored = await session.get(Broadcast, broadcast.id, with_for_update=True)
                assert stored is not None
                await broadcasts.set_text(
                    session=session, broadcast=stored, lang=code, text=draft, status=TranslationStatus.MACHINE
                )
        except broadcasts.BroadcastError:  # it started meanwhile
            break
        done.append(name)
    await _report(request, done, unreachable, failed)
    raise redirect(f"/broadcasts/{broadcast.id}")


async def _report(request: web.Request, done: list[str], unreachable: list[str], failed: list[str]) -> None:
    """Tell the broadcaster what the machine translated, what it could not reach and what failed."""
    if done:
        await flash(
            request, "Machine-translated into {languages}. A person should check it.", languages=", ".join(done)
        )
    if unreachable:
        await flash(
            request, "No machine translation is installed for {languages}.", "info", languages=", ".join(unreachable)
        )
    if failed:
        await flash(request, "Machine translation failed for {languages}.", "error", languages=", ".join(failed))
    if not (done or unreachable or failed):
        await flash(request, "Every language already has a text.", "info")


def _when(form: Form) -> datetime | None:
    raw = text(form, "at", limit=40)
    if not raw:
        return None
    match = WHEN.match(raw)
    if match is None:
        raise Invalid(N_("Write the time as a date and time, for example 2026-12-01 09:00."))
    try:
        moment = datetime.strptime(f"{match[1]} {match[2]}", "%Y-%m-%d %H:%M").replace(tzinfo=SWEDEN)
    except ValueError:
        raise Invalid(N_("Write the time as a date and time, for example 2026-12-01 09:00.")) from None
    if moment <= utcnow():
        raise Invalid(N_("That time has passed. Choose a later time, or send now."))
    return moment


@routes.post(r"/broadcasts/{broadcast_id:\d+}/send")
@allow(BROADCASTING)
async def broadcast_send(request: web.Request) -> web.StreamResponse:
    """Send now (one delivery per person in the audience, created at once) or at a time (the sender starts it)."""
    broadcast = await _load(request)
    if broadcast.status not in broadcasts.EDITABLE:
        raise redirect(f"/broadcasts/{broadcast.id}")
    form = await request.post()
    try:
        at = _when(form) if posted(form, "action") == "schedule" else None
        if posted(form, "action") == "schedule" and at is None:
            raise Invalid(N_("Choose when to send it."))
        async with request.app[SERVICES].sessions() as session:
            reach = await broadcasts.audience_by_language(
                session=session, audience=broadcast.audience, value=broadcast.audience_value
            )
            if not reach:
                raise Invalid(N_("Nobody is in this audience yet, so there is no one to send it to."))
            for code in reach:  # every recipient's message must fit in one Telegram message
                message = await render_broadcast(session, broadcast, code, texts=None)
                if message is None or len(split_message(message.text)) > 1:
                    raise Invalid(N_("The {language} text is too long for one Telegram message. Shorten it."),
                                  language=BY_CODE[code].english_name)  # fmt: skip
    except Invalid as problem:
        return await _page(request, broadcast, error=(problem.message, problem.values), status=400)
    try:
        await _send(request, broadcast, at)
    except broadcasts.BroadcastError:  # a second click, or the sender started it meanwhile
        await flash(request, "That is not possible any more: the broadcast has moved on.", "error")
        raise redirect(f"/broadcasts/{broadcast.id}") from None
    if at is None:
        await flash(request, "Sending has started.")
    else:
        await flash(request, "Scheduled for {time} (Swedish time).", time=local(at))
    raise redirect(f"/broadcasts/{broadcast.id}")


async def _send(request: web.Request, broadcast: Broadcast, at: datetime | None) -> None:
    async with request.app[SERVICES].sessions() as session, session.begin():
        stored = await session.get(Broadcast, broadcast.id, with_for_update=True)
        assert stored is not None
        if at is None:
            await broadcasts.start_now(session=session, broadcast=stored, actor=actor_of(request), now=utcnow())
        else:
            await broadcasts.schedule(session=session, broadcast=stored, at=at, actor=actor_of(request), now=utcnow())


async def _control(request: web.Request, action: str) -> web.StreamResponse:
    broadcast = await _load(request)
    change = {"pause": broadcasts.pause, "resume": broadcasts.resume, "cancel": broadcasts.cancel}[action]
    try:
        async with request.app[SERVICES].sessions() as session, session.begin():
            stored = await session.get(Broadcast, broadcast.id, with_for_update=True)
            assert stored is not None
            await change(session=session, broadcast=stored, actor=actor_of(request), now=utcnow())
    except broadcasts.BroadcastError:
        await flash(request, "That is not possible any more: the broadcast has moved on.", "error")
    else:
        messages = {"pause": N_("Paused."), "resume": N_("Sending again."), "cancel": N_("Cancelled.")}
        await flash(request, messages[action])
    raise redirect(f"/broadcasts/{broadcast.id}")


@routes.post(r"/broadcasts/{broadcast_id:\d+}/pause")
@allow(BROADCASTING)
async def broadcast_pause(request: web.Request) -> web.StreamResponse:
    """Stop sending for now (what is already under way still arrives)."""
    return await _control(request, "pause")


@routes.post(r"/broadcasts/{broadcast_id:\d+}/resume")
@allow(BROADCASTING)
async def broadcast_resume(request: web.Request) -> web.StreamResponse:
    """Go on sending a paused broadcast."""
    return await _control(request, "resume")


@routes.post(r"/broadcasts/{broadcast_id:\d+}/cancel")
@allow(BROADCASTING)
async def broadcast_cancel(request: web.Request) -> web.StreamResponse:
    """Stop for good; nobody else gets it."""
    return await _control(request, "cancel")
