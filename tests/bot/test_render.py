"""Markdown to Telegram HTML, escaping, splitting and routes."""

from __future__ import annotations

import html as html_module
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import html, markdown_to_html, rtl_html, split_message, utf16_length
from bot.routes import MAX_BYTES, deep_link, deep_link_route, parse, route
from content.files.repository import DEFAULT_ROOT, read_bundle
from tests.bot.emulator import check_html


def test_markdown_becomes_the_telegram_subset() -> None:
    html = markdown_to_html("## Steg 1\n\nRing **112** eller [1177](https://www.1177.se).\n\n- ett\n- två")
    assert html == ('<b>Steg 1</b>\n\nRing <b>112</b> eller <a href="https://www.1177.se">1177</a>.\n\n• ett\n• två')


def test_content_cannot_inject_markup() -> None:
    html = markdown_to_html('<script>alert(1)</script> & <b>x</b> [a](javascript:alert(1)) "q"')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;" in html
    check_html(html)


def test_latin_names_and_numbers_in_right_to_left_text_are_isolated() -> None:
    html = markdown_to_html("اتصل بـ 0771-219 219 أو اذهب إلى Umeå kommun (SFI).", rtl=True)
    assert "\u20680771-219 219\u2069" in html
    assert "\u2068Umeå kommun\u2069 (\u2068SFI\u2069)." in html
    assert "\u2068Sfi – lär dig svenska\u2069" in markdown_to_html("درس Sfi – lär dig svenska", rtl=True)
    assert markdown_to_html("Ring 0771-219 219") == "Ring 0771-219 219"  # left-to-right text is left alone


def test_isolation_never_touches_markup_or_links() -> None:
    html = markdown_to_html("راجع [Migrationsverket](https://www.migrationsverket.se) و `code 1`", rtl=True)
    assert '<a href="https://www.migrationsverket.se">\u2068Migrationsverket\u2069</a>' in html
    assert "<code>code 1</code>" in html


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600), st.booleans())
def test_any_text_renders_to_html_that_telegram_accepts(source: str, rtl: bool) -> None:
    html = markdown_to_html(source, rtl=rtl)
    if html.strip():
        check_html(html)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=3000), min_size=1, max_size=6))
def test_split_messages_fit_and_lose_nothing(paragraphs: list[str]) -> None:
    text = "\n\n".join(html(paragraph) for paragraph in paragraphs)  # messages are escaped HTML
    parts = split_message(text, limit=4096)
    assert all(utf16_length(part) <= 4096 for part in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_telegrams_limit_counts_utf_16_code_units() -> None:
    assert utf16_length("😀" * 4000) == 8000
    parts = split_message("😀" * 4000)  # 4,000 code points, but 8,000 UTF-16 code units
    assert len(parts) == 2
    assert all(utf16_length(part) <= 4096 for part in parts)
    assert "".join(parts) == "😀" * 4000  # no emoji cut in half
    mixed = " ".join(["Välkommen 🇸🇪 till Umeå"] * 300)
    assert all(utf16_length(part) <= 4096 for part in split_message(mixed))


def test_a_long_paragraph_with_markup_is_split_into_parts_that_are_each_valid_html() -> None:
    link = '<a href="https://www.migrationsverket.se/kontakt">Kontakta Migrationsverket &amp; fråga</a>'
    paragraph = " ".join(f"<b>Steg {n}:</b> {link} <i>och läs mer om vad som gäller.</i>" for n in range(120))
    html = "<blockquote>" + paragraph + "</blockquote>"
    parts = split_message(html)
    assert len(parts) > 1
    for part in parts:
        assert utf16_length(part) <= 4096
        check_html(part)  # what Telegram validates: every tag closed, no cut entity or tag
    assert parts[1].startswith("<blockquote>")


def test_a_long_article_is_split_at_paragraphs() -> None:
    paragraph = "Ett stycke text. " * 40
    parts = split_message("\n\n".join([paragraph.strip()] * 20))
    assert len(parts) > 1
    assert all(part.startswith("Ett stycke") for part in parts)


@given(st.text(max_size=100))
def test_parse_never_raises_and_accepts_only_well_formed_routes(data: str) -> None:
    parsed = parse(data)
    if parsed is not None:
        assert len(data.encode()) <= MAX_BYTES


def test_routes_fit_telegram_callback_data() -> None:
    longest_slug = "a" * 48
    assert len(route("a", longest_slug, "q").encode()) <= 64
    assert len(route("L", "sv-x-easy", "e_" + "b" * 46).encode()) <= 64
    assert len(route("S", "t", "1", "e_" + "b" * 46).encode()) <= 64


def test_deep_links_round_trip() -> None:
    assert deep_link("vagvisare_bot", "m", "umea") == "https://t.me/vagvisare_bot?start=m_umea"
    assert deep_link_route("m_umea") == ("m", ["umea"])
    assert deep_link_route("t_faq-tolk") == ("a", ["faq-tolk"])
    assert deep_link_route("l_ar") == ("L", ["ar"])
    for bad in [None, "", "x_umea", "m_", "m_ä", "m_" + "a" * 70, "umea"]:
        assert deep_link_route(bad) is None


_ISOLATED = re.compile("\u2068[^\u2069]*\u2069")
_TAG = re.compile(r"<[^>]+>")
_STRONG = re.compile(r"[A-Za-zÀ-ɏЀ-ӿ\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def _first_strong(line: str) -> str | None:
    found = _STRONG.search(_ISOLATED.sub("", html_module.unescape(_TAG.sub("", line))))
    return found.group(0) if found else None


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_every_line_of_the_arabic_and_persian_content_reads_right_to_left(lang: str) -> None:
    """Telegram takes each line's direction from its first strong letter; Latin runs are isolated, so it is Arabic."""
    wrong = []
    for article in read_bundle(DEFAULT_ROOT).articles:
        text = article.translations[lang]
        rendered = "\n".join(
            [rtl_html(text.title, True), rtl_html(text.summary, True), markdown_to_html(text.body, rtl=True)]
        )
        for line in rendered.split("\n"):
            first = _first_strong(line)
            if first is not None and not "\u0600" <= first <= "\ufeff":
                wrong.append(f"{article.slug}: {line[:60]}")
    assert wrong == []
