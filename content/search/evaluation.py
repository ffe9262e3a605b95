"""Measuring search against a set of questions with known answers (`vagvisare eval`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from content.files.schema import LanguageCode
from content.files.yaml_io import read_list
from content.search.index import Hit
from translations.languages import CODES, EASY_SWEDISH, SOURCE_LANGUAGE

DEFAULT_EVAL_FILE = Path(__file__).resolve().parents[2] / "tests" / "data" / "eval.yaml"


class Question(BaseModel):
    """One question of an evaluation set: accepted answers are slugs or `municipality:SLUG`; none = out of scope."""

    model_config = ConfigDict(extra="forbid")

    lang: LanguageCode
    question: str = Field(min_length=1)
    expect: list[str] = Field(default_factory=list)

    def accepts(self, hit: Hit) -> bool:
        return hit.slug in self.expect or (
            hit.municipality is not None and f"municipality:{hit.municipality}" in self.expect
        )


def read_questions(path: Path) -> list[Question]:
    """Read an evaluation file, raising `ContentFileError` with the line of each bad entry."""
    return read_list(path, Question, "questions")


@dataclass(slots=True)
class Tally:
    questions: int = 0
    in_scope: int = 0
    top1: int = 0
    top3: int = 0
    out_of_scope: int = 0
    out_of_scope_empty: int = 0  # out-of-scope questions answered with nothing (correct)
    empty: int = 0  # all questions answered with nothing
    misses: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "questions": self.questions,
            "top1": _share(self.top1, self.in_scope),
            "top3": _share(self.top3, self.in_scope),
            "out_of_scope_accuracy": _share(self.out_of_scope_empty, self.out_of_scope),
            "out_of_scope_precision": _share(self.out_of_scope_empty, self.empty),
        }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def evaluate(questions: Sequence[Question], ask: Callable[[str, str], list[Hit]]) -> tuple[Tally, dict[str, Tally]]:
    """Ask every question; return the totals and the tallies per language."""
    total, per_lang = Tally(), dict[str, Tally]()
    for question in questions:
        hits = ask(question.lang, question.question)
        for tally in (total, per_lang.setdefault(question.lang, Tally())):
            _count(tally, question, hits)
    return total, dict(sorted(per_lang.items(), key=lambda item: CODES.index(item[0])))


def _count(tally: Tally, question: Question, hits: list[Hit]) -> None:
    tally.questions += 1
    tally.empty += not hits
    if not question.expect:
        tally.out_of_scope += 1
        tally.out_of_scope_empty += not hits
        if hits:
            tally.misses.append({"question": question.question, "expect": [], "got": [h.slug for h in hits[:3]]})
        return
    tally.in_scope += 1
    tally.top1 += bool(hits) and question.accepts(hits[0])
    found = any(question.accepts(hit) for hit in hits[:3])
    tally.top3 += found
    if not found:
        tally.misses.append(
            {"question": question.question, "expect": question.expect, "got": [h.slug for h in hits[:3]]}
        )


UNDECIDED = "none"


def detection_table(questions: Sequence[Question], detect: Callable[[str], str | None]) -> dict[str, Counter[str]]:
    """Per true language, how often each language (or none) was detected; easy Swedish detected as Swedish."""
    table: dict[str, Counter[str]] = {}
    for question in questions:
        table.setdefault(question.lang, Counter())[detect(question.question) or UNDECIDED] += 1
    return dict(sorted(table.items(), key=lambda item: CODES.index(item[0])))


def detected_right(lang: str, detected: str) -> bool:
    """Whether a detection is the question's own language (Swedish counts for easy Swedish)."""
    return detected == lang or (lang == EASY_SWEDISH and detected == SOURCE_LANGUAGE)
