"""Free-text search over published articles in every language, with tantivy.

One in-memory tantivy index holds a document per article and language, with a title and a body field per
language, each analysed with that language's analyzer. A language without a translation of an article still finds
it through the article's curated search terms in that language and the fallback text (English, then Swedish),
and the hit is shown in the fallback language.

Each process keeps its own index and catches up with the database before answering (`refresh`): every content
change writes a revision, and the newest revision id is the index's generation. So publishing in the admin shows
up in every running bot process without a restart.
"""

from __future__ import annotations

import asyncio
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import tantivy
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import Municipality
from content.repository.articles import PublishedText, list_articles, published_texts
from content.repository.places import list_municipalities
from content.repository.records import ContentError, changed_since, content_generation
from content.search.analysis import COMPOUND_LANGUAGES, analyzer, split_compound, vocabulary
from content.search.text import normalize
from translations.languages import CODES, SOURCE_LANGUAGE, fallback_chain

MAX_QUESTION_CHARS = 500
MAX_TERMS = 12
TITLE_BOOST = 2.5
FUZZY_BOOST = 0.6
MIN_COVERAGE = 0.5  # share of the question's (idf-weighted) words an answer must contain
MIN_RELATIVE_SCORE = 0.35  # answers scoring below this share of the best one are noise


@dataclass(frozen=True, slots=True)
class Hit:
    """One answer to a question."""

    slug: str
    kind: str
    municipality: str | None
    title: str
    lang: str  # the language the title is in (a fallback when the article has no translation yet)
    score: float

    def as_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "kind": self.kind,
            "municipality": self.municipality,
            "title": self.title,
            "score": round(self.score, 3),
        }


def _field(kind: str, lang: str) -> str:
    return f"{kind}_{lang.replace('-', '_')}"


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("slug", stored=True, tokenizer_name="raw")
    builder.add_text_field("lang", stored=True, tokenizer_name="raw")
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    builder.add_text_field("municipality", stored=True, tokenizer_name="raw")
    builder.add_text_field("display_title", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("display_lang", stored=True, tokenizer_name="raw", index_option="basic")
    for code in CODES:
        builder.add_text_field(_field("title", code), tokenizer_name=f"lang_{code}")
        builder.add_text_field(_field("body", code), tokenizer_name=f"lang_{code}")
    return builder.build()


class SearchIndex:
    """Answers free-text questions from published content; see the module docstring."""

    def __init__(self) -> None:
        self._schema = _schema()
        self._index = tantivy.Index(self._schema)
        self._analyzers = {code: analyzer(code) for code in CODES}
        self._plain = {code: analyzer(code, stem=False) for code in CODES}
        for code, language_analyzer in self._analyzers.items():
            self._index.register_tokenizer(f"lang_{code}", language_analyzer)
        self._known: dict[str, set[str]] = {code: set() for code in COMPOUND_LANGUAGES}
        self._docs_per_lang = 0
        self.generation = -1
        self._lock = asyncio.Lock()

    async def refresh(self, session: AsyncSession) -> bool:
        """Catch up with content changes since the last refresh; return whether anything changed."""
        generation = await content_generation(session=session)
        if generation == self.generation:
            return False
        async with self._lock:
            if generation == self.generation:
                return False
            if self.generation < 0:
                slugs = None
            else:
                changed = await changed_since(session=session, generation=self.generation)
                slugs = await _affected_articles(session, changed)
            texts = await published_texts(session=session, slugs=slugs)
            municipalities = {m.slug: m for m in await list_municipalities(session=session)}
            await asyncio.to_thread(self._apply, texts, municipalities, slugs)
            self.generation = generation
        return True

    def _apply(
        self, texts: list[PublishedText], municipalities: dict[str, Municipality], slugs: list[str] | None
    ) -> None:
        by_article: dict[str, dict[str, PublishedText]] = defaultdict(dict)
        for text in texts:
            by_article[text.slug][text.lang] = text
        writer = self._index.writer(heap_size=15_000_000, num_threads=1)
        if slugs is None:
            writer.delete_all_documents()
        else:
            for slug in slugs:
                writer.delete_documents_by_term("slug", slug)
        for translations in by_article.values():
            for document in _documents(translations, municipalities):
                writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        swedish = [" ".join([t.title, t.summary, t.body, *t.keywords]) for t in texts if t.lang == SOURCE_LANGUAGE]
        for code in COMPOUND_LANGUAGES:
            self._known[code] |= vocabulary(swedish, self._analyzers[code], self._plain[code])
        searcher = self._index.searcher()
        self._docs_per_lang = max(1, searcher.num_docs // len(CODES))

    def search(self, lang: str, question: str, limit: int = 5) -> list[Hit]:
        """Return the best answers to `question` in `lang`, best first; empty when nothing fits well."""
        if lang not in self._analyzers:
            raise KeyError(f"unknown language {lang!r}")
        groups = self._query_groups(lang, question)
        if not groups:
            return []
        searcher = self._index.searcher()
        weights = [math.log(1 + self._docs_per_lang / (1 + _matches(searcher, group))) for group in groups]
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, group) for group in groups])
        hits: list[Hit] = []
        for score, address in searcher.search(query, limit=max(limit * 3, 15)).hits:
            document = searcher.doc(address)
            only_this = tantivy.Query.term_query(self._schema, "slug", document["slug"][0])
            covered = sum(
                weight
                for group, weight in zip(groups, weights, strict=True)
                if _matches(
                    searcher,
                    tantivy.Query.boolean_query([(tantivy.Occur.Must, group), (tantivy.Occur.Must, only_this)]),
                )
            )
            coverage = covered / sum(weights)
            if coverage >= MIN_COVERAGE:
                hits.append(_hit(document, score * coverage))
        hits.sort(key=lambda hit: -hit.score)
        if hits:
            hits = [hit for hit in hits if hit.score >= hits[0].score * MIN_RELATIVE_SCORE]
        return hits[:limit]

    def _query_groups(self, lang: str, question: str) -> list[tantivy.Query]:
        """Return one query per word of the question (a compound matches as a whole or by its parts)."""
        words = list(dict.fromkeys(self._plain[lang].analyze(normalize(question[:MAX_QUESTION_CHARS]))))
        groups = []
        for word in words[:MAX_TERMS]:
            stems = self._analyzers[lang].analyze(word)
            if not stems:
                continue
            options = [self._term_query(lang, stems[0])]
            parts = split_compound(word, self._known[lang]) if lang in self._known else []
            part_stems = [stem for part in parts for stem in self._analyzers[lang].analyze(part)]
            if part_stems:
                options.append(
                    tantivy.Query.boolean_query(
                        [(tantivy.Occur.Should, self._term_query(lang, stem)) for stem in part_stems]
                    )
                )
            groups.append(options[0] if len(options) == 1 else tantivy.Query.disjunction_max_query(options))
        return groups

    def _term_query(self, lang: str, term: str) -> tantivy.Query:
        title, body = _field("title", lang), _field("body", lang)
        options = [
            tantivy.Query.boost_query(tantivy.Query.term_query(self._schema, title, term), TITLE_BOOST),
            tantivy.Query.term_query(self._schema, body, term),
        ]
        if len(term) >= 4:
            distance = 2 if len(term) >= 8 else 1
            for field, boost in ((title, FUZZY_BOOST * TITLE_BOOST), (body, FUZZY_BOOST)):
                fuzzy = tantivy.Query.fuzzy_term_query(self._schema, field, term, distance=distance)
                options.append(tantivy.Query.boost_query(fuzzy, boost))
        return tantivy.Query.disjunction_max_query(options)


