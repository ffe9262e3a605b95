"""Writing to staff (human handoff): consent first, then one message stored for staff; and their answers."""

from __future__ import annotations

from datetime import timedelta

from bot.context import Context
from bot.render import html, markdown_to_html
from bot.reply import Button, Reply
from bot.routes import route
from bot.screens.common import nav, stale
from content.repository.inbox import receive_question, staff_message
from content.repository.people import update_user

WRITING_WINDOW = timedelta(minutes=30)  # after agreeing, the next message within this time goes to staff


def emergency_line(ctx: Context) -> str:
    """Shown at once when a message contains words of danger: 112 first, then the national support lines.

    Interface strings, not an article: they are in the person's language whatever the content holds, and never
    depend on the search. Sources: kvinnofridslinjen.se / nck.uu.se (020-50 50 50, free, day and night,
    interpreters), mind.se (Självmordslinjen 90101, day and night), 1177.se, polisen.se (114 14).
    """
    lines = [
        "🆘 <b>" + html(ctx._("If you or someone else is in danger, call 112 now. It is free.")) + "</b>",
        "• <b>112</b> – " + html(ctx._("emergency: police, ambulance, fire brigade")),
        "• <b>020-50 50 50</b> – "
        + html(
            ctx._(
                "Kvinnofridslinjen: support for women subjected to violence or threats. Free, day and night, "
                "with an interpreter."
            )
        ),
        "• <b>90101</b> – "
        + html(ctx._("Självmordslinjen (Mind): if you have thoughts of taking your life. Day and night.")),
        "• <b>1177</b> – " + html(ctx._("health care advice")),
        "• <b>114 14</b> – " + html(ctx._("the police, when it is not an emergency")),
    ]
    return "\n".join(lines)


async def offer(ctx: Context, step: str = "") -> Reply:
    """Say what writing to staff means (what is stored, for how long, when answers come), then ask."""
    if step == "go":
        return begin(ctx)
    if step == "no":
        return await cancel(ctx)
    if step:
        return stale(ctx)
    policy = ctx.inbox
    text = "\n\n".join(
        [
            "👤 <b>" + html(ctx._("Ask a person")) + "</b>",
            html(
                ctx._(
                    "You can send a question to the staff behind this service. They answer here, in your "
                    "language, usually within {days} working days.",
                    days=policy.answer_days,
                )
            ),
            html(
                ctx._(
                    "If you do, your message is stored with your pseudonym (not your name) so that staff can "
                    "answer you. It is deleted {days} days after the conversation is closed, or at once when "
                    "you send /forget.",
                    days=policy.retention_days,
                )
            ),
            html(ctx._("Do not write your case number or other personal details unless they are needed.")),
            emergency_line(ctx),
        ]
    )
    buttons = [[Button("✍️ " + ctx._("Yes, write to staff"), route("staff", "go"))], nav(ctx, "ask")]
    return Reply(text, buttons)


def begin(ctx: Context) -> Reply:
    """The person agreed: their next message goes to staff."""
    ctx.user.writing_to_staff_until = ctx.now + WRITING_WINDOW
    ctx.session.add(ctx.user)
    text = html(ctx._("Write your question now and send it as one message. It will go to staff."))
    return Reply("✍️ " + text, [[Button(ctx._("Cancel"), route("staff", "no"))]])


async def cancel(ctx: Context) -> Reply:
    """Changed their mind before writing."""
    ctx.user.writing_to_staff_until = None
    ctx.session.add(ctx.user)
    return Reply(html(ctx._("Nothing was sent.")), [nav(ctx)])


def is_writing(ctx: Context) -> bool:
    """Whether the person agreed to write to staff and the next message is for them."""
    until = ctx.user.writing_to_staff_until
    return until is not None and until > ctx.now


async def received(ctx: Context, text: str, urgent: bool) -> Reply:
    """Store the message for staff (the person agreed) and confirm."""
    ctx.user.writing_to_staff_until = None
    await update_user(session=ctx.session, user=ctx.user)
    await receive_question(session=ctx.session, user=ctx.user, text=text, urgent=urgent, now=ctx.now)
    lines = [
        "✅ " + html(ctx._("Your question has been sent to staff.")),
        html(ctx._("You will get the answer here, usually within {days} working days.", days=ctx.inbox.answer_days)),
    ]
    if urgent:
        lines.insert(0, emergency_line(ctx))
    buttons = [[Button("🆘 " + ctx._("Help & emergency numbers"), route("help"))]] if urgent else []
    buttons.append(nav(ctx))
    return Reply("\n\n".join(lines), buttons)


async def original(ctx: Context, message_id: str) -> Reply:
    """The Swedish original of a staff answer."""
    found = await staff_message(session=ctx.session, message_id=int(message_id)) if message_id.isdigit() else None
    if found is None or found[1].user_id != ctx.user.id:
        return stale(ctx)
    message, _thread = found
    text = "🇸🇪 <b>" + html(ctx._("The answer in Swedish")) + "</b>\n\n" + markdown_to_html(message.text)
    return Reply(text, [nav(ctx)])


async def unsubscribe(ctx: Context) -> Reply:
    """One tap under any announcement: no more announcements."""
    await update_user(session=ctx.session, user=ctx.user, announcements=False)
    text = html(ctx._("You will get no more announcements. Event reminders and answers from staff still come."))
    return Reply("🔕 " + text, [[Button("🔔 " + ctx._("Turn announcements back on"), route("ann", 1))], nav(ctx)])
