"""Asking a question in free text: curated answers only, and honesty when there is none."""

from __future__ import annotations

from bot.context import Context
from bot.render import html
from bot.reply import Button, Reply
from bot.routes import route
from bot.screens.articles import FROM_QUESTION
from bot.screens.common import nav
from content.repository.people import record_question

MAX_ANSWERS = 4


def ask_prompt(ctx: Context) -> Reply:
    """Invite a question."""
    text = "❓ " + html(ctx._("Write your question in your own words, in any language, and send it."))
    return Reply(text, [[Button("👤 " + ctx._("Ask a person instead"), route("staff"))], nav(ctx, "home")])


async def answer(ctx: Context, question: str) -> Reply:
    """Search the published content; show the best answers as buttons, or say honestly that none fits."""
    hits = await ctx.services.ask(ctx.lang, question, MAX_ANSWERS, session=ctx.session)
    await record_question(session=ctx.session, lang=ctx.lang, answer=hits[0].slug if hits else None, day=ctx.now.date())
    if not hits:
        text = "\n\n".join(
            [
                html(ctx._("Sorry, I found no answer to that in the information I have.")),
                html(
                    ctx._(
                        "Try other words, or choose a topic in the menu. For personal questions about your case, "
                        "contact the Migration Agency (0771-235 235) or your municipality."
                    )
                ),
                html(ctx._("You can also send your question to a person on our staff.")),
                html(ctx._("In an emergency, call 112.")),
            ]
        )
        buttons = [
            [Button("👤 " + ctx._("Send my question to staff"), route("staff"))],
            [Button("🆘 " + ctx._("Help & emergency numbers"), route("help"))],
            nav(ctx),
        ]
        return Reply(text, buttons)
    buttons = [[Button(hit.title[:60], route("a", hit.slug, FROM_QUESTION))] for hit in hits]
    buttons.append([Button("👤 " + ctx._("None of these: ask a person"), route("staff"))])
    buttons.append(nav(ctx, "ask"))
    return Reply(html(ctx._("This is what I found. Choose an answer:")), buttons)
