"""Translate Markdown without breaking it: structure, links, URLs, phone numbers and numbers stay untouched.

A body is cut into lines; each line keeps its block prefix (heading, list item, quote) and its text is cut into
translatable pieces around protected spans (link targets, URLs, e-mail addresses, emphasis markers, inline code).
Only the pieces go to the machine, in one batch, and are put back in the same places. Numbers and phone numbers
stay inside their sentence, for a better translation, but every one must come back unchanged: a piece whose
numbers did not survive is translated again in fragments cut around them.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

_BLOCK_PREFIX = re.compile(r"^(\s*(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+|>\s*)*)")
_PROTECTED = re.compile(
    r"""
    \]\([^)\s]*\)                    # a link target: ](https://...)
    | `[^`]*`                        # inline code
    | https?://[^\s)\]]+             # a bare URL
    | www\.[^\s)\]]+
    | [\w.+-]+@[\w-]+\.[\w.-]+       # an e-mail address
    | \*\*|__|[*_\[\]]               # emphasis and link brackets
    """,
    re.VERBOSE,
)
# Phone numbers (0771-235 235, 114 14, +46 8 123 45), then any other number, time or date part.
_NUMBER = re.compile(r"\+?\d[\d -]{3,}\d|\d+(?:[.,:]\d+)*")

Translate = Callable[[list[str]], Awaitable[list[str]]]


@dataclass(slots=True)
class _Piece:
    text: str
    translate: bool


def _pieces(line: str) -> list[_Piece]:
    prefix = _BLOCK_PREFIX.match(line)
    start = prefix.end() if prefix else 0
    pieces = [_Piece(line[:start], False)] if start else []
    position = start
    for match in _PROTECTED.finditer(line, start):
        if match.start() > position:
            pieces.append(_Piece(line[position : match.start()], True))
        pieces.append(_Piece(match.group(), False))
        position = match.end()
    if position < len(line):
        pieces.append(_Piece(line[position:], True))
    return pieces


async def translate_markdown(texts: list[str], translate: Translate) -> list[str]:
    """Translate several Markdown texts, batching all their translatable pieces into few calls."""
    documents = [[_pieces(line) for line in text.split("\n")] for text in texts]
    wanted = [
        piece
        for lines in documents
        for pieces in lines
        for piece in pieces
        if piece.translate and any(ch.isalpha() for ch in piece.text)
    ]
    results = await _translate_cores([piece.text for piece in wanted], translate)
    broken = [
        i
        for i, (piece, result) in enumerate(zip(wanted, results, strict=True))
        if not _kept_numbers(piece.text, result)
    ]
    if broken:
        fragments = [_split_numbers(wanted[i].text) for i in broken]
        loose = [part for parts in fragments for part, is_text in parts if is_text]
        done = iter(await _translate_cores(loose, translate))
        for i, parts in zip(broken, fragments, strict=True):
            results[i] = "".join(next(done) if is_text else part for part, is_text in parts)
    for piece, result in zip(wanted, results, strict=True):
        piece.text = result
    return ["\n".join("".join(piece.text for piece in pieces) for pieces in lines) for lines in documents]


async def _translate_cores(texts: list[str], translate: Translate) -> list[str]:
    """Translate texts without their surrounding spaces, which are put back as they were."""
    cores = [text.strip() for text in texts]
    todo = [core for core in cores if any(ch.isalpha() for ch in core)]
    done = iter(await translate(todo) if todo else [])
    results = []
    for text, core in zip(texts, cores, strict=True):
        translated = (next(done).strip() or core) if any(ch.isalpha() for ch in core) else core
        lead, tail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        results.append(f"{lead}{translated}{tail}")
    return results


def _kept_numbers(source: str, result: str) -> bool:
    return sorted(_NUMBER.findall(source)) == sorted(_NUMBER.findall(result))


def _split_numbers(text: str) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in _NUMBER.finditer(text):
        if match.start() > position:
            parts.append((text[position : match.start()], True))
        parts.append((match.group(), False))
        position = match.end()
    if position < len(text):
        parts.append((text[position:], True))
    return parts
