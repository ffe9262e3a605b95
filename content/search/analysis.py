"""Turning text into search terms: tantivy analyzers per language, and Swedish compound splitting."""

from __future__ import annotations

from collections.abc import Iterable

import tantivy

from content.search.text import STOP_WORDS
from translations.languages import BY_CODE, EASY_SWEDISH, SOURCE_LANGUAGE

COMPOUND_LANGUAGES = frozenset({SOURCE_LANGUAGE, EASY_SWEDISH})
MIN_PART = 4  # shorter heads split too eagerly: "allsvenskan" is not "all" + "svenskan"
MIN_COMPOUND = 7


def analyzer(lang: str, *, stem: bool = True) -> tantivy.TextAnalyzer:
    """Return the analyzer for `lang`: words, lower case, Latin folded to ASCII, stop words out, stemmed."""
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.custom_stopword(sorted(STOP_WORDS[lang])))
    )
    stemmer = BY_CODE[lang].stemmer
    if stem and stemmer:
        builder = builder.filter(tantivy.Filter.stemmer(stemmer))
    return builder.build()


def split_compound(word: str, known: set[str]) -> list[str]:
    """Split a Swedish compound into known parts, longest head first: "korkortsprovet" -> korkort, provet.

    Swedish joins words freely ("svenskundervisning", "bostadskö"), so a question often holds, as one word,
    words that an article uses apart. Only heads found in the content's own vocabulary are split off; a
    linking s ("körkort-s-prov") is dropped. Returns [] when no known head is found.
    """
    if len(word) < MIN_COMPOUND or word in known:
        return []
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        if head not in known:
            continue
        if tail.startswith("s") and len(tail) > MIN_PART and tail not in known:
            tail = tail[1:]
        return [head, *(split_compound(tail, known) or [tail])]
    return []


def vocabulary(texts: Iterable[str], stemmer: tantivy.TextAnalyzer, plain: tantivy.TextAnalyzer) -> set[str]:
    """Return the folded words of `texts` and their stems: what compound heads may be."""
    words: set[str] = set()
    for text in texts:
        for word in plain.analyze(text):
            if len(word) >= MIN_PART:
                words.add(word)
                words.update(stem for stem in stemmer.analyze(word) if len(stem) >= MIN_PART)
    return words
