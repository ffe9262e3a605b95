"""First contact, language, privacy, situation, the main menu and help."""

from __future__ import annotations

from bot.context import Context
from bot.render import html
from bot.reply import Button, Reply
from bot.routes import route
from bot.screens.articles import article
from bot.screens.common import nav
from content.models import Situation
from content.repository.people import update_user
from translations.catalogs import N_
from translations.languages import CODES, LANGUAGES


def guess_language(telegram_code: str | None) -> str:
    """Guess a first choice from Telegram's language_code ("sv", "ar", "uk-UA", "fa-IR"...)."""
    if not telegram_code:
        return "en"
    base = telegram_code.lower().split("-")[0]
    return base if base in CODES else "en"


def choose_language(ctx: Context, guess: str, then: str = "") -> Reply:
    """The language picker: every language in its own name, the guessed one first."""
    ordered = sorted(LANGUAGES, key=lambda language: language.code != guess)
    buttons = [
        [Button(language.native_name, route("L", language.code, *([then] if then else [])))] for language in ordered
    ]
    text = "🌍 " + " · ".join(
        ["Choose your language", "Välj språk", "اختر لغتك", "زبان خود را انتخاب کنید", "Оберіть мову"]
    )
    return Reply(html(text), buttons)


async def set_language(ctx: Context, code: str) -> None:
    """Save the chosen language."""
    await update_user(session=ctx.session, user=ctx.user, lang=code)


def privacy(ctx: Context, then: str = "") -> Reply:
    """The short privacy notice shown at first contact."""
    text = "\n\n".join(
        [
            "🔒 <b>" + html(ctx._("Your privacy")) + "</b>",
            html(
                ctx._(
                    "This bot stores only your language, what you choose in settings (your situation, the "
                    "municipalities you follow) and the events you register for. It does not store your "
                    "messages or your name."
                )
            ),
            html(ctx._("Only if you choose to send a question to staff is that message stored, until it is deleted.")),
            html(ctx._("Send /mydata to see everything stored about you, and /forget to delete it all.")),
        ]
    )
    next_step = route("sit", FIRST, *_then(then))
    buttons = [
        [Button(ctx._("Read the full privacy notice"), route("priv", *_then(then)))],
        [Button(ctx._("Continue"), next_step)],
    ]
    return Reply(text, buttons)


def privacy_full(ctx: Context, then: str = "") -> Reply:
    """The whole privacy notice."""
    paragraphs = [
        ctx._(
            "What is stored: a random pseudonym, your Telegram chat number (needed to answer you), your "
            "language, your situation if you choose one, the municipalities you follow, whether you want "
            "announcements, and your event registrations."
        ),
        ctx._(
            "What is not stored: your name, your phone number, your messages and your questions. Questions are "
            "counted per day and language only, without their text, so editors can see which topics are "
            "missing."
        ),
        ctx._(
            "Questions to staff: only if you choose to send a question to a person on our staff is that "
            "message stored, with the answer, so that they can reply to you. It is deleted {days} days after "
            "the conversation is closed, or at once with /forget.",
            days=ctx.inbox.retention_days,
        ),
        ctx._("Who sees it: only the staff who run this service, and they see your pseudonym, not your name."),
        ctx._(
            "Your rights: /mydata shows everything stored about you; /forget deletes all of it at once. "
            "Blocking the bot stops all messages."
        ),
    ]
    text = "🔒 <b>" + html(ctx._("Privacy notice")) + "</b>\n\n" + "\n\n".join(html(p) for p in paragraphs)
    buttons = [[Button(ctx._("Continue"), route("sit", FIRST, *_then(then)))]]
    return Reply(text, buttons)


FIRST, LATER = "1", "0"  # the situation question at first contact, or from settings
# Short codes keep routes (with a deep-link payload after them) within Telegram's 64 bytes.
SITUATIONS = {
    "a": (Situation.ASYLUM, N_("I am seeking asylum")),
    "p": (Situation.PERMIT, N_("I have a residence permit")),
    "t": (Situation.PROTECTION, N_("I have temporary protection (Ukraine)")),
    "q": (Situation.QUOTA, N_("I came as a quota refugee")),
    "f": (Situation.FAMILY, N_("I am moving to family in Sweden")),
    "o": (Situation.OTHER, N_("Something else")),
}
SKIP = "x"


def _then(payload: str) -> list[str]:
    return [payload] if payload else []


def situation(ctx: Context, mode: str = LATER, then: str = "") -> Reply:
    """Ask which describes the person; it can be skipped."""
    extra = _then(then)
    buttons = [[Button(ctx._(label), route("S", code, mode, *extra))] for code, (_, label) in SITUATIONS.items()]
    buttons.append([Button(ctx._("Skip"), route("S", SKIP, mode, *extra))])
    text = "\n\n".join(
        [
            html(ctx._("Which describes you?")),
            html(ctx._("This helps the bot show you what matters most for you first. You can skip it.")),
        ]
    )
    if mode != FIRST:
        buttons.append(nav(ctx, "set"))
    return Reply(text, buttons)


async def set_situation(ctx: Context, code: str, mode: str = LATER) -> Reply | None:
    """Save (or clear) the situation and show the menu; None for an unknown code."""
    if code == SKIP:
        await update_user(session=ctx.session, user=ctx.user, clear_situation=mode != FIRST)
    elif code in SITUATIONS:
        await update_user(session=ctx.session, user=ctx.user, situation=SITUATIONS[code][0])
    else:
        return None
    return menu(ctx)


def menu(ctx: Context) -> Reply:
    """The main menu."""
    buttons = [
        [Button("🏘 " + ctx._("Municipalities"), route("regions"))],
        [Button("💼 " + ctx._("Work"), route("work")), Button("📚 " + ctx._("Introduction & Swedish"), route("intro"))],
        [Button("📅 " + ctx._("Events"), route("ev")), Button("❓ " + ctx._("Ask a question"), route("ask"))],
        [Button("🆘 " + ctx._("Help & emergency numbers"), route("help"))],
        [Button("⚙️ " + ctx._("Settings"), route("set"))],
    ]
    # What matters most for the person's situation comes first: their step-by-step plan.
    if ctx.user.situation and ctx.user.situation != Situation.OTHER:
        buttons.insert(0, [Button("🧭 " + ctx._("My path: step by step"), route("path"))])
    text = (
        "<b>"
        + html(ctx._("Vägvisare – your guide to life in Sweden"))
        + "</b>\n\n"
        + html(ctx._("Choose a topic, or just write your question."))
    )
    return Reply(text, buttons)


async def help_screen(ctx: Context) -> Reply:
    """Emergency numbers first, always reachable."""
    reply = await article(ctx, "nodnummer")
    return Reply(reply.text, [[Button("❓ " + ctx._("Ask a question"), route("ask"))], nav(ctx)])
