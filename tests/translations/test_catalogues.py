"""Interface catalogues: complete where they claim to be, falling back per string, plural rules, RTL isolation."""

from __future__ import annotations

from babel.messages.pofile import read_po

from translations.catalogs import Translator, catalogue_path
from translations.check import problems
from translations.languages import CODES, LANGUAGES


def test_catalogues_have_no_missing_fuzzy_stale_or_mismatched_entries() -> None:
    assert problems("bot") == []
    assert problems("admin") == []


def test_every_language_has_the_whole_interface() -> None:
    assert {language.code for language in LANGUAGES if language.ui_complete} == set(CODES)
    for code in ("so", "ti"):  # the last two to be completed: the consent, privacy and emergency texts too
        with catalogue_path(code, "bot").open("rb") as handle:
            empty = [
                m.id for m in read_po(handle) if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
            ]
        assert empty == [], code


def test_a_string_no_catalogue_has_falls_back_to_the_english_message_id() -> None:
    assert Translator("ti").gettext("A message no catalogue has") == "A message no catalogue has"
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
