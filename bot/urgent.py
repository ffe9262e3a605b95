"""Words of danger: a message that contains one shows the emergency number at once and, sent to staff, alerts them.

The words are in `urgent_words/<language>.yaml`, per kind (violence, threat, self_harm, child, medical,
trafficking, homeless), with a `harmless` list per language of phrases that are not urgent although they contain
such a word ("I beat my record"). Every language's words are checked against every message: people write in
another language than their setting, or mix them.

Matching, on text lower-cased, NFKC-normalised, with Latin letters without diacritics (people type "sjalvmord")
and Arabic-script letter variants unified: each word of an entry matches a word of the message that begins with
it ("självmord" finds "självmordstankar"), and the words of an entry must follow each other. In Arabic and Persian
script a word may also be found inside a message word, since articles, prepositions and pronouns are joined to it
("بسكين", "يضربني"). A match that shares a word with a harmless phrase does not count. The lists err
towards showing 112; they need review by native speakers (docs/inbox.md), and `vagvisare urgent-eval` measures
them on the test sets in `tests/data/urgent*.yaml`.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache
from pathlib import Path

import yaml

WORDS_DIR = Path(__file__).with_name("urgent_words")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: faster, and less garbage left in the heap
DEFAULT_URGENT_FILE = Path(__file__).resolve().parents[1] / "tests" / "data" / "urgent.yaml"  # the tuning set
HARMLESS = "harmless"
KINDS = ("violence", "threat", "self_harm", "child", "medical", "trafficking", "homeless")
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك", "\u200c": " ", "’": "'", "ʼ": "'"}
)


def normalize(text: str) -> str:
    """Lower case, NFKC, Latin letters without diacritics, Arabic-script variants unified."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTERS)
    text = _ARABIC_MARKS.sub("", text)
    return "".join(_plain(ch) for ch in text)


def _plain(ch: str) -> str:
    if ch.isascii() or "LATIN" not in unicodedata.name(ch, ""):
        return ch
    return unicodedata.normalize("NFKD", ch)[0]


_WORD = re.compile(r"[^\W_]+")
Entry = tuple[str, ...]


def _words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


class _Matcher:
    """Entries found word by word: per first word, the entries that begin with it. A message word matches an entry
    word that it begins with (in Arabic script: that it contains), so each of the word's beginnings (in Arabic
    script: each of its pieces) is looked up. About 5,000 entries take well under 1 MB this way; as one regular
    expression they took 5 MB and 1.5 ms a message (measured in stop 15)."""

    def __init__(self, entries: list[str]) -> None:
        self._by_first: dict[str, list[Entry]] = {}
        for entry in entries:
            words = tuple(sys.intern(word) for word in _words(entry))  # "mig", "me" are in hundreds of entries
            if words:
                self._by_first.setdefault(words[0], []).append(words)

    def spans(self, words: list[str]) -> list[tuple[int, int]]:
        """The (first, last + 1) word positions of every entry found in `words`."""
        found = []
        for start, word in enumerate(words):
            for first in _pieces(word):
                for entry in self._by_first.get(first, ()):
                    end = start + len(entry)
                    if end <= len(words) and all(
                        _matches(words[start + i], part) for i, part in enumerate(entry[1:], start=1)
                    ):
                        found.append((start, end))
        return found


def _pieces(word: str) -> list[str]:
    """What an entry's first word may be for `word` to match it: its beginnings; in Arabic script, its pieces."""
    if ARABIC_SCRIPT.search(word):
        return [word[i:j] for i in range(len(word)) for j in range(i + 1, len(word) + 1)]
    return [word[:j] for j in range(1, len(word) + 1)]


def _matches(word: str, part: str) -> bool:
    return part in word if ARABIC_SCRIPT.search(part) else word.startswith(part)


class Lexicon:
    """The lists: any word of danger, the harmless phrases, and (built only when asked, for measuring) the words of
    each kind of danger."""

    def __init__(self, directory: Path = WORDS_DIR) -> None:
        self._directory = directory
        entries, harmless = _read(directory)
        self._harmless = _Matcher(harmless)
        self._any = _Matcher([word for words in entries.values() for word in words])
        self._kinds: dict[str, _Matcher] | None = None

    def _kind_matchers(self) -> dict[str, _Matcher]:
        if self._kinds is None:
            entries, _ = _read(self._directory)
            self._kinds = {kind: _Matcher(words) for kind, words in entries.items()}
        return self._kinds

    def _found(self, matcher: _Matcher, text: str) -> bool:
        words = _words(text)
        spans = matcher.spans(words)
        if not spans:
            return False
        covered = {i for first, last in self._harmless.spans(words) for i in range(first, last)}
        return any(covered.isdisjoint(range(first, last)) for first, last in spans)

    def urgent(self, text: str) -> bool:
        """Whether `text` contains words of danger (a match sharing a word with a harmless phrase does not count)."""
        return self._found(self._any, text)

    def kind(self, text: str) -> str | None:
        """Return the kind of danger `text` speaks of (the first found), or None."""
        return next((kind for kind, matcher in self._kind_matchers().items() if self._found(matcher, text)), None)


def _read(directory: Path) -> tuple[dict[str, list[str]], list[str]]:
    """The entries per kind of danger and the harmless phrases of every language's file."""
    entries: dict[str, list[str]] = {kind: [] for kind in KINDS}
    harmless: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        with path.open(encoding="utf-8") as file:
            data: dict[str, list[str]] = yaml.load(file, Loader=_LOADER) or {}  # noqa: S506 (a safe loader)
        for kind, words in data.items():
            target = harmless if kind == HARMLESS else entries.setdefault(kind, [])
            target += [str(word) for word in words or [] if str(word).strip()]
    return entries, harmless


@cache
def lexicon() -> Lexicon:
    """The lists, read once per process (the service does it at start, not at the first message)."""
    return Lexicon()


def urgent_kind(text: str) -> str | None:
    """Return the kind of danger in `text` (violence, threat, self_harm, ...), or None."""
    return lexicon().kind(text)


def is_urgent(text: str) -> bool:
    """Return whether `text` contains words of danger in any of the nine languages."""
    return lexicon().urgent(text)
