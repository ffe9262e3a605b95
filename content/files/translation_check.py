"""The translation check: every published text in every language, faithful to its source, and current.

`vagvisare content check` runs it on the content repository, where a missing or outdated language is an error
(the starter content promises all nine); the admin runs it on one article, where it is a warning until the
article is translated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from content.files.fidelity import differences
from content.files.repository import Bundle
from content.files.schema import ArticleFile, EventFile, EventTranslationFile, TranslationFile
from content.models import PublicationStatus
from translations.languages import BY_CODE, CODES, EASY_SWEDISH, SOURCE_LANGUAGE

# Renders a Markdown body (and whether it is right-to-left) and returns why Telegram would refuse it, or None.
MarkdownCheck = Callable[[str, bool], str | None]
TARGETS = tuple(code for code in CODES if code != SOURCE_LANGUAGE)


@dataclass(frozen=True, slots=True)
class TranslationProblem:
    """One way a text falls short of its source in one language."""

    where: str  # the file (and record) it is in
    lang: str
    message: str
    missing: bool = False  # the language is missing or outdated (a warning while an editor's article waits)

    def __str__(self) -> str:
        return f"{self.where}: {self.lang}: {self.message}"


def check_bundle(bundle: Bundle, markdown: MarkdownCheck | None = None) -> list[TranslationProblem]:
    """Check every published article and event, and the names of regions, municipalities and occupations."""
    problems: list[TranslationProblem] = []
    for article in bundle.articles:
        if article.status == PublicationStatus.PUBLISHED:
            problems += check_article(article, markdown, where=f"articles/{article.slug}.yaml")
    for event in bundle.events:
        if event.status == PublicationStatus.PUBLISHED:
            problems += check_event(event, markdown)
    return problems + _names(bundle)


def _names(bundle: Bundle) -> list[TranslationProblem]:
    """Region, municipality and occupation names (and region descriptions) missing in a language."""
    wanted: list[tuple[str, str, dict[str, str], tuple[str, ...]]] = []
    for region in bundle.regions:
        wanted.append((f"regions.yaml: {region.slug}", "name", region.name, TARGETS))
        if region.description.get(SOURCE_LANGUAGE):
            wanted.append((f"regions.yaml: {region.slug}", "description", region.description, TARGETS))
    # A town keeps its Swedish spelling in Latin script; other scripts need the name written in them.
    other_scripts = tuple(code for code in TARGETS if BY_CODE[code].script != "Latn")
    for town in bundle.municipalities:
        wanted.append((f"municipalities.yaml: {town.slug}", "name", town.names, other_scripts))
    for occupation in bundle.occupations:
        wanted.append((f"occupations.yaml: {occupation.slug}", "name", occupation.name, TARGETS))
    return [
        TranslationProblem(where, lang, f"the {what} is missing", True)
        for where, what, names, languages in wanted
        for lang in languages
        if not names.get(lang)
    ]


def check_article(
    article: ArticleFile, markdown: MarkdownCheck | None = None, *, where: str = ""
) -> list[TranslationProblem]:
    """Check one article's translations against its Swedish source."""
    fields = ("title", "summary", "body")
    return _check(where or article.slug, article.version, article.translations, fields, markdown)


def check_event(event: EventFile, markdown: MarkdownCheck | None = None) -> list[TranslationProblem]:
    """Check one event's translations against its Swedish source."""
    return _check(f"events.yaml: {event.slug}", event.version, event.translations, ("title", "body"), markdown)


def _check(
    where: str,
    version: int,
    translations: Mapping[str, TranslationFile | EventTranslationFile],
    fields: tuple[str, ...],
    markdown: MarkdownCheck | None,
) -> list[TranslationProblem]:
    source = translations[SOURCE_LANGUAGE]
    source_text = "\n\n".join(getattr(source, field) for field in fields)
    problems = _markdown(where, SOURCE_LANGUAGE, source.body, markdown)
    for lang in TARGETS:
        text = translations.get(lang)
        if text is None:
            problems.append(TranslationProblem(where, lang, "no translation", True))
            continue
        problems += _outdated(where, lang, text.source_version, version)
        translated = "\n\n".join(getattr(text, field) for field in fields)
        for difference in differences(source_text, translated, same_lists=lang != EASY_SWEDISH):
            problems.append(TranslationProblem(where, lang, difference))
        for field in fields[1:]:
            if getattr(source, field).strip() and not getattr(text, field).strip():
                problems.append(TranslationProblem(where, lang, f"the {field} is missing"))
        problems += _markdown(where, lang, text.body, markdown)
    return problems


def _outdated(where: str, lang: str, made_from: int | None, version: int) -> list[TranslationProblem]:
    if (made_from or 0) >= version:
        return []
    return [TranslationProblem(where, lang, f"made from source version {made_from}, now {version}", True)]


def _markdown(where: str, lang: str, body: str, markdown: MarkdownCheck | None) -> list[TranslationProblem]:
    if markdown is None or not body:
        return []
    refused = markdown(body, BY_CODE[lang].rtl)
    return [TranslationProblem(where, lang, f"Telegram would refuse the rendered text: {refused}")] if refused else []
