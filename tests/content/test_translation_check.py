"""The translation check: every published text in every language, keeping its source's structure and numbers."""

from __future__ import annotations

from typing import Any

import pytest

from bot.render import markdown_to_html, telegram_html_problem
from content.files.fidelity import differences, skeleton
from content.files.repository import DEFAULT_ROOT, read_bundle
from content.files.schema import ArticleFile
from content.files.translation_check import TARGETS, check_article, check_bundle
from tests.factories import make_article

SOURCE = """Ring 112 om det är fara. Migrationsverket: 0771-235 235.

## Vem kan gå?
- du bor i kommunen
- du är minst 16 år

Läs mer på www.skolverket.se eller [1177](https://www.1177.se). Skriv till info@norsjo.se."""


def _markdown(body: str, rtl: bool) -> str | None:
    return telegram_html_problem(markdown_to_html(body, rtl=rtl))


def _with(lang: str, body: str, **extra: Any) -> ArticleFile:
    article = make_article(sv_body=SOURCE)
    data = article.model_dump()
    data["translations"][lang] = {
        "status": "machine",
        "source_version": 1,
        "title": "T",
        "summary": "S",
        "body": body,
    } | extra
    return ArticleFile.model_validate(data)


def test_the_starter_content_has_every_language_faithful_to_its_source() -> None:
    problems = check_bundle(read_bundle(DEFAULT_ROOT), _markdown)
    assert [str(problem) for problem in problems] == []


def test_the_skeleton_reads_headings_lists_links_and_the_numbers_a_reader_acts_on() -> None:
    found = skeleton(SOURCE)
    assert found.headings == (2,)
    assert found.lists == (2,)
    assert found.links == ("https://www.1177.se",)
    assert set(found.phones) == {"112", "0771235235", "1177"}  # 1177 is a number to call too
    assert set(found.urls) == {"www.skolverket.se", "www.1177.se"}
    assert set(found.emails) == {"info@norsjo.se"}


def test_years_ages_and_amounts_are_not_phone_numbers() -> None:
    assert not skeleton("Från 2009 till 2013, minst 16 år, 30 flyktingar, 1 250 kronor.").phones


def test_persian_and_arabic_digits_are_the_same_numbers() -> None:
    assert skeleton("با ۱۱۲ تماس بگیرید").phones == skeleton("Ring 112").phones
    assert skeleton("اتصل على ١١٢").phones == skeleton("Ring 112").phones


def test_a_faithful_translation_has_no_differences() -> None:
    translation = SOURCE.replace("Vem kan gå?", "Who can attend?").replace("du bor", "you live")
    assert differences(SOURCE, translation) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda text: text.replace("0771-235 235", "0771-235 236"), "phone numbers missing: 0771235235"),
        (lambda text: text.replace("## Vem kan gå?\n", ""), "headings"),
        (lambda text: text.replace("- du är minst 16 år\n", ""), "list items"),
        (lambda text: text.replace("(https://www.1177.se)", "(https://www.1177.se/x)"), "links"),
        (lambda text: text.replace("info@norsjo.se", "info@example.se"), "e-mail addresses missing"),
        (lambda text: text.replace("www.skolverket.se", "skolverket"), "web addresses missing"),
    ],
)
def test_each_dropped_or_changed_part_is_named(change: Any, expected: str) -> None:
    found = differences(SOURCE, change(SOURCE))
    assert any(expected in problem for problem in found), found


def test_easy_swedish_may_turn_sentences_into_lists_but_keeps_everything_else() -> None:
    easier = SOURCE.replace("- du är minst 16 år", "- du är minst 16 år\n- det är gratis")
    assert differences(SOURCE, easier, same_lists=False) == []
    assert differences(SOURCE, easier) != []


def test_a_missing_or_outdated_language_is_reported_as_missing() -> None:
    article = make_article(sv_body=SOURCE)
    problems = check_article(article, _markdown)
    assert {problem.lang for problem in problems if problem.missing} == set(TARGETS) - {"en"}
    english = [problem.message for problem in problems if problem.lang == "en"]
    assert any("list items" in message for message in english)  # the factory's English does not follow SOURCE
    outdated = check_article(_with("ar", SOURCE).model_copy(update={"version": 2}), _markdown)
    assert any(p.lang == "ar" and p.missing and "version 1, now 2" in p.message for p in outdated)


def test_a_translation_that_drops_the_emergency_number_is_an_error_not_a_warning() -> None:
    problems = check_article(_with("ti", SOURCE.replace("112", "")), _markdown)
    dropped = [problem for problem in problems if problem.lang == "ti"]
    assert dropped
    assert not any(problem.missing for problem in dropped)


def test_text_telegram_would_refuse_is_reported() -> None:
    assert telegram_html_problem("<b>bold</b> &amp; <a href='https://x.se'>x</a>") is None
    assert telegram_html_problem("1 < 2") is not None
    assert telegram_html_problem("<b><i>x</b></i>") is not None
    assert telegram_html_problem("<p>x</p>") is not None
    assert telegram_html_problem("<b>x") is not None
    for lang in ("sv", "ar"):
        assert telegram_html_problem(markdown_to_html("## A & B <c>\n- [x](https://x.se)", rtl=lang == "ar")) is None
