"""Interface catalogues: complete where they claim to be, falling back per string, plural rules, RTL isolation."""

from __future__ import annotations

from babel.messages.pofile import read_po

from translations.catalogs import Translator, catalogue_path
from translations.check import problems
from translations.languages import LANGUAGES


def test_catalogues_have_no_missing_fuzzy_stale_or_mismatched_entries() -> None:
    assert problems("bot") == []
    assert problems("admin") == []


def test_the_complete_languages_are_the_six_of_the_launch_and_easy_swedish() -> None:
    complete = {language.code for language in LANGUAGES if language.ui_complete}
    assert complete == {"sv", "sv-x-easy", "en", "ar", "fa", "uk", "ru"}


def test_a_string_missing_from_a_partial_catalogue_falls_back_to_english() -> None:
    with catalogue_path("ti", "bot").open("rb") as handle:
        untranslated = [
            m.id for m in read_po(handle) if m.id and not m.string and isinstance(m.id, str) and "{" not in m.id
        ]
    assert untranslated, "Tigrinya is partial: some strings fall back"
    assert Translator("ti").gettext(untranslated[0]) == untranslated[0]
    assert Translator("ti").gettext("Menu") not in ("", "Menu")  # translated strings are used


def test_every_language_translates_the_menu_and_never_returns_an_empty_string() -> None:
    for language in LANGUAGES:
        text = Translator(language.code).gettext("Menu")
        assert text.strip(), language.code


def test_plural_forms_follow_each_languages_rules() -> None:
    t = Translator("ru")
    forms = {t.ngettext("{count} seat left", "{count} seats left", n) for n in (1, 2, 5)}
    assert len(forms) == 3
    assert Translator("en").ngettext("{count} seat left", "{count} seats left", 1) == "1 seat left"


def test_placeholders_are_isolated_in_right_to_left_languages() -> None:
    text = Translator("ar").gettext("Pseudonym: {pseudonym}", pseudonym="a1b2")
    assert "\u2068a1b2\u2069" in text
    assert "\u2068" not in Translator("sv").gettext("Pseudonym: {pseudonym}", pseudonym="a1b2")
