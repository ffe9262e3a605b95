"""Asking a question in free text: curated answers only, and honesty when there is none."""

from __future__ import annotations

from bot.context import Context
from bot.render import html
from bot.reply import Button, Reply
from bot.routes import route
from bot.screens.articles import FROM_QUESTION
from bot.screens.common import name_in, nav
from content.repository.people import record_question, update_user
from content.search.index import Hit
from content.search.occupations import NamedOccupation
from translations.catalogs import Translator
from translations.languages import BY_CODE, EASY_SWEDISH, SOURCE_LANGUAGE

MAX_ANSWERS = 4
MAYBE = 3  # topics offered as "maybe you mean" when there is no answer
MAX_OCCUPATIONS = 2  # occupations the question names, offered before the answers


def ask_prompt(ctx: Context) -> Reply:
    """Invite a question."""
    text = "❓ " + html(ctx._("Write your question in your own words, in any language, and send it."))
    return Reply(text, [[Button("👤 " + ctx._("Ask a person instead"), route("staff"))], nav(ctx, "home")])


async def answer(ctx: Context, question: str) -> Reply:
    """Search the published content; show the best answers as buttons, or say honestly that none fits.

    A question written in another of the nine languages is answered from that language's content, and the
    bot offers once to switch to it.
    """
    asked_in = await _language_of(ctx, question)
    found = await ctx.services.ask(asked_in, question, MAX_ANSWERS, session=ctx.session, nearby=MAYBE)
    hits, nearby, occupations = found.hits, found.nearby, found.occupations
    jobs = _occupation_buttons(ctx, occupations)
    # counted like an answer: the occupation's screen of where it is in demand
    answered = hits[0].slug if hits else (f"occupation:{occupations[0].slug}" if occupations else None)
    await record_question(session=ctx.session, lang=asked_in, answer=answered, day=ctx.now.date())
    offer = await _offer(ctx, asked_in)
    if not hits and not jobs:
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
        if nearby:  # not answers: the topics nearest to the question, said as such
            text += "\n\n" + html(ctx._("Maybe you mean one of these topics:"))
        buttons = [*_article_buttons(ctx, nearby, asked_in, "💡 ")]
        buttons += [
            [Button("👤 " + ctx._("Send my question to staff"), route("staff"))],
            [Button("🆘 " + ctx._("Help & emergency numbers"), route("help"))],
            nav(ctx),
        ]
        return _with_offer(Reply(text, buttons), offer)
    if hits:  # the articles first: "I need a doctor" names an occupation, but asks for care
        buttons = [*_article_buttons(ctx, hits, asked_in), *jobs]
    else:  # only an occupation: it, and the topics nearest to the question, said as such
        buttons = [*jobs, *_article_buttons(ctx, nearby, asked_in, "💡 ")]
    buttons.append([Button("👤 " + ctx._("None of these: ask a person"), route("staff"))])
    if not hits:
        buttons.append([Button("🆘 " + ctx._("Help & emergency numbers"), route("help"))])
    buttons.append(nav(ctx, "ask"))
    if hits and hits[0].weak:
        heading = ctx._("This may help, but I am not sure it answers your question. Choose:")
    else:
        heading = ctx._("This is what I found. Choose an answer:")
    return _with_offer(Reply(html(heading), buttons), offer)


def _occupation_buttons(ctx: Context, occupations: list[NamedOccupation]) -> list[list[Button]]:
    """The occupations the question names, each a way to where it is in demand."""
    return [[Button("💼 " + name_in(ctx, o.names)[:60], route("o", o.slug))] for o in occupations[:MAX_OCCUPATIONS]]


def _article_buttons(ctx: Context, hits: list[Hit], asked_in: str, mark: str = "") -> list[list[Button]]:
    in_other = [asked_in] if asked_in != ctx.lang else []
    return [[Button(mark + hit.title[:60], route("a", hit.slug, FROM_QUESTION, *in_other))] for hit in hits]


async def _language_of(ctx: Context, question: str) -> str:
    """The language to answer from: the question's own, when it is told with confidence, else the person's."""
    detected = await ctx.services.language_of(question, session=ctx.session)
    if detected is None or detected == ctx.lang or (detected == SOURCE_LANGUAGE and ctx.lang == EASY_SWEDISH):
        return ctx.lang
    return detected


async def _offer(ctx: Context, asked_in: str) -> Reply | None:
    """Once per language: a line and a button, in the question's language, to switch the bot to it."""
    if asked_in == ctx.lang or ctx.user.offered_lang == asked_in:
        return None
    await update_user(session=ctx.session, user=ctx.user, offered_lang=asked_in)
    t = Translator(asked_in)
    name = BY_CODE[asked_in].native_name
    text = t.gettext("You wrote in {language}, so the answers are in {language}.", language=name)
    return Reply(
        html(text), [[Button("🌍 " + t.gettext("Switch the bot to {language}", language=name), route("L", asked_in))]]
    )


def _with_offer(reply: Reply, offer: Reply | None) -> Reply:
    if offer is None:
        return reply
    return Reply(f"<i>{offer.text}</i>\n\n{reply.text}", [*offer.buttons, *reply.buttons])
