"""What a screen returns: text and buttons, independent of any chat platform."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Button:
    """A button that opens a route (`data`) or a web address (`url`)."""

    text: str
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """A message: Telegram-HTML text (already escaped) and rows of buttons."""

    text: str
    buttons: list[list[Button]] = field(default_factory=list)
    # Other messages to send to other people because of this action (a seat freed for someone waiting).
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to another person, by their chat id."""

    chat_id: int
    reply: Reply
