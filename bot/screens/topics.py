"""Work (occupations and where they are in demand) and introduction (topics and "my path")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.context import Context
from bot.render import html
from bot.reply import Button, Reply
from bot.routes import route
from bot.screens.articles import article, article_list
from bot.screens.common import day, example_label, name_in, nav, sourced, stale, town_name
from bot.screens.home import SITUATIONS
from content.files.schema import DemandFile
from content.models import ArticleKind, Municipality, Occupation, Situation
from content.repository.lookup import by_slug
from content.repository.occupations import get_occupation_file, list_occupations
from content.repository.places import list_municipalities, list_regions
from translations.catalogs import N_

if TYPE_CHECKING:
    from content.opendata.demand import OfficialDemand, TownDemand

WORK_TOPICS = ["validering", "jobbsok", "starta-foretag"]
PLATSBANKEN = "https://arbetsformedlingen.se/platsbanken/"  # Arbetsförmedlingen's job ads (docs/open-data-sources.md)
NO_OFFICIAL_FIGURES = N_(
    "Official figures are not here yet. Today's job ads are on Platsbanken, Arbetsförmedlingen's job site."
)
LEVELS = {"high": N_("Great demand"), "medium": N_("Some demand"), "low": N_("Little demand")}
# Arbetsförmedlingen's words (content/opendata/demand.py), as a newcomer reads them.
PROSPECT_LABELS = {
    "stora": N_("good chances of work"),
    "medelstora": N_("fair chances of work"),
    "små": N_("small chances of work"),
}
FORECAST_LABELS = {
    "öka": N_("more jobs in five years"),
    "vara oförändrad": N_("about as many jobs in five years"),
    "minska": N_("fewer jobs in five years"),
}
SHOWN_TOWNS = 8  # lines of municipalities, the best first
TOWN_BUTTONS = 3
AD_BUTTONS = 3


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
    """Where an occupation is in demand: by the official figures once imported, else the content's own rows."""
    from content.opendata.demand import official_demand  # only once someone asks (docs/bot.md, Performance)

    found = await get_occupation_file(session=ctx.session, slug=slug)
    row = await by_slug(ctx.session, Occupation, slug)
    if found is None or row is None:
        return stale(ctx)
    all_towns = await ctx.cached("towns", lambda: list_municipalities(session=ctx.session))
    official = await official_demand(ctx.session, row.id or 0, all_towns)
    lines = [f"💼 <b>{html(name_in(ctx, found.name))}</b>"]
    if official:
        buttons = _official(ctx, official, lines)
        await _local_notes(ctx, found.demand, all_towns, lines)
    else:
        buttons = await _content_demand(ctx, found.demand, all_towns, lines)
    buttons.append([Button("🔎 " + ctx._("Job ads on Platsbanken"), url=PLATSBANKEN)])
    buttons += [[Button("📄 " + ctx._("Get my education recognised"), route("a", "validering"))]]
    buttons.append(nav(ctx, "work"))
    return Reply("\n".join(lines), buttons)


def _official(ctx: Context, official: OfficialDemand, lines: list[str]) -> list[list[Button]]:
    """The municipalities by Arbetsförmedlingen's figures, best first, with the source and date of each figure."""
    lines.append(html(ctx._("Where this occupation is needed, by Arbetsförmedlingen's figures:")))
    # Towns with open ads first (by the county's chances of work, then the ads), then towns whose county's chances
    # are judged but which have no ad today: a town with ads is never hidden behind ones without.
    with_ads = [item for item in official.towns if item.ads and item.ads.ads]
    judged = [item for item in official.towns if not (item.ads and item.ads.ads) and item.outlook]
    shown = (with_ads + judged)[:SHOWN_TOWNS]
    lines += [_town_line(ctx, item) for item in shown]
    more = [item for item in with_ads if item not in shown]
    if not shown:
        lines.append("• " + html(ctx._("No open job ads in the municipalities of this service today.")))
    elif more:
        towns = ", ".join(f"{town_name(ctx, item.town)} ({item.ads.ads if item.ads else 0})" for item in more)
        lines.append(html(ctx._("Open job ads also in: {towns}.", towns=towns)))
    elif len(shown) < len(official.towns) and all(item.ads is not None for item in official.towns):
        lines.append(html(ctx._("The other municipalities have no open job ads for it today.")))
    national = official.national
    if national is not None and national.prospects in PROSPECT_LABELS:
        outlook = ctx._(PROSPECT_LABELS[national.prospects])
        if national.forecast in FORECAST_LABELS:
            forecast = ctx._(FORECAST_LABELS[national.forecast or ""])
            whole = ctx._("In Sweden as a whole: {outlook}; {forecast}.", outlook=outlook, forecast=forecast)
        else:
            whole = ctx._("In Sweden as a whole: {outlook}.", outlook=outlook)
        lines.append("\n" + html(whole))
    lines.append("")
    if official.ads_date:
        lines.append(
            "<i>"
            + html(
                ctx._("Job ads: Arbetsförmedlingen (Platsbanken), counted {date}.", date=day(ctx, official.ads_date))
            )
            + "</i>"
        )
    else:
        lines.append("<i>" + html(ctx._("No official count of job ads yet.")) + "</i>")
    if official.outlook_date:
        source = ctx._(
            "Chances of work: Arbetsförmedlingen's Yrkesbarometer, edition {edition}, judged per county.",
            edition=official.outlook_round or "",
        )
        lines.append("<i>" + html(source) + "</i>")
    else:
        lines.append("<i>" + html(ctx._("No official judgement of the chances of work yet.")) + "</i>")
    buttons = [[Button(f"🏘 {town_name(ctx, item.town)}", route("m", item.town.slug))] for item in shown[:TOWN_BUTTONS]]
    links = [link for item in shown for link in (item.ads.newest if item.ads else [])][:AD_BUTTONS]
    buttons += [[Button("📄 " + _short(link["headline"] or ctx._("Job ad")), url=link["url"])] for link in links]
    return buttons


