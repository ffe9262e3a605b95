"""Regions, municipality cards, comparing two municipalities, following one."""

from __future__ import annotations

from bot.context import Context
from bot.render import html
from bot.reply import Button, Reply
from bot.routes import route
from bot.screens.common import babel_locale, example_label, name_in, nav, stale, town_name, when
from content.models import Event, KeyFigure, Municipality, Region
from content.repository.articles import published_titles
from content.repository.events import event_title, upcoming_events
from content.repository.people import follows, set_follow
from content.repository.places import list_municipalities, list_regions
from translations.catalogs import N_

# The sections of a municipality card, in the order the municipalities' own project descriptions weigh them.
SECTION_ORDER = ["overview", "work", "introduction", "housing", "contacts", "associations", "travel"]
SECTION_LABELS = {
    "overview": N_("Overview"),
    "work": N_("Labour market"),
    "introduction": N_("Introduction and SFI"),
    "housing": N_("Housing"),
    "contacts": N_("Reception and contact"),
    "associations": N_("Associations"),
    "travel": N_("Getting there"),
}
KEY_FIGURE_LABELS = {
    "N01951": N_("Inhabitants: {value}"),
    "N02926": N_("Born abroad: {value}"),
    "N03937": N_("Unemployed, of the working-age population: {value}"),
}
KEY_FIGURE_ICONS = {"N01951": "👥", "N02926": "🌍", "N03937": "📉"}
SECTION_ICONS = {
    "overview": "ℹ️",
    "work": "💼",
    "introduction": "📚",
    "housing": "🏠",
    "contacts": "☎️",
    "associations": "🤝",
    "travel": "🚆",
}


async def regions(ctx: Context) -> Reply:
    """Choose a region."""
    buttons = [[Button(name_in(ctx, region.name), route("r", region.slug))] for region in await _regions(ctx)]
    buttons.append(nav(ctx, "home"))
    return Reply("🏘 <b>" + html(ctx._("Choose a region")) + "</b>", buttons)


async def region(ctx: Context, slug: str) -> Reply:
    """The municipalities of a region."""
    towns = await ctx.cached(("towns", slug), lambda: list_municipalities(session=ctx.session, region=slug))
    if not towns:
        return stale(ctx)
    buttons = [[Button(town_name(ctx, town), route("m", town.slug))] for town in towns]
    buttons.append(nav(ctx, "regions"))
    return Reply("🏘 <b>" + html(ctx._("Choose a municipality")) + "</b>", buttons)


async def municipality(ctx: Context, slug: str) -> Reply:
    """A municipality card: what is known about it, its upcoming events, follow and compare."""
    town = await _town(ctx, slug)
    if town is None:
        return stale(ctx)
    sections = await _sections(ctx, slug)
    sections.sort(key=lambda item: SECTION_ORDER.index(item[2]) if item[2] in SECTION_ORDER else 99)
    lines = [f"🏘 <b>{html(town_name(ctx, town))}</b>"]
    if town.county:
        lines.append(html(town.county))
    if town.website:
        lines.append(f'🌐 <a href="{html(town.website)}">{html(town.website)}</a>')
    lines += await key_figure_lines(ctx, town)
    events = [event for event in await _events(ctx, slug) if event.starts_at >= ctx.now][:3]
    if events:
        lines.append("\n📅 <b>" + html(ctx._("Upcoming events")) + "</b>")
    if not sections:
        lines.append("\n" + html(ctx._("There is no information about this municipality yet.")))
    buttons = [
        [Button(_section_label(ctx, section, title), route("a", article_slug))]
        for article_slug, title, section in sections
    ]
    for event in events:
        title = await _event_title(ctx, event)
        label = f"📅 {when(ctx, event.starts_at)} – {title}"
        if event.example:
            label = f"{example_label(ctx)} {label}"
        buttons.append([Button(label[:64], route("e", event.slug))])
    following = slug in await follows(session=ctx.session, user=ctx.user)
    follow_label = "🔕 " + ctx._("Stop following") if following else "🔔 " + ctx._("Follow")
    buttons.append(
        [
            Button(follow_label, route("fol", slug, 0 if following else 1)),
            Button("⚖️ " + ctx._("Compare"), route("cmp", slug)),
        ]
    )
    region_slug = await _region_slug(ctx, town)
    buttons.append(nav(ctx, f"r:{region_slug}" if region_slug else "regions"))
    return Reply("\n".join(lines), buttons)


def _section_label(ctx: Context, section: str | None, title: str) -> str:
    label = SECTION_LABELS.get(section or "")
    return f"{SECTION_ICONS.get(section or '', '📄')} {ctx._(label)}" if label else title


async def _regions(ctx: Context) -> list[Region]:
    return await ctx.cached("regions", lambda: list_regions(session=ctx.session))


async def _all_towns(ctx: Context) -> list[Municipality]:
    return await ctx.cached("towns", lambda: list_municipalities(session=ctx.session))


async def _town(ctx: Context, slug: str) -> Municipality | None:
    return next((town for town in await _all_towns(ctx) if town.slug == slug), None)


