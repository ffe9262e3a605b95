"""The article pages' plain parts: the source form, who may edit which language, the bot preview and diffs."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aiohttp import web
from multidict import MultiMapping
from sqlmodel.ext.asyncio.session import AsyncSession

from admin.render import MACHINE
from bot.context import Context
from bot.screens.common import article_text
from content.files.schema import ArticleFile, TranslationFile
from content.files.yaml_io import dump_yaml
from content.models import ArticleKind, BotUser, EditorAccount, Role, Section, TranslationStatus, utcnow
from content.repository.articles import ArticleView
from content.services import ContentServices
from translations.catalogs import N_, Translator
from translations.languages import BY_CODE, CODES, SOURCE_LANGUAGE, fallback_chain
from translations.machine.provider import TranslationProvider

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
RESERVED_SLUGS = frozenset({"new"})  # /articles/new is the form for a new article
Message = tuple[str, dict[str, str]]  # an English message id and its placeholder values
# How kinds, sections and statuses are named on the pages (message ids, translated where shown).
LABELS = {
    "municipality": N_("Municipality"),
    "work": N_("Work"),
    "introduction": N_("Introduction"),
    "faq": N_("Questions and answers"),
    "story": N_("Story"),
    "help": N_("Help"),
    "path": N_("Step-by-step path"),
    "overview": N_("Overview"),
    "housing": N_("Housing"),
    "contacts": N_("Contacts"),
    "associations": N_("Associations"),
    "travel": N_("Getting there"),
    "draft": N_("Draft"),
    "review": N_("In review"),
    "published": N_("Published"),
    "source": N_("Source text"),
    "missing": N_("Missing"),
    "machine": N_("Machine"),
    "reviewed": N_("Reviewed"),
    "outdated": N_("Outdated"),
}
LANGUAGE_NAMES = [
    N_("Swedish"),
    N_("Easy Swedish"),
    N_("English"),
    N_("Arabic"),
    N_("Persian/Dari"),
    N_("Ukrainian"),
    N_("Russian"),
    N_("Somali"),
    N_("Tigrinya"),
]  # the registry's English names, shown through the admin's catalogue


@dataclass
class SourceForm:
    """The Swedish source form as the person typed it: strings only, so a refused form comes back unchanged."""

    slug: str = ""
    title: str = ""
    summary: str = ""
    body: str = ""
    keywords: str = ""
    kind: str = ArticleKind.INTRODUCTION.value
    municipality: str = ""
    section: str = ""
    source: str = ""
    verified_at: str = ""
    review_due: str = ""
    example: bool = False
    search_terms: str = ""
    minor: bool = False
    errors: list[Message] = field(default_factory=list)

    @classmethod
    def of(cls, article: ArticleFile) -> SourceForm:
        """The form filled in from a stored article."""
        text = article.translations[SOURCE_LANGUAGE]
        return cls(
            slug=article.slug,
            title=text.title,
            summary=text.summary,
            body=text.body,
            keywords=", ".join(text.keywords),
            kind=str(article.kind),
            municipality=article.municipality or "",
            section=str(article.section or ""),
            source=article.source,
            verified_at=article.verified_at.isoformat() if article.verified_at else "",
            review_due=article.review_due.isoformat() if article.review_due else "",
            example=article.example,
            search_terms="\n".join(f"{code}: {', '.join(terms)}" for code, terms in article.search_terms.items()),
        )

    @classmethod
    def posted(cls, form: MultiMapping[Any]) -> SourceForm:
        """The form as posted (missing fields are empty; line ends normalised)."""

        def text(name: str) -> str:
            value = form.get(name, "")
            return value.replace("\r\n", "\n") if isinstance(value, str) else ""

        return cls(
            slug=text("slug").strip(),
            title=text("title").strip(),
            summary=text("summary").strip(),
            body=text("body").rstrip(),
            keywords=text("keywords"),
            kind=text("kind"),
            municipality=text("municipality"),
            section=text("section"),
            source=text("source").strip(),
            verified_at=text("verified_at").strip(),
            review_due=text("review_due").strip(),
            example=bool(form.get("example")),
            search_terms=text("search_terms"),
            minor=bool(form.get("minor")),
        )

    def error(self, message: str, **values: object) -> None:
        self.errors.append((message, {key: str(value) for key, value in values.items()}))

    def details(self, municipalities: set[str]) -> dict[str, Any]:
        """Check the fields other than the text; return them in the file form's terms (errors are collected)."""
        kind = ArticleKind(self.kind) if self.kind in {k.value for k in ArticleKind} else None
        if kind is None:
            self.error(N_("Choose what kind of article this is."))
        municipality = self.municipality or None
        if municipality is not None and municipality not in municipalities:
            self.error(N_("There is no municipality {slug}."), slug=municipality)
        section = self.section or None
        if section is not None and section not in {s.value for s in Section}:
            self.error(N_("Choose a section from the list."))
        if kind == ArticleKind.MUNICIPALITY and (municipality is None or section is None):
            self.error(N_("An article about a municipality needs both the municipality and the section."))
        if kind is not None and kind != ArticleKind.MUNICIPALITY and section is not None:
            self.error(N_("Only articles about a municipality have a section; choose no section."))
        if not self.source:
            self.error(N_("Write the source: the web address or document the facts come from."))
        return {
            "kind": kind,
            "municipality": municipality,
            "section": section,
            "source": self.source,
            "verified_at": self._date(
                self.verified_at, N_("Last verified: write the date as YYYY-MM-DD, for example 2026-05-31.")
            ),
            "review_due": self._date(
                self.review_due, N_("Review due: write the date as YYYY-MM-DD, for example 2026-05-31.")
            ),
            "example": self.example,
            "search_terms": self._search_terms(),
        }

    def text(self) -> TranslationFile | None:
        """The Swedish text (None, with an error, when the title is missing)."""
        if not self.title:
            self.error(N_("Write a title."))
            return None
        return TranslationFile(
            status=TranslationStatus.SOURCE,
            title=self.title,
            summary=self.summary,
            body=self.body,
            keywords=split_terms(self.keywords),
        )

    def _date(self, value: str, message: str) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(message)
            return None

    def _search_terms(self) -> dict[str, list[str]]:
        terms: dict[str, list[str]] = {}
        for line in self.search_terms.splitlines():
            if not line.strip():
                continue
            code, colon, words = line.partition(":")
            if not colon or code.strip() not in CODES:
                self.error(N_("Search terms: write one language per line, as “ar: word, word”."))
                return {}
            if found := split_terms(words):
                terms[code.strip()] = found
        return dict(sorted(terms.items(), key=lambda item: CODES.index(item[0])))


