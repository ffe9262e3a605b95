"""What the bot's deep links can open: municipalities, topics (articles), upcoming events and languages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from content.events_time import SWEDEN
from content.models import ArticleKind
from content.repository.articles import published_titles
from content.repository.events import event_title, upcoming_events
from content.repository.places import list_municipalities
from translations.languages import LANGUAGES, SOURCE_LANGUAGE

TITLE_CHAIN = (SOURCE_LANGUAGE, "en")
# The order topics are listed in; municipality articles are reached through their municipality's link.
TOPIC_KINDS = (ArticleKind.INTRODUCTION, ArticleKind.WORK, ArticleKind.HELP, ArticleKind.FAQ, ArticleKind.STORY)


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """One thing a deep link opens: its `/start` payload and a name for people."""

    payload: str
    label: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class LinkGroup:
    """Deep links of one kind (`m`, `t`, `e`, `l`)."""

    kind: str
    targets: list[LinkTarget]


async def link_targets(
    *, session: AsyncSession, now: datetime | None = None, chain: tuple[str, ...] = TITLE_CHAIN
) -> list[LinkGroup]:
    """Return every published place, topic, upcoming event and language a deep link can open.

    `chain`: the languages to name them in, best first (a poster for Arabic readers names them in Arabic).
    """
    towns = [
        LinkTarget(f"m_{m.slug}", _town(m.name, m.names, chain), m.county or "")
        for m in await list_municipalities(session=session)
    ]
    topics = [
        LinkTarget(f"t_{slug}", title, kind.value)
        for kind in TOPIC_KINDS
        for slug, title, _ in await published_titles(session=session, chain=chain, kind=kind)
    ]
    events = [
        LinkTarget(
            f"e_{event.slug}",
            await event_title(session=session, event=event, chain=chain),
            f"{event.starts_at.astimezone(SWEDEN):%Y-%m-%d %H:%M}",  # Swedish time, as on the events pages
        )
        for event in await upcoming_events(session=session, now=now)
    ]
    languages = [LinkTarget(f"l_{lang.code}", lang.native_name, lang.english_name) for lang in LANGUAGES]
    return [LinkGroup("m", towns), LinkGroup("t", topics), LinkGroup("e", events), LinkGroup("l", languages)]


def _town(name: str, names: dict[str, str], chain: tuple[str, ...]) -> str:
    local = next((names[code] for code in chain if code in names), None)
    return f"{local} ({name})" if local and local != name else name
