"""Settings, /mydata and /forget."""

from __future__ import annotations

from bot.context import Context
from bot.render import html
from bot.reply import Button, Notice, Reply
from bot.routes import route
from bot.screens.common import day, language_name, nav, stale, town_name
from bot.screens.events import seat_freed
from bot.screens.home import SITUATIONS
from content.models import Event
from content.repository.articles import published_titles
from content.repository.people import follows, forget_user, personal_data, update_user
from content.repository.places import list_municipalities
from content.repository.registrations import fill_free_seats


async def settings(ctx: Context) -> Reply:
    """Language, situation, followed municipalities, announcements, my data, forget me."""
    followed = [
        *await follows(session=ctx.session, user=ctx.user),
        *await follows(session=ctx.session, user=ctx.user, kind="topic"),
    ]
    announcements = ctx.user.announcements
    buttons = [
        [Button("🌍 " + ctx._("Language: {language}", language=language_name(ctx.lang)), route("lang"))],
        [Button("🧭 " + ctx._("My situation"), route("sit", "0"))],
        [Button("🔔 " + ctx._("What I follow ({count})", count=len(followed)), route("fols"))],
        [
            Button(
                ("✅ " if announcements else "⬜ ") + ctx._("Announcements"),
                route("ann", 0 if announcements else 1),
            )
        ],
        [Button("🗂 " + ctx._("My data"), route("mydata")), Button("🗑 " + ctx._("Delete my data"), route("forget"))],
        nav(ctx, "home"),
    ]
    return Reply("⚙️ <b>" + html(ctx._("Settings")) + "</b>", buttons)


async def followed(ctx: Context) -> Reply:
    """The municipalities and topics a person follows, each with a way to stop."""
    slugs = await follows(session=ctx.session, user=ctx.user)
    topics = await follows(session=ctx.session, user=ctx.user, kind="topic")
    names = {town.slug: town_name(ctx, town) for town in await list_municipalities(session=ctx.session)}
    titles = {slug: title for slug, title, _ in await published_titles(session=ctx.session, chain=ctx.chain)}
    buttons = [[Button("🔕 " + names[slug], route("fol", slug, 0))] for slug in slugs if slug in names]
    buttons += [[Button("🔕 " + titles[slug], route("tfol", slug, 0))] for slug in topics if slug in titles]
    buttons.append([Button("🏘 " + ctx._("Find municipalities to follow"), route("regions"))])
    buttons.append(nav(ctx, "set"))
    if slugs or topics:
        text = html(ctx._("Tap a municipality or topic to stop following it."))
    else:
        text = html(ctx._("You do not follow any municipality or topic yet."))
    return Reply(text, buttons)


async def announcements(ctx: Context, on: str) -> Reply:
    """Turn announcements on or off."""
    if on not in ("0", "1"):
        return stale(ctx)
    await update_user(session=ctx.session, user=ctx.user, announcements=on == "1")
    return await settings(ctx)


async def mydata(ctx: Context) -> Reply:
    """Everything stored about the person."""
    data = await personal_data(session=ctx.session, user=ctx.user)
    names = {town.slug: town_name(ctx, town) for town in await list_municipalities(session=ctx.session)}
    situation = next((label for code, (value, label) in SITUATIONS.items() if value == data.situation), None)
    lines = [
        "🗂 <b>" + html(ctx._("Everything stored about you")) + "</b>",
        html(ctx._("Pseudonym: {pseudonym}", pseudonym=data.pseudonym)),
        html(ctx._("Language: {language}", language=language_name(data.lang or "en"))),
        html(
            ctx._(
                "Language the bot offered to switch to: {language}",
                language=language_name(data.offered_lang) if data.offered_lang else "–",
            )
        ),
        html(ctx._("Situation: {situation}", situation=ctx._(situation) if situation else "–")),
        html(ctx._("Announcements: {state}", state=ctx._("on") if data.announcements else ctx._("off"))),
        html(ctx._("Following: {places}", places=", ".join(names.get(s, s) for s in data.follows) or "–")),
        html(ctx._("Topics: {topics}", topics=", ".join(data.topics) or "–")),
        html(ctx._("Event registrations: {count}", count=len(data.registrations))),
        html(ctx._("Conversations with staff: {count}", count=data.questions)),
        html(ctx._("First contact: {date}", date=day(ctx, data.created))),
        html(
            ctx._(
                "Last used: {date}. Everything about you is deleted after {days} days without use.",
                date=day(ctx, data.last_seen or data.created),
                days=ctx.inbox.inactive_days,
            )
        ),
        html(
            ctx._("Your Telegram chat number is stored so that the bot can answer you. Your messages are not stored.")
        ),
        html(ctx._("Only questions you chose to send to staff are stored, until they are deleted.")),
    ]
    return Reply("\n".join(lines), [[Button("🗑 " + ctx._("Delete my data"), route("forget"))], nav(ctx, "set")])


def forget_confirm(ctx: Context) -> Reply:
    """Ask before deleting everything."""
    text = html(
        ctx._(
            "Delete everything stored about you? Your settings, follows and event registrations will be "
            "deleted at once. This cannot be undone."
        )
    )
    return Reply(
        text,
        [[Button("🗑 " + ctx._("Yes, delete everything"), route("forget", "yes"))], [Button(ctx._("No"), route("set"))]],
    )


async def forget(ctx: Context) -> Reply:
    """Delete the person; anyone waiting for a seat they held moves up."""
    event_ids = await forget_user(session=ctx.session, user=ctx.user)
    notices = []
    for event_id in event_ids:
        event = await ctx.session.get(Event, event_id)
        promoted = await fill_free_seats(session=ctx.session, event=event) if event else None
        if event is not None and promoted is not None and promoted.active:
            notices.append(Notice(promoted.chat_id, await seat_freed(ctx, promoted.lang or "en", event.slug)))
    text = html(ctx._("Everything stored about you has been deleted. Send /start if you want to use the bot again."))
    return Reply(text, [], notices)
