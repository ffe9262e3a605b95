"""Which occupations a question names: "I am an engineer" leads to where engineers are in demand.

Per language, every occupation's name in that language, its Swedish name (people use the Swedish word for their
job: "undersköterska", "barnskötare") and its curated search terms are read as words: lower case, Latin letters
without diacritics, stop words out, but not stemmed (the Swedish stemmer makes "lär" of both "lärare", teacher,
and "lära", to learn). A name's word of six letters or more also matches the words that begin with it
("engineers", "інженером"); a shorter one only itself. A name's parts between slashes and brackets count each
("Молодша медсестра / молодший медбрат", "مهندس (انجنیر)"). A question names an occupation when the words of one
of those names follow each other in it; a name found inside a longer one that is also found counts once, as the
longer ("assistant nurse", not also "nurse"). Occupations are not articles: the bot offers them beside the
answers, as a way to the screen of where each is in demand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from content.models import Occupation
from translations.languages import SOURCE_LANGUAGE


@dataclass(frozen=True, slots=True)
class NamedOccupation:
    """An occupation a question names, with its names to show in the reader's language."""

    slug: str
    names: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Name:
    words: tuple[str, ...]
    slug: str


class OccupationFinder:
    """The occupations' names per language, as the search analyses words."""

    def __init__(self) -> None:
        self._by_first: dict[str, dict[str, list[_Name]]] = {}  # language -> first word -> names beginning with it
        self._names: dict[str, dict[str, str]] = {}  # slug -> its names per language

    def update(
        self, occupations: Iterable[Occupation], features: Callable[[str, str], list[str]], languages: Iterable[str]
    ) -> None:
        """Learn every occupation's names and search terms, in every language, as `features` gives their words
        (the search's unstemmed analysis)."""
        by_first: dict[str, dict[str, list[_Name]]] = {code: {} for code in languages}
        names: dict[str, dict[str, str]] = {}
        for occupation in occupations:
            names[occupation.slug] = dict(occupation.name)
            for code in by_first:
                phrases = {
                    occupation.name.get(code, ""),
                    occupation.name.get(SOURCE_LANGUAGE, ""),
                    *occupation.search_terms.get(code, []),
                }
                for phrase in phrases:
                    for part in re.split(r"[/()]", phrase):  # "Молодша медсестра / молодший медбрат", "مهندس (انجنیر)"
                        words = tuple(features(code, part))
                        if words and _Name(words, occupation.slug) not in by_first[code].get(words[0], []):
                            by_first[code].setdefault(words[0], []).append(_Name(words, occupation.slug))
        self._by_first, self._names = by_first, names

    def named(self, lang: str, words: list[str], prefix_from: int) -> list[NamedOccupation]:
        """The occupations named in a question of `lang` whose words are `words`, in order of appearance.

        A name's word of at least `prefix_from` letters also matches the words that begin with it ("engineers",
        "інженером"); a shorter one only itself ("врач", not "врачом": nor "cook" "cookies")."""
        index = self._by_first.get(lang, {})
        spans: list[tuple[int, int, str]] = []
        for start, word in enumerate(words):
            firsts = {word, *(word[:j] for j in range(prefix_from, len(word)))}
            for name in (name for first in firsts for name in index.get(first, ())):
                end = start + len(name.words)
                there = words[start:end]
                if len(there) == len(name.words) and all(
                    w == n or (len(n) >= prefix_from and w.startswith(n))
                    for w, n in zip(there, name.words, strict=True)
                ):
                    spans.append((start, end, name.slug))
        longest = [
            (start, end, slug)
            for start, end, slug in spans
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
        ]
        slugs = dict.fromkeys(slug for _, _, slug in sorted(longest))
        return [NamedOccupation(slug, self._names[slug]) for slug in slugs]
