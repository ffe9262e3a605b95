"""Search latency with the starter content multiplied to 5,000 articles in 9 languages.

Usage: .venv/bin/python benchmarks/search_latency.py [--articles 5000] [--rounds 3]

Copies every starter article under new slugs until there are N articles, gives each a text in every registry
language (the English text stands in for languages without one, so every language's fields are full), loads them
into a fresh SQLite file through the repository functions, builds the search index and asks every question of the
evaluation set, in its language, ROUNDS times. Prints index build time, resident memory and latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.db import migrate, open_database
from content.files.repository import DEFAULT_ROOT, apply_bundle, read_bundle
from content.files.schema import ArticleFile, TranslationFile
from content.search.evaluation import DEFAULT_EVAL_FILE, read_questions
from content.search.index import SearchIndex
from translations.languages import CODES, SOURCE_LANGUAGE


def multiplied(articles: list[ArticleFile], total: int) -> list[ArticleFile]:
    """Return `total` articles: the originals, then numbered copies, each with a text in every language."""
    result = []
    for number in range(total):
        original = articles[number % len(articles)]
        copy = original.model_copy(deep=True)
        if number >= len(articles):
            copy.slug = f"{original.slug[:38]}-{number}"
        english = copy.translations.get("en") or copy.translations[SOURCE_LANGUAGE]
        for code in CODES:
            if code not in copy.translations:
                copy.translations[code] = TranslationFile(
                    status="machine",
                    source_version=copy.version,
                    title=english.title,
                    summary=english.summary,
                    body=english.body,
                    keywords=english.keywords,
                )
        result.append(copy)
    return result


async def main(total: int, rounds: int) -> None:
    bundle = read_bundle(DEFAULT_ROOT)
    bundle.articles = multiplied(bundle.articles, total)
    questions = read_questions(DEFAULT_EVAL_FILE)
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{directory}/bench.sqlite3"
        await migrate(url)
        async with open_database(url) as sessions:
            started = time.perf_counter()
            async with sessions() as session, session.begin():
                await apply_bundle(session=session, bundle=bundle, actor="benchmark")
            loaded = time.perf_counter() - started
            index = SearchIndex()
            started = time.perf_counter()
            async with sessions() as session:
                await index.refresh(session)
            built = time.perf_counter() - started
            timings = []
            for _ in range(rounds):
                for question in questions:
                    started = time.perf_counter()
                    index.search(question.lang, question.question)
                    timings.append((time.perf_counter() - started) * 1000)
            refresh = []
            for _ in range(50):
                started = time.perf_counter()
                async with sessions() as session:
                    await index.refresh(session)
                refresh.append((time.perf_counter() - started) * 1000)
    timings.sort()
    q = statistics.quantiles(timings, n=100)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {total} x {len(CODES)} languages = {total * len(CODES)} indexed documents")
    print(f"load into SQLite: {loaded:.1f} s; index build: {built:.1f} s; peak RSS: {rss:.0f} MB")
    print(f"searches: {len(timings)} ({len(questions)} questions x {rounds} rounds)")
    print(f"latency ms: p50 {q[49]:.2f}  p90 {q[89]:.2f}  p99 {q[98]:.2f}  max {timings[-1]:.2f}")
    print(f"up-to-date check before a search (refresh with no change) ms: median {statistics.median(refresh):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.articles, args.rounds))
