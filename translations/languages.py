"""The language registry: every language Vägvisare speaks, with its codes, names and writing direction."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    """One language of the service."""

    code: str  # ISO 639-1 where one exists; the CLI, the content files and the database use it
    english_name: str
    native_name: str
    script: str = "Latn"  # ISO 15924: Latn, Arab, Cyrl, Ethi
    rtl: bool = False
    stemmer: str | None = None  # a Snowball stemmer that tantivy ships, when there is one
    machine_translation: bool = True  # whether Argos Translate has (or can pivot to) this language
    ui_complete: bool = True  # whether its interface catalogue must have every string (else: per-string fallback)


SOURCE_LANGUAGE = "sv"
EASY_SWEDISH = "sv-x-easy"  # BCP 47 private use: easy Swedish (lättläst) has no ISO code of its own

LANGUAGES: tuple[Language, ...] = (
    Language("sv", "Swedish", "Svenska", stemmer="swedish"),
    Language(EASY_SWEDISH, "Easy Swedish", "Lätt svenska", stemmer="swedish", machine_translation=False),
    Language("en", "English", "English", stemmer="english"),
    Language("ar", "Arabic", "العربية", script="Arab", rtl=True, stemmer="arabic"),
    Language("fa", "Persian/Dari", "فارسی / دری", script="Arab", rtl=True),
    Language("uk", "Ukrainian", "Українська", script="Cyrl"),
    Language("ru", "Russian", "Русский", script="Cyrl", stemmer="russian"),
    Language("so", "Somali", "Soomaali", machine_translation=False),
    Language("ti", "Tigrinya", "ትግርኛ", script="Ethi", machine_translation=False),
)

BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}
CODES: tuple[str, ...] = tuple(BY_CODE)


def get_language(code: str) -> Language:
    """Return the registered language for `code`, or raise `KeyError` naming the known codes."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown language {code!r}; known: {', '.join(CODES)}") from None


def fallback_chain(code: str) -> tuple[str, ...]:
    """Return the languages to try, best first, when a text is missing in `code`."""
    if code == EASY_SWEDISH:
        return (EASY_SWEDISH, SOURCE_LANGUAGE, "en")
    if code == SOURCE_LANGUAGE:
        return (SOURCE_LANGUAGE, "en")
    return (code, "en", SOURCE_LANGUAGE)
