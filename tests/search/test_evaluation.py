"""Search quality on the project's evaluation set, over the real starter content, on every database kind."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.loading import load_repository
from content.search.evaluation import DEFAULT_EVAL_FILE, evaluate, read_questions
from content.search.index import SearchIndex

Sessions = async_sessionmaker[AsyncSession]


def test_the_evaluation_set_is_big_and_varied_enough() -> None:
    questions = read_questions(DEFAULT_EVAL_FILE)
    languages = Counter(q.lang for q in questions)
    assert len(questions) >= 150
    assert languages["sv"] >= 25
    assert languages["en"] >= 25
    assert set(languages) == {"sv", "sv-x-easy", "en", "ar", "fa", "uk", "ru", "so", "ti"}
    assert sum(not q.expect for q in questions) >= 20  # questions the content cannot answer


SEEN_SET = DEFAULT_EVAL_FILE.with_name("eval-holdout-3.yaml")  # blind in stop 15, consulted in stop 16
BLIND_SET = DEFAULT_EVAL_FILE.with_name("eval-holdout-4.yaml")  # written blind in stop 16; how it was used: search.md


async def test_search_meets_its_targets_on_the_evaluation_set_and_the_blind_one(sessions: Sessions) -> None:
    await load_repository(sessions)
    index = SearchIndex()
    async with sessions() as session:
        await index.refresh(session)
    # The floors sit just under the figures measured in stop 16 (docs/search.md), so a change that loses
    # answers or lets off-topic questions back in fails here.
    floors = ((DEFAULT_EVAL_FILE, 0.94, 0.72, 0.86), (SEEN_SET, 0.93, 0.77, 0.97), (BLIND_SET, 0.85, 0.70, 0.95))
    for path, top3, out_of_scope, precision in floors:
        total, _ = evaluate(read_questions(path), index.search)
        figures = total.as_json()
        assert (figures["top3"] or 0) >= top3, (path.name, total.misses)
        assert (figures["out_of_scope_accuracy"] or 0) >= out_of_scope, (path.name, total.misses)
        assert (figures["out_of_scope_precision"] or 0) >= precision, (path.name, total.misses)
