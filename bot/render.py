"""Markdown to Telegram's HTML subset, escaping, right-to-left isolation and splitting long messages."""

from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

TELEGRAM_LIMIT = 4096
_markdown = MarkdownIt("commonmark", {"html": False}).disable(["image"])

_INLINE = {
    "strong_open": "<b>",
    "strong_close": "</b>",
    "em_open": "<i>",
    "em_close": "</i>",
    "link_close": "</a>",
}

FSI, PDI = "\u2068", "\u2069"  # first-strong isolate: a Latin name or number inside right-to-left text


def isolate(text: str) -> str:
    """Wrap `text` in a Unicode isolate so its direction cannot disturb the sentence around it."""
    return f"{FSI}{text}{PDI}"


def html(text: str) -> str:
    """Escape plain text for Telegram HTML."""
    return escape(text, quote=False)


# A left-to-right run inside right-to-left text: Latin words and numbers with the spaces and punctuation between
# them ("Umeå kommun", "0771-219 219", "SFI"). Unisolated, the bidi algorithm reorders such runs: a phone number
# "0771-219 219" shows as "219 0771-219", and brackets or full stops next to a name jump to the wrong side.
LTR_RUN = re.compile(r"[0-9A-Za-zÀ-ɏ](?:[0-9A-Za-zÀ-ɏ .,:;/'’+&%–—!?\-]*[0-9A-Za-zÀ-ɏ])?")


def isolate_ltr(text: str) -> str:
    """Isolate every left-to-right run (Latin names, numbers) of right-to-left text."""
    return LTR_RUN.sub(lambda match: isolate(match.group(0)), text)


def rtl_html(text: str, rtl: bool) -> str:
    """Escape plain text, isolating its left-to-right runs when the text is right-to-left."""
    return html(isolate_ltr(text) if rtl else text)


def markdown_to_html(source: str, *, rtl: bool = False) -> str:
    """Render an article body (Markdown) to the HTML subset Telegram accepts; everything is escaped.

    `rtl`: the body is in a right-to-left language; its Latin names and numbers are isolated.
    """
    renderer = _Renderer(rtl)
    for token in _markdown.parse(source):
        renderer.feed(token)
    return renderer.result()


class _Renderer:
    """Walks markdown-it's block tokens: headings become bold lines, lists bullets or numbers, quotes blockquotes."""

    def __init__(self, rtl: bool = False) -> None:
        self.rtl = rtl
        self.blocks: list[str] = []
        self.lines: list[str] = []
        self.lists: list[int | None] = []  # per open list: the next number, or None for bullets
        self.quoted = 0

    def feed(self, token: Token) -> None:
        handler = getattr(self, f"on_{token.type}", None)
        if handler is not None:
            handler(token)

    def flush(self) -> None:
        self.blocks.append("".join(self.lines))
        self.lines = []

    def on_heading_open(self, token: Token) -> None:
        self.lines.append("<b>")

    def on_heading_close(self, token: Token) -> None:
        self.lines.append("</b>")
        self.flush()

    def on_bullet_list_open(self, token: Token) -> None:
        self._open_list(None)

    def on_ordered_list_open(self, token: Token) -> None:
        self._open_list(int(token.attrGet("start") or 1))

    def _open_list(self, start: int | None) -> None:
        if self.lists and self.lines and not self.lines[-1].endswith("\n"):
            self.lines.append("\n")  # a nested list starts on its own line
        self.lists.append(start)

    def on_bullet_list_close(self, token: Token) -> None:
        self.lists.pop()
        if not self.lists:
            self.blocks.append("\n".join(_rstrip(self.lines)))
            self.lines = []

    on_ordered_list_close = on_bullet_list_close

    def on_list_item_open(self, token: Token) -> None:
        indent = "  " * (len(self.lists) - 1)
        number = self.lists[-1]
        if number is None:
            self.lines.append(f"{indent}• ")
        else:
            self.lines.append(f"{indent}{number}. ")
            self.lists[-1] = number + 1

    def on_list_item_close(self, token: Token) -> None:
        self.lines.append("\n")

    def on_inline(self, token: Token) -> None:
        self.lines.append(_inline(token.children or [], self.rtl))

    def on_paragraph_close(self, token: Token) -> None:
        if self.quoted:
            self.lines.append("\n")
        elif not self.lists:
            self.flush()

    def on_fence(self, token: Token) -> None:
        self.blocks.append(f"<pre>{html(token.content.rstrip())}</pre>")

    on_code_block = on_fence

    def on_blockquote_open(self, token: Token) -> None:
        self.quoted += 1
        self.lines.append("<blockquote>")

    def on_blockquote_close(self, token: Token) -> None:
        self.quoted -= 1
        self.lines = ["".join(self.lines).rstrip(), "</blockquote>"]
        if not self.quoted:
            self.flush()

    def on_hr(self, token: Token) -> None:
        self.blocks.append("—")

    def result(self) -> str:
        if self.lines:
            self.flush()
        return "\n\n".join(block.strip("\n") for block in self.blocks if block.strip())


def _rstrip(parts: list[str]) -> list[str]:
    return [line for line in "".join(parts).rstrip("\n").split("\n")]