def _town_line(ctx: Context, item: TownDemand) -> str:
    """ "• Skellefteå: 5 open job ads · good chances of work in Västerbottens län" (the judgement is the county's)."""
    parts = []
    if item.ads is not None:
        count = item.ads.ads
        parts.append(
            ctx.t.ngettext("{count} open job ad", "{count} open job ads", count) if count else ctx._("no open job ads")
        )
    if item.outlook and item.outlook.prospects in PROSPECT_LABELS:
        judgement = ctx._(PROSPECT_LABELS[item.outlook.prospects])
        parts.append(ctx._("{judgement} in {county}", judgement=judgement, county=item.town.county or ""))
    return f"• {html(town_name(ctx, item.town))}: {html(' · '.join(parts))}"


async def _local_notes(ctx: Context, demand: list[DemandFile], towns: list[Municipality], lines: list[str]) -> None:
    """The editors' own rows (never the examples) under the official figures, each with its source."""
    own = [row for row in demand if not row.example]
    if not own:
        return
    names = {town.slug: town_name(ctx, town) for town in towns}
    regions = {
        region.slug: name_in(ctx, region.name)
        for region in await ctx.cached("regions", lambda: list_regions(session=ctx.session))
    }
    lines.append("\n📌 <b>" + html(ctx._("Local notes")) + "</b>")
    for row in own:
        place = names.get(row.municipality or "") or regions.get(row.region or "", "")
        note = f" – {html(row.note)}" if row.note else ""
        lines.append(f"• {html(place)}: {html(ctx._(LEVELS[row.level]))}{note}")
        lines.append(sourced(ctx, row.source or "", row.verified_at))
    if ctx.lang not in {"sv", "sv-x-easy"} and any(row.note for row in own):
        lines.append("<i>" + html(ctx._("The notes are in Swedish.")) + "</i>")


async def _content_demand(
    ctx: Context, demand: list[DemandFile], all_towns: list[Municipality], lines: list[str]
) -> list[list[Button]]:
    """Until official figures are imported: the content's own rows, examples labelled, and where the real ones are."""
    towns = {town.slug: town_name(ctx, town) for town in all_towns}
    regions = {
        region.slug: name_in(ctx, region.name)
        for region in await ctx.cached("regions", lambda: list_regions(session=ctx.session))
    }
    lines.append(html(ctx._("Where this occupation is needed:")))
    buttons = []
    for row in demand:
        place = towns.get(row.municipality or "") or regions.get(row.region or "", "")
        line = f"• {html(place)}: {html(ctx._(LEVELS[row.level]))}"
        if row.note:
            line += f" – {html(row.note)}"
        if row.example:
            line += " <i>(" + html(ctx._("example data")) + ")</i>"
        lines.append(line)
        if row.municipality:
            label = f"{example_label(ctx)} 🏘 {place}" if row.example else f"🏘 {place}"
            buttons.append([Button(label, route("m", row.municipality))])
    if not demand:
        lines.append(html(ctx._("No information yet.")))
    if any(row.example for row in demand):
        lines.append("\n<i>" + html(ctx._("Example data is not real information about demand.")) + "</i>")
    if all(row.example for row in demand):  # no official figure yet: say where the real ones are
        lines.append(html(ctx._(NO_OFFICIAL_FIGURES)))
    return buttons


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
