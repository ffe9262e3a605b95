"""Work (occupations and where they are in demand) and introduction (topics and "my path")."""

from __future__ import annotations

from bot.context import Context
from bot.render import html
from bot.reply import Button, Reply
from bot.routes import route
from bot.screens.articles import article, article_list
from bot.screens.common import example_label, name_in, nav, stale, town_name
from bot.screens.home import SITUATIONS
from content.models import ArticleKind, Situation
from content.repository.occupations import get_occupation_file, list_occupations
from content.repository.places import list_municipalities, list_regions
from translations.catalogs import N_

WORK_TOPICS = ["validering", "jobbsok", "starta-foretag"]
PLATSBANKEN = "https://arbetsformedlingen.se/platsbanken/"  # Arbetsförmedlingen's job ads (docs/open-data-sources.md)
NO_OFFICIAL_FIGURES = N_(
    "Official figures are not here yet. Today's job ads are on Platsbanken, Arbetsförmedlingen's job site."
)
LEVELS = {"high": N_("Great demand"), "medium": N_("Some demand"), "low": N_("Little demand")}


async def work(ctx: Context) -> Reply:
    """Choose an occupation; or read about credentials, job seeking and starting a business."""
    buttons = [
        [Button(name_in(ctx, occupation.name), route("o", occupation.slug))]
        for occupation in await list_occupations(session=ctx.session)
    ]
    topics = [
        ("validering", ctx._("Get my education recognised")),
        ("jobbsok", ctx._("Looking for a job")),
        ("starta-foretag", ctx._("Start a business")),
    ]
    buttons += [[Button("📄 " + label, route("a", slug))] for slug, label in topics]
    buttons.append(nav(ctx, "home"))
    text = (
        "💼 <b>" + html(ctx._("Work")) + "</b>\n\n" + html(ctx._("Choose your occupation to see where it is needed."))
    )
    return Reply(text, buttons)


async def occupation(ctx: Context, slug: str) -> Reply:
    """Where an occupation is in demand (example data says so), and the way to working in it."""
    found = await get_occupation_file(session=ctx.session, slug=slug)
    if found is None:
        return stale(ctx)
    all_towns = await ctx.cached("towns", lambda: list_municipalities(session=ctx.session))
    towns = {town.slug: town_name(ctx, town) for town in all_towns}
    regions = {
        region.slug: name_in(ctx, region.name)
        for region in await ctx.cached("regions", lambda: list_regions(session=ctx.session))
    }
    lines = [f"💼 <b>{html(name_in(ctx, found.name))}</b>", html(ctx._("Where this occupation is needed:"))]
    buttons = []
    for demand in found.demand:
        place = towns.get(demand.municipality or "") or regions.get(demand.region or "", "")
        line = f"• {html(place)}: {html(ctx._(LEVELS[demand.level]))}"
        if demand.example:
            line += " <i>(" + html(ctx._("example data")) + ")</i>"
        lines.append(line)
        if demand.municipality:
            label = f"{example_label(ctx)} 🏘 {place}" if demand.example else f"🏘 {place}"
            buttons.append([Button(label, route("m", demand.municipality))])
    if not found.demand:
        lines.append(html(ctx._("No information yet.")))
    if any(demand.example for demand in found.demand):
        lines.append("\n<i>" + html(ctx._("Example data is not real information about demand.")) + "</i>")
    if all(demand.example for demand in found.demand):  # no official figure yet: say where the real ones are
        lines.append(html(ctx._(NO_OFFICIAL_FIGURES)))
        buttons.append([Button("🔎 " + ctx._("Job ads on Platsbanken"), url=PLATSBANKEN)])
    buttons += [[Button("📄 " + ctx._("Get my education recognised"), route("a", "validering"))]]
    buttons.append(nav(ctx, "work"))
    return Reply("\n".join(lines), buttons)


async def introduction(ctx: Context) -> Reply:
    """The introduction topics, and my path."""
    listing = await article_list(ctx, ArticleKind.INTRODUCTION, "📚 " + ctx._("Introduction & Swedish"))
    buttons = [[Button("🧭 " + ctx._("My path: step by step"), route("path"))], *listing.buttons]
    stories = await article_list(ctx, ArticleKind.STORY, "")
    buttons[-1:-1] = stories.buttons[:-1]
    return Reply(listing.text, buttons)


# Each situation's step-by-step plan ("my path"), an article of kind path; labelled as the situation question is.
PATHS = {
    Situation.ASYLUM: "min-vag-asyl",
    Situation.PERMIT: "min-vag-uppehallstillstand",
    Situation.PROTECTION: "min-vag-tillfalligt-skydd",
    Situation.QUOTA: "min-vag-kvotflykting",
    Situation.FAMILY: "min-vag-anhorig",
}
SITUATION_LABELS = {situation: label for situation, label in SITUATIONS.values()}


async def path(ctx: Context, which: str = "") -> Reply:
    """The person's step-by-step plan: for their situation, or the one they pick; a choice when neither is known."""
    situation = next((s for s in PATHS if s.value == which), None)
    if which and situation is None:
        return stale(ctx)
    if situation is None and ctx.user.situation in PATHS:
        situation = Situation(ctx.user.situation)
    if situation is None:
        return path_choice(ctx)
    plan = await article(ctx, PATHS[situation])
    buttons = [row for row in plan.buttons if not _is_nav(ctx, row)]
    buttons.append([Button("🧭 " + ctx._("Another situation"), route("paths"))])
    buttons.append(nav(ctx, "intro"))
    return Reply("🧭 " + plan.text, buttons)


def path_choice(ctx: Context) -> Reply:
    """Which situation's plan to show."""
    buttons = [[Button(ctx._(SITUATION_LABELS[situation]), route("path", situation.value))] for situation in PATHS]
    if not ctx.user.situation:
        buttons.append([Button(ctx._("Tell the bot your situation"), route("sit", "0"))])
    buttons.append(nav(ctx, "intro"))
    text = "🧭 <b>" + html(ctx._("My path: step by step")) + "</b>\n\n" + html(ctx._("Which describes you?"))
    return Reply(text, buttons)


def _is_nav(ctx: Context, row: list[Button]) -> bool:
    return any(button.data == route("home") for button in row)
