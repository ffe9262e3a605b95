"""Measuring the words of danger on a test set (`vagvisare urgent-eval`): recall and false alarms per language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.urgent import KINDS
from content.files.schema import LanguageCode
from content.files.yaml_io import read_list
from translations.languages import CODES


class Message(BaseModel):
    """One message of a test set: urgent or harmless, with the kind of danger it speaks of."""

    model_config = ConfigDict(extra="forbid")

    lang: LanguageCode
    urgent: bool
    kind: str
    text: str = Field(min_length=1)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in (*KINDS, "harmless"):
            raise ValueError(f"unknown kind {value!r}; known: {', '.join(KINDS)}, harmless")
        return value


def read_messages(path: Path) -> list[Message]:
    """Read a test set of messages, raising `ContentFileError` with the line of each bad entry."""
    return read_list(path, Message, "messages")


@dataclass(slots=True)
class Tally:
    urgent: int = 0
    flagged: int = 0  # urgent messages flagged (right)
    harmless: int = 0
    false_alarms: int = 0  # harmless messages flagged (wrong)
    misses: list[Message] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.flagged / self.urgent if self.urgent else None

    @property
    def false_alarm_rate(self) -> float | None:
        return self.false_alarms / self.harmless if self.harmless else None


def evaluate(messages: Sequence[Message], flag: Callable[[str], bool]) -> tuple[Tally, dict[str, Tally]]:
    """Flag every message; return the totals and the tallies per language (misses: both kinds of error)."""
    total, per_lang = Tally(), dict[str, Tally]()
    for message in messages:
        flagged = flag(message.text)
        for tally in (total, per_lang.setdefault(message.lang, Tally())):
            if message.urgent:
                tally.urgent += 1
                tally.flagged += flagged
            else:
                tally.harmless += 1
                tally.false_alarms += flagged
            if flagged != message.urgent:
                tally.misses.append(message)
    return total, dict(sorted(per_lang.items(), key=lambda item: CODES.index(item[0])))
