"""What every screen gets: the database session, the content services, the person and their language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import BotUser
from content.services import ContentServices
from translations.catalogs import Translator
from translations.languages import fallback_chain

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class InboxPolicy:
    """What the bot promises about the staff inbox and about keeping a person's data (from the settings)."""

    retention_days: int = 90
    answer_days: int = 2
    inactive_days: int = 365  # a person who has not used the bot for so long is deleted


@dataclass(slots=True)
class Context:
    session: AsyncSession
    services: ContentServices
    user: BotUser
    t: Translator
    now: datetime
    inbox: InboxPolicy = field(default_factory=lambda: InboxPolicy())

    @property
    def lang(self) -> str:
        return self.t.code

    @property
    def chain(self) -> tuple[str, ...]:
        """The languages to show content in, best first."""
        return fallback_chain(self.lang)

    async def cached(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """Published content, read once per content change (see `content.services.ReadCache`)."""
        return await self.services.cache.get(key, load)

    def _(self, message: str, /, **values: object) -> str:
        """Translate an interface string (message ids are English)."""
        return self.t.gettext(message, **values)