def split_terms(value: str) -> list[str]:
    """Split comma-separated words (Arabic commas too), dropping empty ones."""
    return [word.strip() for word in re.split(r"[,،]", value) if word.strip()]


def may_translate(account: EditorAccount, lang: str) -> bool:
    """Whether the account may change the `lang` translation (a translator: only their own languages)."""
    if lang == SOURCE_LANGUAGE or lang not in BY_CODE:
        return False
    return account.role != Role.TRANSLATOR or lang in account.languages


def may_edit_source(account: EditorAccount) -> bool:
    return account.role in (Role.ADMINISTRATOR, Role.EDITOR)


def provider_of(app: web.Application) -> TranslationProvider:
    """The machine translation provider (Argos is loaded on first use; see `admin.render.Machine`)."""
    return app[MACHINE].get()


def preview_html(session: AsyncSession, services: ContentServices, article: ArticleFile, lang: str) -> str:
    """The article as the bot would send it to a reader of `lang` (Telegram HTML; all content escaped)."""
    chain = fallback_chain(lang)
    shown = next((code for code in chain if code in article.translations), SOURCE_LANGUAGE)
    text = article.translations[shown]
    view = ArticleView(
        slug=article.slug,
        kind=str(article.kind),
        municipality=article.municipality,
        section=str(article.section) if article.section else None,
        source=article.source,
        verified_at=article.verified_at,
        example=article.example,
        lang=shown,
        status=str(text.status),
        outdated=text.source_version is not None and text.source_version < article.version,
        title=text.title,
        summary=text.summary,
        body=text.body,
    )
    reader = BotUser(pseudonym="preview", chat_id=0, lang=lang)
    ctx = Context(session=session, services=services, user=reader, t=Translator(lang), now=utcnow())
    return article_text(ctx, view)


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: str  # same | del | ins
    text: str


def diff_lines(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[DiffLine]:
    """A line diff of two revision snapshots in their file form (YAML, as a content file would show them)."""
    before = dump_yaml(old).splitlines() if old is not None else []
    after = dump_yaml(new).splitlines() if new is not None else []
    lines: list[DiffLine] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            lines += [DiffLine("same", line) for line in before[a1:a2]]
            continue
        lines += [DiffLine("del", line) for line in before[a1:a2]]
        lines += [DiffLine("ins", line) for line in after[b1:b2]]
    return lines
