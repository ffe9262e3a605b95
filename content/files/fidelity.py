"""What a translation must keep from its source: headings, list items, links, URLs, e-mail addresses, phone numbers.

A translator rewords everything else; these are the parts a reader acts on (a number to call, an address to open)
or finds their way by (the headings and the steps of a list), so a program can compare them across languages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False})

# Persian and Arabic-Indic digits read as the same numbers as 0-9.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'»«]*[^\s<>()\[\]\"'»«.,;:!?،؛。]")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Swedish phone numbers as the content writes them: an area code with 0 (0771-219 219, 020-50 50 50, 0918-140 00),
# +46, or the short national numbers (112, 1177, 114 14, 113 13, 116 111, 90 101). Years and ages are not phones.
PHONE = re.compile(
    r"(?<![\w/.-])(?:\+46[\s-]?\d{1,3}|0\d{1,3})(?:[\s-]?\d{2,3}){2,4}(?![\w/-])"
    r"|(?<![\w/.-])(?:112|1177|114 14|113 13|116 111|116 000|116 006|90 101|020-\d\d \d\d \d\d)(?![\w/-])"
)


@dataclass(frozen=True, slots=True)
class Skeleton:
    """The parts of a Markdown text that every translation must keep."""

    headings: tuple[int, ...]  # the level of each heading, in order
    lists: tuple[int, ...]  # the number of items of each top-level list, in order
    links: tuple[str, ...]  # link targets, in order
    urls: Counter[str]
    emails: Counter[str]
    phones: Counter[str]


def skeleton(text: str) -> Skeleton:
    """Read the headings, list sizes, link targets, URLs, e-mail addresses and phone numbers of `text`."""
    text = text.translate(_DIGITS)
    headings: list[int] = []
    lists: list[int] = []
    links: list[str] = []
    depth = 0
    for token in _markdown.parse(text):
        if token.type == "heading_open":
            headings.append(int(token.tag[1:]))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                lists.append(0)
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open" and depth == 1:
            lists[-1] += 1
        elif token.type == "inline":
            links += [str(child.attrGet("href")) for child in token.children or [] if child.type == "link_open"]
    without_emails = EMAIL.sub(" ", text)
    return Skeleton(
        headings=tuple(headings),
        lists=tuple(lists),
        links=tuple(links),
        urls=Counter(_url(match) for match in URL.findall(without_emails)),
        emails=Counter(match.lower() for match in EMAIL.findall(text)),
        phones=Counter(_phone(match) for match in PHONE.findall(URL.sub(" ", without_emails))),
    )


def _url(url: str) -> str:
    return url.removeprefix("https://").removeprefix("http://").rstrip("/").lower()


def _phone(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return "0" + digits[2:] if digits.startswith("46") and number.startswith("+") else digits


def differences(source: str, translation: str, *, same_lists: bool = True) -> list[str]:
    """Name each way `translation` fails to keep what its `source` has; [] when it keeps everything.

    `same_lists=False` lets the list sizes differ (easy Swedish may turn a long sentence into a list).
    """
    want, got = skeleton(source), skeleton(translation)
    found = []
    if want.headings != got.headings:
        found.append(f"headings: the source has {_levels(want.headings)}, the translation {_levels(got.headings)}")
    if same_lists and want.lists != got.lists:
        found.append(f"list items: the source's lists have {_sizes(want.lists)}, the translation's {_sizes(got.lists)}")
    if want.links != got.links:
        found.append(f"links: the source links to {_items(want.links)}, the translation to {_items(got.links)}")
    for name in ("urls", "emails", "phones"):
        missing = getattr(want, name) - getattr(got, name)
        extra = getattr(got, name) - getattr(want, name)
        label = {"urls": "web addresses", "emails": "e-mail addresses", "phones": "phone numbers"}[name]
        if missing:
            found.append(f"{label} missing: {_items(sorted(missing.elements()))}")
        if extra:
            found.append(f"{label} not in the source: {_items(sorted(extra.elements()))}")
    return found


def _levels(levels: tuple[int, ...]) -> str:
    return ", ".join("#" * level for level in levels) if levels else "none"


def _sizes(sizes: tuple[int, ...]) -> str:
    return ", ".join(str(size) for size in sizes) + " items" if sizes else "no lists"


def _items(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items) if items else "nothing"
