"""Upcoming events, an event card, registering and cancelling (with a waiting list)."""

from __future__ import annotations

from bot.context import Context
from bot.outbox import messages as outbox_messages
from bot.render import html, markdown_to_html, rtl_html
from bot.reply import Button, Notice, Reply
from bot.routes import route
from bot.screens.common import example_label, language_name, nav, stale, translation_notes, when
from content.models import Event, Registration, RegistrationStatus
from content.repository.events import (
    event_texts,
    event_title,
    events_of_followed,
    get_event,
    upcoming_events,
)
from content.repository.people import follows
from content.repository.places import list_municipalities
from content.repository.registrations import Outcome, Seats, cancel, register, registration_of, seats
from translations.languages import BY_CODE


async def events(ctx: Context, which: str = "all") -> Reply:
    """Upcoming events: all, or those of the municipalities the person follows."""
    if which == "mine":
        followed = await follows(session=ctx.session, user=ctx.user)
        found = await events_of_followed(session=ctx.session, municipalities=followed, now=ctx.now)
    else:
        found = await upcoming_events(session=ctx.session, now=ctx.now)
    names = {town.id: town.name for town in await list_municipalities(session=ctx.session)}  # short: a button
    buttons = []
    for event in found[:20]:
        title = await event_title(session=ctx.session, event=event, chain=ctx.chain)
        place = names.get(event.municipality_id, "")
        label = f"{when(ctx, event.starts_at)} · {place} · {title}"
        if event.example:
            label = f"{example_label(ctx)} {label}"
        buttons.append([Button(label[:64], route("e", event.slug))])
    switch = ("mine", ctx._("Only municipalities I follow")) if which != "mine" else ("all", ctx._("All events"))
    buttons.append([Button(switch[1], route("ev", switch[0]))])
    buttons.append(nav(ctx, "home"))
    if found:
        text = "📅 <b>" + html(ctx._("Upcoming events")) + "</b>"
    elif which == "mine":
        text = html(ctx._("No upcoming events in the municipalities you follow."))
    else:
        text = html(ctx._("There are no upcoming events right now."))
    return Reply(text, buttons)


async def event_card(ctx: Context, slug: str, note: str = "") -> Reply:
    """When, where, in which languages, seats left, and register or cancel."""
    event = await get_event(session=ctx.session, slug=slug)
    if event is None or event.status != "published":
        return stale(ctx)
    texts = await event_texts(session=ctx.session, event=event)
    text = next((texts[code] for code in ctx.chain if code in texts), None)
    if text is None:
        return stale(ctx)
    current = await seats(session=ctx.session, event=event)
    mine = await registration_of(session=ctx.session, event=event, user=ctx.user)
    lines = [f"<i>{html(note)}</i>\n"] if note else []
    rtl = BY_CODE[text.lang].rtl if text.lang in BY_CODE else False
    lines.append(f"📅 <b>{rtl_html(text.title, rtl)}</b>")
    outdated = text.source_version is not None and text.source_version < event.version
    lines += translation_notes(ctx, text.lang, text.status, text.translated_by, outdated)
    lines += _details(ctx, event, current, mine)
    if text.body:
        lines.append("\n" + markdown_to_html(text.body, rtl=rtl))
    buttons = []
    if mine is not None:
        buttons.append([Button("❌ " + ctx._("Cancel my registration"), route("unreg", event.slug))])
    elif event.registration_open and event.starts_at > ctx.now:
        label = ctx._("Register") if current.left != 0 else ctx._("Join the waiting list")
        buttons.append([Button("✍️ " + label, route("reg", event.slug))])
    else:
        lines.append(html(ctx._("Registration is closed.")))
    buttons.append(nav(ctx, "ev"))
    return Reply("\n".join(lines), buttons)


def _details(ctx: Context, event: Event, current: Seats, mine: Registration | None) -> list[str]:
    lines = []
    if event.example:
        lines.append("<i>" + html(ctx._("Example content: not real information.")) + "</i>")
    lines.append("🕒 " + html(when(ctx, event.starts_at)))
    if event.place:
        lines.append("📍 " + html(event.place))
    spoken = ", ".join(language_name(code) for code in event.languages)
    if spoken:
        lines.append("🗣 " + html(ctx._("Languages: {languages}", languages=spoken)))
    if event.interpreter:
        lines.append("🗣 " + html(ctx._("An interpreter is available.")))
    if current.left is not None:
        lines.append("🪑 " + html(ctx.t.ngettext("{count} seat left", "{count} seats left", current.left)))
    if mine is not None:
        registered = mine.status == RegistrationStatus.REGISTERED
        status = ctx._("You are registered.") if registered else ctx._("You are on the waiting list.")
        lines.append("✅ " + html(status))
    return lines


async def register_screen(ctx: Context, slug: str) -> Reply:
    """Register for an event, or join its waiting list when it is full."""
    event = await get_event(session=ctx.session, slug=slug)
    if event is None:
        return stale(ctx)
    outcome = await register(session=ctx.session, event_id=event.id or 0, user=ctx.user)
    notes = {
        Outcome.REGISTERED: ctx._("You are registered. You will get a reminder the day before."),
        Outcome.WAITING: ctx._(
            "The event is full. You are on the waiting list and will get a message if a seat becomes free."
        ),
        Outcome.ALREADY: ctx._("You were already registered."),
        Outcome.CLOSED: ctx._("Registration for this event is closed."),
    }
    return await event_card(ctx, slug, note=notes[outcome])


async def cancel_screen(ctx: Context, slug: str) -> Reply:
    """Cancel a registration; the first person waiting gets the seat and a message."""
    event = await get_event(session=ctx.session, slug=slug)
    if event is None:
        return stale(ctx)
    promoted = await cancel(session=ctx.session, event_id=event.id or 0, user=ctx.user)
    card = await event_card(ctx, slug, note=ctx._("Your registration is cancelled."))
    notices = []
    if promoted is not None and promoted.active:
        notices.append(Notice(promoted.chat_id, await seat_freed(ctx, promoted.lang or "en", slug)))
    return Reply(card.text, card.buttons, notices)


async def seat_freed(ctx: Context, lang: str, slug: str) -> Reply:
    """The message to someone who moved up from the waiting list, in their own language."""
    event = await get_event(session=ctx.session, slug=slug)
    return await outbox_messages.seat_freed(ctx.session, event, slug, lang, opens="e")