async def _sections(ctx: Context, slug: str) -> list[tuple[str, str, str | None]]:
    return await ctx.cached(
        ("sections", slug, ctx.chain),
        lambda: published_titles(session=ctx.session, chain=ctx.chain, municipality=slug),
    )


async def _events(ctx: Context, slug: str) -> list[Event]:
    # Upcoming as of the content change; each reader filters by their own "now".
    return await ctx.cached(("events", slug), lambda: upcoming_events(session=ctx.session, municipality=slug))


async def _event_title(ctx: Context, event: Event) -> str:
    return await ctx.cached(
        ("event-title", event.slug, ctx.chain), lambda: event_title(session=ctx.session, event=event, chain=ctx.chain)
    )


async def _region_slug(ctx: Context, town: Municipality) -> str | None:
    for candidate in await _regions(ctx):
        if candidate.id == town.region_id:
            return candidate.slug
    return None


async def follow(ctx: Context, slug: str, on: str) -> Reply:
    """Follow or stop following a municipality, then show its card again."""
    if on not in ("0", "1") or await _town(ctx, slug) is None:
        return stale(ctx)
    await set_follow(session=ctx.session, user=ctx.user, slug=slug, on=on == "1")
    card = await municipality(ctx, slug)
    note = (
        ctx._("You now follow this municipality: you will hear about its events.")
        if on == "1"
        else ctx._("You no longer follow this municipality.")
    )
    return Reply(f"<i>{html(note)}</i>\n\n{card.text}", card.buttons)


async def compare_pick(ctx: Context, slug: str) -> Reply:
    """Choose the municipality to compare with."""
    first = await _town(ctx, slug)
    if first is None:
        return stale(ctx)
    others = [town for town in await _all_towns(ctx) if town.slug != slug]
    buttons = [[Button(town_name(ctx, town), route("vs", first.id or 0, town.id or 0))] for town in others]
    buttons.append(nav(ctx, f"m:{slug}"))
    text = "⚖️ " + html(ctx._("Compare {name} with:", name=town_name(ctx, first)))
    return Reply(text, buttons)


async def compare(ctx: Context, first_id: str, second_id: str) -> Reply:
    """Two municipalities side by side: region, county, what is published about each, upcoming events."""
    towns = []
    for raw in (first_id, second_id):
        town = next((t for t in await _all_towns(ctx) if raw.isdigit() and t.id == int(raw)), None)
        if town is None:
            return stale(ctx)
        towns.append(town)
    blocks = []
    figures_shown = False
    for town in towns:
        sections = await _sections(ctx, town.slug)
        figures = await key_figure_lines(ctx, town, with_source=False)
        figures_shown = figures_shown or bool(figures)
        events = [event for event in await _events(ctx, town.slug) if event.starts_at >= ctx.now]
        known = ", ".join(ctx._(SECTION_LABELS.get(s or "", "")) for _, _, s in sections if s) or "–"
        blocks.append(
            "\n".join(
                [
                    f"🏘 <b>{html(town_name(ctx, town))}</b>",
                    html(town.county or ""),
                    *figures,
                    html(ctx._("Information: {sections}", sections=known)),
                    html(ctx.t.ngettext("{count} upcoming event", "{count} upcoming events", len(events))),
                ]
            )
        )
    buttons = [[Button(town_name(ctx, town), route("m", town.slug)) for town in towns], nav(ctx, f"m:{towns[0].slug}")]
    if figures_shown:
        blocks.append("<i>" + html(ctx._("Source of the key figures: Kolada (RKA).")) + "</i>")
    return Reply("⚖️ " + "\n\n".join(blocks), buttons)


async def key_figure_lines(ctx: Context, town: Municipality, *, with_source: bool = True) -> list[str]:
    """The municipality's key figures from Kolada, the newest year of each, with the year and the source."""
    # Imported here: a service that shows no card carries no open-data code (docs/bot.md, Performance).
    from content.opendata.kolada import KEY_FIGURES
    from content.repository.opendata import key_figures

    newest: dict[str, KeyFigure] = {}
    for row in await key_figures(ctx.session, town.id or 0):
        newest.setdefault(row.kpi, row)  # newest year first
    if not newest:
        return []
    from babel.numbers import format_decimal  # only once key figures are imported: not in every service

    lines = []
    locale = babel_locale(ctx.lang)
    for kind in KEY_FIGURES:
        figure = newest.get(kind.kpi)
        if figure is None:
            continue
        if kind.unit == "percent":
            value = format_decimal(figure.value, format="#,##0.0", locale=locale) + " %"
        else:
            value = format_decimal(round(figure.value), locale=locale)
        label = ctx._(KEY_FIGURE_LABELS[kind.kpi], value=value)
        lines.append(f"{KEY_FIGURE_ICONS[kind.kpi]} {html(label)} ({figure.year})")
    if lines and with_source:
        lines.append("<i>" + html(ctx._("Source of the key figures: Kolada (RKA).")) + "</i>")
    return lines