def _inline(children: list[Token], rtl: bool = False) -> str:
    out = []
    for child in children:
        if child.type == "text":
            out.append(rtl_html(child.content, rtl))
        elif child.type == "code_inline":
            out.append(f"<code>{html(child.content)}</code>")
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "link_open":
            href = str(child.attrGet("href") or "")
            safe = href if href.startswith(("https://", "http://", "tel:", "mailto:")) else ""
            out.append(f'<a href="{escape(safe, quote=True)}">' if safe else "<u>")
            child.meta["tag"] = "a" if safe else "u"
        elif child.type == "link_close":
            out.append("</a>" if _open_tag(children, child) == "a" else "</u>")
        elif child.type in _INLINE:
            out.append(_INLINE[child.type])
    return "".join(out)


def _open_tag(children: list[Token], close: Token) -> str:
    depth = 0
    for token in reversed(children[: children.index(close)]):
        if token.type == "link_close":
            depth += 1
        elif token.type == "link_open":
            if depth == 0:
                return str(token.meta.get("tag", "a"))
            depth -= 1
    return "a"


# What Telegram's HTML parse mode accepts (core.telegram.org/bots/api#html-style): these tags, the four named
# entities and numeric ones; every other "<", ">" and "&" escaped.
_TELEGRAM_TAGS = frozenset("b strong i em u ins s strike del a code pre blockquote tg-spoiler span tg-emoji".split())  # noqa: SIM905 (as Telegram's page lists them)
_MARKUP = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^<>]*)>|&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);|[<>&]")


def telegram_html_problem(text: str) -> str | None:
    """Return why Telegram would refuse `text` as HTML (unknown or unbalanced tags, bare < or &), or None."""
    open_tags: list[str] = []
    for match in _MARKUP.finditer(text):
        token = match.group(0)
        if token in ("<", ">", "&"):
            return f"an unescaped {token!r} at character {match.start()}"
        if token.startswith("&"):
            continue
        closing, tag = match.group(1), match.group(2).lower()
        if tag not in _TELEGRAM_TAGS:
            return f"the tag <{tag}> is not one Telegram supports"
        if not closing:
            if tag == "a" and "href=" not in match.group(3):
                return "a link without an address"
            open_tags.append(tag)
        elif not open_tags or open_tags.pop() != tag:
            return f"</{tag}> does not close the tag opened before it"
    return f"<{open_tags[-1]}> is never closed" if open_tags else None


# Telegram's HTML tags (the subset the renderer makes), entities, whitespace and runs of other text.
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\s+|[^\s<&]+|[<&]")
_TAG = re.compile(r"<(/?)(b|strong|i|em|u|ins|s|strike|del|a|code|pre|blockquote|tg-spoiler|span)\b[^>]*>")
_ROOM = 256  # kept free in each part for the tags closed at its end and reopened at the next one's start


def utf16_length(text: str) -> int:
    """Telegram's length: its 4,096 limit and entity offsets count UTF-16 code units ("😀" is two)."""
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split Telegram HTML at paragraph boundaries (then lines, then words) into parts Telegram accepts.

    Lengths are UTF-16 code units, as Telegram counts them, of the HTML itself (never shorter than the text it
    shows). A cut never falls inside a tag, an entity or a character, and tags open at a cut are closed at the end
    of the part and reopened at the start of the next, so every part is valid HTML on its own.
    """
    if utf16_length(text) <= limit:
        return [text]
    room = limit - _ROOM if _TAG.search(text) else limit
    parts: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        for piece in _fit(paragraph, room):
            candidate = f"{current}\n\n{piece}" if current else piece
            if utf16_length(candidate) <= room:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return _balance(parts)


def _fit(paragraph: str, limit: int) -> list[str]:
    if utf16_length(paragraph) <= limit:
        return [paragraph]
    pieces, current = [], ""
    for token in _TOKEN.findall(paragraph):
        while utf16_length(token) > limit:  # a single huge run of text: cut it (tags and entities are short)
            if current:
                pieces.append(current)
                current = ""
            head = _head(token, limit)
            pieces.append(head)
            token = token[len(head) :]
        if utf16_length(current) + utf16_length(token) <= limit:
            current += token
        else:
            pieces.append(current.rstrip(" \n"))
            current = token.lstrip(" \n")
    if current:
        pieces.append(current)
    return [piece for piece in pieces if piece]


def _head(token: str, limit: int) -> str:
    """The longest start of `token` within `limit` UTF-16 code units, never half a character."""
    head, units = [], 0
    for character in token:
        units += 2 if ord(character) > 0xFFFF else 1
        if units > limit:
            break
        head.append(character)
    return "".join(head)


def _balance(parts: list[str]) -> list[str]:
    """Close the tags still open at the end of each part and reopen them at the start of the next."""
    balanced, carried = [], ""
    for part in parts:
        text = carried + part
        opened: list[tuple[str, str]] = []
        for match in _TAG.finditer(text):
            if match.group(1):
                if opened and opened[-1][0] == match.group(2):
                    opened.pop()
            else:
                opened.append((match.group(2), match.group(0)))
        balanced.append(text + "".join(f"</{name}>" for name, _ in reversed(opened)))
        carried = "".join(tag for _, tag in opened)
    return balanced
