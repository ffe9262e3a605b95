"""Which of the nine languages a question is written in, when that can be told with confidence.

Three steps, cheapest and surest first (docs/search.md, "Questions in another language", has the measurements):

1. **The script.** Ge'ez letters are Tigrinya; Arabic letters Arabic or Persian; Cyrillic Ukrainian or Russian;
   Latin letters Swedish, English or Somali.
2. **Letters only one language of a pair has.** Persian پ چ ژ گ against Arabic ة ى أ إ ؤ; Ukrainian і ї є ґ
   against Russian ы э ъ ё.
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

PROFILE_SIZE = 1000  # n-grams kept per language
SAMPLE_CHARS = 40_000  # text per language the profiles are counted from, spread over all its texts (about 0.2 s)
# Fewer letters than this in a script shared by several languages: too little to tell them apart ("Kiruna").
MIN_LETTERS = {"Latn": 8, "Arab": 5, "Cyrl": 5}
# Nats per n-gram by which the best language must beat the next, per script (tuned on tests/data/eval.yaml; see
# docs/search.md): Swedish, English and Somali differ more than Ukrainian and Russian do.
MIN_MARGIN = {"Latn": 0.45, "Arab": 0.2, "Cyrl": 0.15}

# The languages that share each script; Ge'ez has one.
BY_SCRIPT = {"Latn": ("sv", "en", "so"), "Arab": ("ar", "fa"), "Cyrl": ("uk", "ru"), "Ethi": ("ti",)}
# Letters that only one language of its script writes. Arabic yeh and kaf (ي ك) are not among them: Persian is
# often typed on Arabic keyboards; and å ä ö are not Swedish markers, since every language writes Umeå and Malå.
MARKERS = {
    "fa": frozenset("پچژگ"),  # U+067E U+0686 U+0698 U+06AF
    "ar": frozenset("ةىأإؤ"),  # teh marbuta, alef maksura, hamza forms
    "uk": frozenset("іїєґ"),
    "ru": frozenset("ыэъё"),
}
ARABIC_KEYBOARD = str.maketrans("يك", "یک")  # Arabic yeh and kaf as the Persian letters, for the n-grams


def script_of(letter: str) -> str | None:
    """Return the script of one letter (Latn, Arab, Cyrl, Ethi), or None for any other."""
    code = ord(letter)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "Arab"
    if 0x0400 <= code <= 0x052F:
        return "Cyrl"
    if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF or 0xAB00 <= code <= 0xAB2F:
        return "Ethi"
    if (letter.isascii() and letter.isalpha()) or 0x00C0 <= code <= 0x024F:
        return "Latn"
    return None


def _letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFC", text.lower()) if ch.isalpha())


def _grams(text: str) -> list[str]:
    grams: list[str] = []
    for word in _words(text):
        padded = f" {word} "
        size = len(padded)
        grams += [padded[i : i + 2] for i in range(size - 1)]
        grams += [padded[i : i + 3] for i in range(size - 2)]
    return grams


@dataclass(frozen=True, slots=True)
class Profile:
    """One language's most frequent n-grams, as log probabilities."""

    logp: dict[str, float]
    unseen: float  # the log probability of an n-gram not in the profile

    @classmethod
    def of(cls, texts: Iterable[str]) -> Profile:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(_grams(text))
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
            code = SOURCE_LANGUAGE if lang == EASY_SWEDISH else lang
            by_lang.setdefault(code, []).append(_folded(text, "Arab") if code in BY_SCRIPT["Arab"] else text)
        return cls({lang: Profile.of(_sample(parts)) for lang, parts in by_lang.items()})

    def detect(self, text: str) -> str | None:
        """Return the language `text` is written in (easy Swedish as "sv"), or None when it cannot be told."""
        script, letters = _main_script(text)
        if script is None:
            return None
        candidates = BY_SCRIPT[script]
        if len(candidates) == 1:
            return candidates[0]
        if by_letters := _by_letters(letters, candidates):
            return by_letters
        if len(letters) < MIN_LETTERS[script]:
            return None
        return self._by_ngrams(_in_script(text, script), candidates, MIN_MARGIN[script])

    def _by_ngrams(self, text: str, candidates: tuple[str, ...], margin: float) -> str | None:
        grams = list(_grams(text))
        scored = sorted(
            ((profile.score(grams), lang) for lang, profile in self._profiles.items() if lang in candidates),
            reverse=True,
        )
        if len(scored) < 2 or not grams:
            return scored[0][1] if scored and grams else None
        (best, lang), (second, _) = scored[0], scored[1]
        return lang if (best - second) / len(grams) >= margin else None


def _sample(texts: list[str]) -> list[str]:
    """About SAMPLE_CHARS of `texts`, taken evenly from all of them (every topic, not the first few alphabetically)."""
    total = sum(len(text) for text in texts)
    if total <= SAMPLE_CHARS:
        return texts
    step = total / SAMPLE_CHARS
    return texts[:: max(1, round(step))]


def _by_letters(letters: str, candidates: tuple[str, ...]) -> str | None:
    """The one candidate whose own letters the text has, when the others' are absent."""
    present = [lang for lang in candidates if lang in MARKERS and MARKERS[lang] & set(letters)]
    return present[0] if len(present) == 1 else None


def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalpha() else " " for ch in unicodedata.normalize("NFC", text.lower())).split()


def _main_script(text: str) -> tuple[str | None, str]:
    """The script a question is written in, and its letters in that script.

    People write Swedish names and words (Umeå, sfi, Skatteverket) inside their own language, never the other
    way round: so the script of the words that are not Latin decides, once they are at least a third of all words.
    """
    by_script: dict[str, list[str]] = {}
    for word in _words(text):
        scripts = Counter(script for script in map(script_of, word) if script)
        if scripts:
            by_script.setdefault(scripts.most_common(1)[0][0], []).append(word)
    total = sum(len(words) for words in by_script.values())
    others = sorted(((len(words), script) for script, words in by_script.items() if script != "Latn"), reverse=True)
    if others:
        count, script = others[0]
        if count * 3 < total or (len(others) > 1 and others[1][0] * 2 > count):
            return None, ""
    elif "Latn" in by_script:
        script = "Latn"
    else:
        return None, ""
    letters = "".join(by_script[script])
    return script, _folded(letters, script)


def _in_script(text: str, script: str) -> str:
    """The words of `text` in `script`, with Arabic-keyboard yeh and kaf read as Persian ones (both are typed)."""
    words = [word for word in _words(text) if script_of(word[0]) == script]
    return _folded(" ".join(words), script)


def _folded(text: str, script: str) -> str:
    return text.translate(ARABIC_KEYBOARD) if script == "Arab" else text