def _matches(searcher: tantivy.Searcher, query: tantivy.Query) -> int:
    """Return how many documents match `query`."""
    return int(searcher.search(query, limit=1, count=True).count or 0)  # type: ignore[attr-defined]


def _hit(document: tantivy.Document, score: float) -> Hit:
    return Hit(
        slug=document["slug"][0],
        kind=document["kind"][0],
        municipality=document["municipality"][0] or None,
        title=document["display_title"][0],
        lang=document["display_lang"][0],
        score=score,
    )


def _documents(
    translations: dict[str, PublishedText], municipalities: dict[str, Municipality]
) -> Iterable[tantivy.Document]:
    any_text = next(iter(translations.values()))
    place = municipalities.get(any_text.municipality or "")
    for code in CODES:
        shown = next((translations[c] for c in fallback_chain(code) if c in translations), any_text)
        own = translations.get(code)
        terms = list(any_text.search_terms.get(code, []))
        if place is not None:
            terms += [place.name, *place.search_terms.get(code, [])]
        title_parts = [shown.title, *shown.keywords, *terms]
        body_parts = [shown.summary, shown.body]
        if own is not None and own is not shown:
            title_parts += [own.title, *own.keywords]
            body_parts += [own.summary, own.body]
        yield tantivy.Document(
            slug=any_text.slug,
            lang=code,
            kind=any_text.kind,
            municipality=any_text.municipality or "",
            display_title=shown.title,
            display_lang=shown.lang,
            **{
                _field("title", code): normalize(" \n".join(title_parts)),
                _field("body", code): normalize("\n\n".join(body_parts)),
            },
        )


async def _affected_articles(session: AsyncSession, changed: list[tuple[str, str]]) -> list[str]:
    slugs = {slug for entity, slug in changed if entity == "article"}
    for entity, slug in changed:
        if entity == "municipality":
            try:
                slugs.update(a.slug for a in await list_articles(session=session, municipality=slug))
            except ContentError:
                continue  # the municipality is gone, and with it its articles' references
    return sorted(slugs)
