"""Which municipalities a question names: a municipality's articles answer only questions about that municipality.

Each municipality has seven articles (an overview and six sections). Their words are the words of every topic
("föreningar", "bostad", "sfi"), so without this rule a general question about associations was answered with
the association sections of three towns instead of the article about associations. A question that names no
town gets no town's sections; "föreningar i Kiruna" gets Kiruna's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import tantivy

from content.models import Municipality
from content.search.text import fold, normalize

MIN_FUZZY = 5  # names this long match with one typo ("skelefteå")
INFLECTION = 2  # letters an inflected name may differ in at its end ("Кируну", "Кируне" for "Кируна")
# Names that are also Swedish words once lower-cased and without their dots and rings: "boden" (the shed), "mala"
# (to grind), "säter" (a summer pasture; one letter from "sätter", puts). They name a town only when the question
# writes them as a name (a capital, or their own letters: "Mala", "malå", "Säters") or as a place ("i boden",
# "در sater", "boden kommun"), and never with a typo.
COMMON_WORDS = frozenset({"boden", "mala", "sater"})
PLACE_WORDS_BEFORE = (
    *("i", "till", "från", "nära", "vid", "utanför", "in", "to", "from", "near", "around", "at"),  # sv, en
    *("في", "الى", "من", "در", "به", "از"),  # ar, fa
    *("в", "во", "у", "до", "з", "із", "из", "под"),  # uk, ru
    *("ku", "ka", "magaalada", "ኣብ", "ናብ", "ካብ"),  # so, ti
)
PLACE_WORDS_AFTER = ("kommun", "kommune", "kommunka", "municipality")


class Gazetteer:
    """The names of the municipalities, per language, as the search analyses words."""

    def __init__(self) -> None:
        self._names: dict[str, dict[str, set[str]]] = {}  # language -> name token -> municipality slugs
        # slug -> how a COMMON_WORDS name is written as a name, or as a place (`_written_as_name`)
        self._as_written: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}
        # language -> the names' first two letters -> those names: a typo or an ending seldom changes the start
        self._starts: dict[str, dict[str, list[tuple[str, set[str]]]]] = {}

    def update(self, municipalities: Iterable[Municipality], analyzers: dict[str, tantivy.TextAnalyzer]) -> None:
        """Learn every municipality's Swedish name, its names in other scripts and its one-word search terms."""
        names: dict[str, dict[str, set[str]]] = {code: {} for code in analyzers}
        for town in municipalities:
            for code, analyzer in analyzers.items():
                terms = [town.name, *town.names.values(), *town.search_terms.get(code, [])]
                for term in terms:
                    tokens = analyzer.analyze(normalize(term))
                    if len(tokens) == 1:  # "Umeå", "أوميو"; not "комуна Умео", whose first word names no town
                        names[code].setdefault(tokens[0], set()).add(town.slug)
        self._names = names
        self._as_written = {
            town.slug: _written_as_name(town.name) for town in municipalities if fold(town.name) in COMMON_WORDS
        }
        self._starts = {code: {} for code in names}
        for code, known in names.items():
            for name, slugs in known.items():
                self._starts[code].setdefault(name[:2], []).append((name, slugs))

    def named(self, lang: str, words: list[str], question: str = "") -> set[str]:
        """Return the slugs of the municipalities that the (analysed, unstemmed) words of a question name; a name
        that is also a common word only when `question` writes it as the name."""
        known, starts = self._names.get(lang, {}), self._starts.get(lang, {})
        found: set[str] = set()
        doubtful: set[str] = set()  # found through a name that is also a common word
        for word in words:
            if word in known:
                (doubtful if word in COMMON_WORDS else found).update(known[word])
                continue
            for name, slugs in starts.get(word[:2], ()):
                if name in COMMON_WORDS:
                    if word == name + "s":  # the genitive, but no typo: "sätter" is not Säter
                        doubtful |= slugs
                elif _same_name(word, name):
                    found |= slugs
        if doubtful - found:
            written = unicodedata.normalize("NFC", question)
            texts = (written, fold(written))
            for slug in doubtful - found:
                patterns = self._as_written.get(slug)
                if patterns is None or any(p.search(text) for p, text in zip(patterns, texts, strict=True)):
                    found.add(slug)
        return found


def _written_as_name(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns for a COMMON_WORDS name: as a name in the question as written, and as a place in its folded form."""
    name = unicodedata.normalize("NFC", name)
    folded = fold(name)
    forms = {name, folded.capitalize()} | ({name.lower()} if name.lower() != folded else set())
    as_name = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, sorted(forms)))})s?(?!\w)")
    before = "|".join(map(re.escape, PLACE_WORDS_BEFORE))
    after = "|".join(map(re.escape, PLACE_WORDS_AFTER))
    word = re.escape(folded)
    as_place = re.compile(rf"(?<!\w)(?:(?:{before})\s+{word}s?(?!\w)|{word}s?\s+(?:{after}))")
    return as_name, as_place


def _same_name(word: str, name: str) -> bool:
    if word == name or word == name + "s":  # "Umeås kommun"
        return True
    if len(name) < MIN_FUZZY or abs(len(word) - len(name)) > INFLECTION:
        return False
    stem = len(name) - INFLECTION
    if not word.isascii() and word[:stem] == name[:stem] and len(word) >= stem:
        return True  # Cyrillic, Arabic or Ge'ez inflect names: the same beginning, another ending
    return _one_edit(word, name)


def _one_edit(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by at most one inserted, deleted or changed letter."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :] or (len(a) == len(b) and a[i + 1 :] == b[i + 1 :])
