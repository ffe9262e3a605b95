"""Markdown to Telegram's HTML subset, escaping, right-to-left isolation and splitting long messages."""

from __future__ import annotations

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


def markdown_to_html(source: str) -> str:
    """Render an article body (Markdown) to the HTML subset Telegram accepts; everything is escaped."""
    blocks: list[str] = []
    lines: list[str] = []
    ordered: list[int | None] = []
    quoted = 0
    for token in _markdown.parse(source):
        kind = token.type
        if kind == "heading_open":
            lines.append("<b>")
        elif kind == "heading_close":
            lines.append("</b>")
            blocks.append("".join(lines))
            lines = []
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if ordered and lines and not lines[-1].endswith("\n"):
                lines.append("\n")  # a nested list starts on its own line
            ordered.append(int(token.attrGet("start") or 1) if kind == "ordered_list_open" else None)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            ordered.pop()
            if not ordered:
                blocks.append("\n".join(_rstrip(lines)))
                lines = []
        elif kind == "list_item_open":
            indent = "  " * (len(ordered) - 1)
            number = ordered[-1]
            if number is None:
                lines.append(f"{indent}• ")
            else:
                lines.append(f"{indent}{number}. ")
                ordered[-1] = number + 1
        elif kind == "list_item_close":
            lines.append("\n")
        elif kind == "inline":
            lines.append(_inline(token.children or []))
        elif kind == "paragraph_close" and quoted:
            lines.append("\n")
        elif kind == "paragraph_close" and not ordered:
            blocks.append("".join(lines))
            lines = []
        elif kind in ("fence", "code_block"):
            blocks.append(f"<pre>{html(token.content.rstrip())}</pre>")
        elif kind == "blockquote_open":
            quoted += 1
            lines.append("<blockquote>")
        elif kind == "blockquote_close":
            quoted -= 1
            lines = ["".join(lines).rstrip(), "</blockquote>"]
            if not quoted:
                blocks.append("".join(lines))
                lines = []
        elif kind == "hr":
            blocks.append("—")
    if lines:
        blocks.append("".join(lines))
    return "\n\n".join(block.strip("\n") for block in blocks if block.strip())


def _rstrip(parts: list[str]) -> list[str]:
    return [line for line in "".join(parts).rstrip("\n").split("\n")]


def _inline(children: list[Token]) -> str:
    out = []
    for child in children:
        if child.type == "text":
            out.append(html(child.content))
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


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split text at paragraph boundaries (then lines, then words) into parts Telegram accepts."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        for piece in _fit(paragraph, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return parts


def _fit(paragraph: str, limit: int) -> list[str]:
    if len(paragraph) <= limit:
        return [paragraph]
    pieces, current = [], ""
    for word in paragraph.replace("\n", " \n").split(" "):
        while len(word) > limit:  # a single huge "word": cut it (only plain text gets here)
            pieces.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces
