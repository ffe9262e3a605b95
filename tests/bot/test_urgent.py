"""Words of danger in the registry's languages, including Arabic-script words with joined articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.urgent import is_urgent, urgent_kind
from bot.urgent_eval import evaluate, read_messages
from translations.languages import CODES

HELD_OUT_RECALL = 0.65  # measured 68.9 % in stop 15 (docs/inbox.md)
HELD_OUT_FALSE_ALARMS = 0.15  # measured 11.7 %


@pytest.mark.parametrize(
    "text",
    [
        "Min man slår mig",
        "jag har självmordstankar",
        "I want to kill myself",
        "Someone threatened me with a knife",
        "زوجي يضربني بالسكين",  # a pronoun and a preposition joined to the words
        "هددني بسكين",  # a preposition joined to the word
        "می‌خواهم بمیرم",  # a zero-width non-joiner inside
        "Хочу померти",
        "Он мне угрожает",
        "WANT TO DIE",
    ],
)
def test_words_of_danger_are_found(text: str) -> None:
    assert is_urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "Where can I learn Swedish?",
        "Hur fungerar SFI?",
        "أين أتعلم اللغة السويدية؟",
        "Це краще ніж учора",  # "ніж" is also "than"
        "Как получить водительские права?",
        "",
    ],
)
def test_ordinary_questions_are_not_flagged(text: str) -> None:
    assert not is_urgent(text)


TUNING_SET = Path(__file__).resolve().parents[1] / "data" / "urgent.yaml"
HELD_OUT_SET = TUNING_SET.with_name("urgent-holdout.yaml")


@pytest.mark.parametrize("lang", CODES)
def test_every_urgent_message_of_the_tuning_set_is_flagged_and_under_5_percent_of_harmless_ones(lang: str) -> None:
    _, per_lang = evaluate(read_messages(TUNING_SET), is_urgent)
    tally = per_lang[lang]
    assert tally.urgent >= 20
    assert tally.harmless >= 20
    assert tally.recall == 1.0, [m.text for m in tally.misses if m.urgent]
    assert (tally.false_alarm_rate or 0) < 0.05, [m.text for m in tally.misses if not m.urgent]


def test_on_the_held_out_set_nearly_every_urgent_message_is_flagged() -> None:
    total, per_lang = evaluate(read_messages(HELD_OUT_SET), is_urgent)
    # Floors just under the figures measured when the set was written (docs/inbox.md); never tuned on.
    assert (total.recall or 0) >= HELD_OUT_RECALL, [m.text for m in total.misses if m.urgent]
    assert (total.false_alarm_rate or 0) <= HELD_OUT_FALSE_ALARMS, [m.text for m in total.misses if not m.urgent]
    assert set(per_lang) == set(CODES)


def test_each_kind_of_danger_is_told() -> None:
    assert urgent_kind("jag har tagit massa tabletter") == "self_harm"
    assert urgent_kind("my husband hits me") == "violence"
    assert urgent_kind("What is the number of the women's helpline?") is None
