"""Is a question about anything the content covers? A small naive Bayes model per language.

Lexical coverage cannot tell "football results today" from a question about associations: the associations
article does mention football. So a second opinion: per language, how often each word occurs in what the content
is about (every article's title, keywords and curated search terms) and in questions it cannot answer
(`off_topic.yaml`, 40 messages per language the team wrote without seeing the content or the evaluation sets:
weather, sport, shopping, prices, travel, homework, poems, politics, diagnoses, one's own case). The log odds of
the question's words (Laplace smoothing; a word neither side has seen says nothing) tell how much more the question
looks like the off-topic messages. The search only uses this to ask more of a weak answer (see `index.py`); it
never answers by itself. Measured side by side with the lexical rules in docs/search.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

OFF_TOPIC_FILE = Path(__file__).with_name("off_topic.yaml")
SMOOTHING = 1.0

Features = Callable[[str, str], list[str]]


@dataclass(frozen=True, slots=True)
class _Language:
    about: Counter[str]  # in how many of the content's phrases each word occurs
    off: Counter[str]  # in how many off-topic messages
    about_total: int
    off_total: int
    vocabulary: int


def off_topic_messages(path: Path = OFF_TOPIC_FILE) -> dict[str, list[str]]:
    """Return the team's off-topic messages per language."""
    with path.open(encoding="utf-8") as file:
        data = yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
    return {str(lang): [str(message) for message in messages] for lang, messages in data.items()}


class ScopeModel:
    """Per language, the log odds that a question is off the content's topics."""

    def __init__(self, languages: Mapping[str, _Language]) -> None:
        self._languages = dict(languages)

    @classmethod
    def train(
        cls, about: Iterable[tuple[str, str]], off_topic: Mapping[str, list[str]], features: Features
    ) -> ScopeModel:
        """Count each phrase's distinct words: `about` is (language, phrase) from the content."""
        on: dict[str, Counter[str]] = {}
        for lang, phrase in about:
            on.setdefault(lang, Counter()).update(set(features(lang, phrase)))
        languages = {}
        for lang, counts in on.items():
            off: Counter[str] = Counter()
            for message in off_topic.get(lang, []):
                off.update(set(features(lang, message)))
            if not off:
                continue  # no off-topic examples: no opinion in this language
            vocabulary = len(counts.keys() | off.keys())
            languages[lang] = _Language(counts, off, sum(counts.values()), sum(off.values()), vocabulary)
        return cls(languages)

    def log_odds(self, lang: str, words: Iterable[str]) -> float:
        """How much more `words` look off-topic than on-topic (0: no opinion)."""
        model = self._languages.get(lang)
        if model is None:
            return 0.0
        about_norm = model.about_total + SMOOTHING * model.vocabulary
        off_norm = model.off_total + SMOOTHING * model.vocabulary
        odds = 0.0
        for word in set(words):
            if word not in model.about and word not in model.off:
                continue
            odds += math.log((model.off[word] + SMOOTHING) / off_norm)
            odds -= math.log((model.about[word] + SMOOTHING) / about_norm)
        return odds
