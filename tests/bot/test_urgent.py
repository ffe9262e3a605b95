"""Words of danger in the registry's languages, including Arabic-script words with joined articles."""

from __future__ import annotations

import pytest

from bot.urgent import is_urgent


@pytest.mark.parametrize(
    "text",
    [
        "Min man slår mig",
        "jag har självmordstankar",
        "I want to kill myself",
        "Someone threatened me with a knife",
        "العنف في البيت",  # the article joined to the word
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
