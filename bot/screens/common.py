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
from content.repository.articles import ArticleView
from translations.languages import BY_CODE


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
    local = value.astimezone(SWEDEN)
    return format_datetime(local, format="EEEE d MMMM, HH:mm", locale=babel_locale(ctx.lang))


def language_name(code: str) -> str:
    return BY_CODE[code].native_name if code in BY_CODE else code


def article_text(ctx: Context, article: ArticleView) -> str:
    """Title, body, and the facts a reader needs to trust it: language, source and when it was checked."""
    rtl = BY_CODE[article.lang].rtl if article.lang in BY_CODE else False
    parts = [f"<b>{rtl_html(article.title, rtl)}</b>"]
    if fallback := not_in_language_note(ctx, article.lang):
        parts.append(fallback)
    elif article.status == "machine":
        parts.append("<i>" + html(ctx._("Translated by machine, not yet checked by a person.")) + "</i>")
    if article.outdated and article.lang != "sv":
        parts.append("<i>" + html(ctx._("The Swedish original has changed since this translation was made.")) + "</i>")
    if article.example:
        parts.append("<i>" + html(ctx._("Example content: not real information.")) + "</i>")
    if article.summary:
        parts.append(rtl_html(article.summary, rtl))
    if article.body:
        parts.append(markdown_to_html(article.body, rtl=rtl))
    parts.append(sourced(ctx, article.source, article.verified_at))
    return "\n\n".join(parts)


def not_in_language_note(ctx: Context, shown: str) -> str:
    """The note under a text shown in another language than the reader's (empty when it is theirs)."""
    if shown == ctx.lang or (ctx.lang == "sv-x-easy" and shown == "sv"):
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
