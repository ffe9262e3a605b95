"""One article, its feedback buttons, and lists of articles by kind."""

from __future__ import annotations

from bot.context import Context
from bot.render import html
from bot.reply import Button, Reply
from bot.routes import route
from bot.screens.common import article_text, nav, stale
from content.models import ArticleKind
from content.repository.articles import published_titles, read_article, titles_of
from content.repository.people import follows, record_feedback, set_follow
from translations.languages import CODES, fallback_chain

# Where "back" leads from an article, by its kind (municipality articles go back to their municipality).
PARENT = {"work": "work", "introduction": "intro", "faq": "ask", "story": "intro", "help": "home", "path": "paths"}
FROM_QUESTION = "q"
TOPIC_KINDS = frozenset({"introduction", "work"})  # topics a person can follow for announcements


async def article(ctx: Context, slug: str, origin: str = "", lang: str = "") -> Reply:
    """Show an article in the reader's language (or the best fallback), with its source and date.

    `lang`: the language a question was written in, when it is not the reader's (the answer is in it).
    """
    chain = fallback_chain(lang) if lang in CODES else ctx.chain
    view = await ctx.cached(("article", slug, chain), lambda: read_article(session=ctx.session, slug=slug, chain=chain))
    if view is None:
        return stale(ctx)
    back = f"m:{view.municipality}" if view.municipality else PARENT.get(view.kind, "home")
    buttons: list[list[Button]] = []
    if origin == FROM_QUESTION:
        buttons.append(
            [
                Button("👍 " + ctx._("This helped"), route("fb", slug, 1)),
                Button("👎 " + ctx._("It did not help"), route("fb", slug, 0)),
            ]
        )
        back = "ask"
    if view.related:
        related = await ctx.cached(
            ("related", slug, ctx.chain),
            lambda: titles_of(session=ctx.session, slugs=list(view.related), chain=ctx.chain),
        )
        buttons += [[Button("📄 " + title, route("a", other))] for other, title in related]
    if view.lang != "sv" and ctx.lang != "sv":
        buttons.append([Button(ctx._("Show the Swedish original"), route("orig", slug))])
    if view.kind in TOPIC_KINDS:
        following = slug in await follows(session=ctx.session, user=ctx.user, kind="topic")
        label = "🔕 " + ctx._("Stop following this topic") if following else "🔔 " + ctx._("Follow this topic")
        buttons.append([Button(label, route("tfol", slug, 0 if following else 1))])
    buttons.append(nav(ctx, back))
    return Reply(article_text(ctx, view, lang if lang in CODES else ""), buttons)


async def follow_topic(ctx: Context, slug: str, on: str) -> Reply:
    """Follow a topic (for its announcements) or stop following it, then show the article again."""
    view = await read_article(session=ctx.session, slug=slug, chain=ctx.chain)
    if on not in ("0", "1") or view is None or view.kind not in TOPIC_KINDS:
        return stale(ctx)
    await set_follow(session=ctx.session, user=ctx.user, slug=slug, on=on == "1", kind="topic")
    page = await article(ctx, slug)
    note = ctx._("You now follow this topic.") if on == "1" else ctx._("You no longer follow this topic.")
    return Reply(f"<i>{html(note)}</i>\n\n{page.text}", page.buttons)


async def original(ctx: Context, slug: str) -> Reply:
    """Show the Swedish source text of an article."""
    view = await read_article(session=ctx.session, slug=slug, chain=("sv",))
    if view is None:
        return stale(ctx)
    return Reply(article_text(ctx, view), [[Button(ctx._("Back to my language"), route("a", slug))], nav(ctx)])


async def feedback(ctx: Context, slug: str, helpful: str) -> Reply:
    """Count a 👍/👎 anonymously and thank the person."""
    if helpful not in ("0", "1"):
        return stale(ctx)
    await record_feedback(session=ctx.session, slug=slug, lang=ctx.lang, helpful=helpful == "1", day=ctx.now.date())
    text = ctx._("Thank you! This helps us improve the answers.")
    if helpful == "0":
        text += "\n\n" + ctx._("You can ask again in other words, or look in the menu.")
    return Reply(html(text), [[Button("❓ " + ctx._("Ask another question"), route("ask"))], nav(ctx)])


async def article_list(ctx: Context, kind: ArticleKind, title: str, back: str = "home") -> Reply:
    """A list of published articles of one kind, as buttons."""
    titles = await published_titles(session=ctx.session, chain=ctx.chain, kind=kind)
    buttons = [[Button(text, route("a", slug))] for slug, text, _ in titles]
    buttons.append(nav(ctx, back))
    return Reply(f"<b>{html(title)}</b>", buttons)
