"""Pieces every screen uses: the navigation row, dates, and how an article is shown."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from babel.dates import format_date, format_datetime

from bot.context import Context
from bot.render import html, isolate, markdown_to_html, rtl_html
from bot.reply import Button, Reply
from bot.routes import route
from content.events_time import SWEDEN
from content.models import Municipality
from content.repository.articles import ArticleView
from translations.catalogs import N_
from translations.languages import BY_CODE, EASY_SWEDISH


def babel_locale(lang: str) -> str:
    return "sv" if lang == "sv-x-easy" else lang


def nav(ctx: Context, back: str | None = None) -> list[Button]:
    """The row at the bottom of every screen: back (when there is somewhere to go back to) and home."""
    row = []
    if back:
        row.append(Button("⬅️ " + ctx._("Back"), route(back) if ":" not in back else back))
    row.append(Button("🏠 " + ctx._("Menu"), route("home")))
    return row


def day(ctx: Context, value: date) -> str:
    return format_date(value, format="long", locale=babel_locale(ctx.lang))


def when(ctx: Context, value: datetime) -> str:
    """An event time in Swedish local time, written the reader's way."""
    return when_in(ctx.lang, value)


def when_in(lang: str, value: datetime) -> str:
    """An event time in Swedish local time, the reader's day and month names, the 24-hour clock Sweden uses."""
    return format_datetime(value.astimezone(SWEDEN), format="EEEE d MMMM, HH:mm", locale=babel_locale(lang))


def clock(value: datetime) -> str:
    """The time of day in Swedish local time, on the 24-hour clock as event cards and Swedish signs show it."""
    return value.astimezone(SWEDEN).strftime("%H:%M")


def name_in(ctx: Context, names: dict[str, str]) -> str:
    """A name (of a region, an occupation) in the reader's language, or the first of the languages it has."""
    return next((names[code] for code in ctx.chain if code in names), next(iter(names.values()), ""))


def town_name(ctx: Context, town: Municipality) -> str:
    """A municipality's name in the reader's script, with the Swedish spelling the signs and buses use."""
    local = next((town.names[code] for code in ctx.chain if code in town.names), None)
    return f"{local} ({town.name})" if local and local != town.name else town.name


def language_name(code: str) -> str:
    return BY_CODE[code].native_name if code in BY_CODE else code


def article_text(ctx: Context, article: ArticleView, wanted: str = "") -> str:
    """Title, body, and the facts a reader needs to trust it: language, source and when it was checked.

    `wanted`: the language the reader asked for when it is not their setting (a question written in it).
    """
    rtl = BY_CODE[article.lang].rtl if article.lang in BY_CODE else False
    parts = [f"<b>{rtl_html(article.title, rtl)}</b>"]
    parts += translation_notes(ctx, article.lang, article.status, article.translated_by, article.outdated, wanted)
    if article.example:
        parts.append("<i>" + html(ctx._("Example content: not real information.")) + "</i>")
    if article.summary:
        parts.append(rtl_html(article.summary, rtl))
    if article.body:
        parts.append(markdown_to_html(article.body, rtl=rtl))
    parts.append(sourced(ctx, article.source, article.verified_at))
    return "\n\n".join(parts)


def translation_notes(
    ctx: Context, shown: str, status: str, translated_by: str | None, outdated: bool, wanted: str = ""
) -> list[str]:
    """What a reader must know about the text in front of them: another language, who translated it, how old."""
    notes = []
    if fallback := not_in_language_note(ctx, shown, wanted):
        notes.append(fallback)
    elif status == "machine":
        notes.append("<i>" + html(ctx._(provenance_label(shown, translated_by))) + "</i>")
    if outdated and shown != "sv":
        notes.append("<i>" + html(ctx._("The Swedish original has changed since this translation was made.")) + "</i>")
    return notes


def provenance_label(lang: str, translated_by: str | None) -> str:
    """The label of an unreviewed translation: made by a machine (Argos), or a draft by the team."""
    if translated_by is None or translated_by.lower().startswith("machine"):
        return N_("Translated by machine, not yet checked by a person.")
    if lang == EASY_SWEDISH:
        return N_("Easy Swedish by the Vägvisare team, not yet checked by an easy-to-read editor.")
    return N_("Translated by the Vägvisare team, not yet checked by a native speaker.")


def example_label(ctx: Context) -> str:
    """The mark on a button that leads to made-up example content."""
    return "🧪 " + ctx._("Example") + ":"


def not_in_language_note(ctx: Context, shown: str, wanted: str = "") -> str:
    """The note under a text shown in another language than the reader's (empty when it is theirs)."""
    wanted = wanted or ctx.lang
    if shown == wanted or (wanted == EASY_SWEDISH and shown == "sv"):
        return ""
    note = ctx._(
        "This text is not yet available in your language. It is shown in {language}.", language=language_name(shown)
    )
    return f"<i>{html(note)}</i>"


def sourced(ctx: Context, source: str, verified: date | None) -> str:
    """The line under every fact: where it comes from and when someone last checked it."""
    link = escape(source, quote=True)  # an attribute: quotes too
    source_html = f'<a href="{link}">{html(source)}</a>' if source.startswith("https://") else html(source)
    checked = (
        ctx._("Last checked: {date}", date=day(ctx, verified))
        if verified
        else ctx._("Not yet checked against the source.")
    )
    label = html(ctx._("Source:"))
    return f"<i>{label} {isolate(source_html) if ctx.t.rtl else source_html}\n{html(checked)}</i>"


def stale(ctx: Context) -> Reply:
    """What an outdated button leads to: a polite word and the way home."""
    return Reply(
        html(ctx._("This button is out of date: what it pointed to has changed or been removed.")),
        [nav(ctx)],
    )
