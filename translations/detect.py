"""Which of the nine languages a question is written in, when that can be told with confidence.

Three steps, cheapest and surest first (docs/search.md, "Questions in another language", has the measurements):

1. **The script.** Ge'ez letters are Tigrinya; Arabic letters Arabic or Persian; Cyrillic Ukrainian or Russian;
   Latin letters Swedish, English or Somali.
2. **Letters only one language of a pair has.** Persian پ چ ژ گ and its own ی ک against Arabic ة ى ي ك أ إ ؤ;
   Ukrainian і ї є ґ against Russian ы э ъ ё; Swedish å ä ö.
3. **Character n-grams** for what is left (Swedish, English and Somali; Arabic-script or Cyrillic text without
   the telling letters): a small profile per language of the 1–3-letter sequences of the published content in that
   language, compared with the question's (naive Bayes over the most frequent n-grams).

Easy Swedish is Swedish here: its questions are Swedish, and a reader of easy Swedish who writes Swedish stays
with easy Swedish. Short or mixed text ("Kiruna", "sfi?") gets no answer rather than a guess.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from translations.languages import EASY_SWEDISH, SOURCE_LANGUAGE

PROFILE_SIZE = 2000  # n-grams kept per language
MIN_LETTERS = 8  # fewer letters than this in Latin, Arabic or Cyrillic script: too little to tell the languages apart
MIN_MARGIN = 0.45  # nats per n-gram by which the best language must beat the next (tuned on tests/data/eval.yaml)
SCRIPT_SHARE = 0.6  # the share of a question's letters that must be in one script

# The languages that share each script; Ge'ez has one.
BY_SCRIPT = {"Latn": ("sv", "en", "so"), "Arab": ("ar", "fa"), "Cyrl": ("uk", "ru"), "Ethi": ("ti",)}
# Letters that only one language of its script writes.
MARKERS = {
    "fa": frozenset("پچژگیک"),  # U+067E U+0686 U+0698 U+06AF, and Persian yeh and keheh
    "ar": frozenset("ةىيكأإؤ"),  # teh marbuta, alef maksura, Arabic yeh and kaf, hamza forms
    "uk": frozenset("іїєґ"),
    "ru": frozenset("ыэъё"),
    "sv": frozenset("åäö"),
}


def script_of(letter: str) -> str | None:
    """Return the script of one letter (Latn, Arab, Cyrl, Ethi), or None for any other."""
    code = ord(letter)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "Arab"
    if 0x0400 <= code <= 0x052F:
        return "Cyrl"
    if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF or 0xAB00 <= code <= 0xAB2F:
        return "Ethi"
    if letter.isascii() or 0x00C0 <= code <= 0x024F:
        return "Latn"
    return None


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFC", text.lower()) if ch.isalpha())


def _grams(text: str) -> Iterable[str]:
    for word in "".join(ch if ch.isalpha() else " " for ch in unicodedata.normalize("NFC", text.lower())).split():
        padded = f" {word} "
        for size in (1, 2, 3):
            for start in range(len(padded) - size + 1):
                gram = padded[start : start + size]
                if gram != " ":
                    yield gram


@dataclass(frozen=True, slots=True)
class Profile:
    """One language's most frequent n-grams, as log probabilities."""

    logp: dict[str, float]
    unseen: float  # the log probability of an n-gram not in the profile

    @classmethod
    def of(cls, texts: Iterable[str]) -> Profile:
        counts = Counter(gram for text in texts for gram in _grams(text))
        kept = counts.most_common(PROFILE_SIZE)
        total = sum(counts.values()) + len(counts) + 1
        return cls({gram: math.log((n + 1) / total) for gram, n in kept}, math.log(1 / total))

    def score(self, grams: list[str]) -> float:
        return sum(self.logp.get(gram, self.unseen) for gram in grams)


class LanguageDetector:
    """Tells the language of a question; built from the published texts of each language."""

    def __init__(self, profiles: dict[str, Profile]) -> None:
        self._profiles = profiles

    @classmethod
    def from_texts(cls, texts: Iterable[tuple[str, str]]) -> LanguageDetector:
        """Build from (language, text) pairs; easy Swedish counts as Swedish."""
        by_lang: dict[str, list[str]] = {}
        for lang, text in texts:
            by_lang.setdefault(SOURCE_LANGUAGE if lang == EASY_SWEDISH else lang, []).append(text)
        return cls({lang: Profile.of(parts) for lang, parts in by_lang.items()})

    def detect(self, text: str) -> str | None:
        """Return the language `text` is written in (easy Swedish as "sv"), or None when it cannot be told."""
        letters = _letters(text)
        scripts = Counter(script for script in map(script_of, letters) if script)
        if not scripts:
            return None
        script, count = scripts.most_common(1)[0]
        if count < SCRIPT_SHARE * len(letters):
            return None
        candidates = BY_SCRIPT[script]
        if len(candidates) == 1:
            return candidates[0]
        if by_letters := _by_letters(letters, candidates):
            return by_letters
        if count < MIN_LETTERS:
            return None
        return self._by_ngrams(text, candidates)

    def _by_ngrams(self, text: str, candidates: tuple[str, ...]) -> str | None:
        grams = list(_grams(text))
        scored = sorted(
            ((profile.score(grams), lang) for lang, profile in self._profiles.items() if lang in candidates),
            reverse=True,
        )
        if len(scored) < 2 or not grams:
            return scored[0][1] if scored and grams else None
        (best, lang), (second, _) = scored[0], scored[1]
        return lang if (best - second) / len(grams) >= MIN_MARGIN else None


def _by_letters(letters: str, candidates: tuple[str, ...]) -> str | None:
    """The one candidate whose own letters the text has, when the others' are absent."""
    present = [lang for lang in candidates if lang in MARKERS and MARKERS[lang] & set(letters)]
    if len(present) != 1:
        return None
    lang = present[0]
    others = [other for other in candidates if other != lang]
    # Swedish letters tell Swedish from English and Somali; the pairs' letters tell one from the other.
    return lang if all(not (MARKERS.get(other, frozenset()) & set(letters)) for other in others) else None
