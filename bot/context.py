"""What every screen gets: the database session, the content services, the person and their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import BotUser
from content.services import ContentServices
from translations.catalogs import Translator
from translations.languages import fallback_chain


@dataclass(slots=True)
class Context:
    session: AsyncSession
    services: ContentServices
    user: BotUser
    t: Translator
    now: datetime

    @property
    def lang(self) -> str:
        return self.t.code

    @property
    def chain(self) -> tuple[str, ...]:
        """The languages to show content in, best first."""
        return fallback_chain(self.lang)

    def _(self, message: str, /, **values: object) -> str:
        """Translate an interface string (message ids are English)."""
        return self.t.gettext(message, **values)
