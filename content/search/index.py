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
from content.search.text import STOP_WORDS, fold, normalize
from translations.languages import CODES, EASY_SWEDISH, LANGUAGES, SOURCE_LANGUAGE, fallback_chain

MAX_QUESTION_CHARS = 500
MAX_TERMS = 12
TITLE_BOOST = 2.5
FUZZY_BOOST = 0.6
MIN_COVERAGE = 0.5  # share of the question's (idf-weighted) words an answer must contain
MIN_RELATIVE_SCORE = 0.35  # answers scoring below this share of the best one are noise
COMPOUND_LANGUAGES = frozenset({SOURCE_LANGUAGE, EASY_SWEDISH})


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


def _analyzer(lang: str, compounds: Iterable[str] | None = None) -> tantivy.TextAnalyzer:
    language = next(language for language in LANGUAGES if language.code == lang)
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.custom_stopword(sorted(STOP_WORDS[lang])))
    )
    if compounds is not None:
        builder = builder.filter(tantivy.Filter.split_compound(sorted(compounds)))
    if language.stemmer:
        builder = builder.filter(tantivy.Filter.stemmer(language.stemmer))
    return builder.build()


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
        self._analyzers = {code: _analyzer(code) for code in CODES}
        for code, analyzer in self._analyzers.items():
            self._index.register_tokenizer(f"lang_{code}", analyzer)
        self._query_analyzers = dict(self._analyzers)
        self._vocabulary: set[str] = set()
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
                writer.delete_documents("slug", slug)
        for translations in by_article.values():
            for document in _documents(translations, municipalities):
                writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        self._vocabulary.update(
            fold(word) for t in texts if t.lang == SOURCE_LANGUAGE for word in _words(t.title, t.body, t.keywords)
        )
        # Swedish compounds ("svenskundervisning") are split into known words when asked about.
        compounds = self._vocabulary | {word + "s" for word in self._vocabulary}
        for code in COMPOUND_LANGUAGES:
            self._query_analyzers[code] = _analyzer(code, compounds)
        searcher = self._index.searcher()
        self._docs_per_lang = max(1, searcher.num_docs // len(CODES))

    def search(self, lang: str, question: str, limit: int = 5) -> list[Hit]:
        """Return the best answers to `question` in `lang`, best first; empty when nothing fits well."""
        if lang not in self._analyzers:
            raise KeyError(f"unknown language {lang!r}")
        terms = self._terms(lang, question)
        if not terms:
            return []
        searcher = self._index.searcher()
        term_queries = {term: self._term_query(lang, term) for term in terms}
        weights = {}
        for term, query in term_queries.items():
            matches = searcher.search(query, limit=1, count=True).count
            weights[term] = math.log(1 + self._docs_per_lang / (1 + (matches or 0)))
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in term_queries.values()])
        candidates = searcher.search(query, limit=max(limit * 3, 15)).hits
        total_weight = sum(weights.values())
        hits: list[Hit] = []
        for score, address in candidates:
            document = searcher.doc(address)
            slug = document["slug"][0]
            only_this = tantivy.Query.term_query(self._schema, "slug", slug)
            covered = sum(
                weights[term]
                for term, term_query in term_queries.items()
                if searcher.search(
                    tantivy.Query.boolean_query([(tantivy.Occur.Must, term_query), (tantivy.Occur.Must, only_this)]),
                    limit=1,
                    count=True,
                ).count
            )
            coverage = covered / total_weight if total_weight else 0.0
            if coverage < MIN_COVERAGE:
                continue
            municipality = document["municipality"][0] if document["municipality"] else None
            hits.append(
                Hit(
                    slug=slug,
                    kind=document["kind"][0],
                    municipality=municipality or None,
                    title=document["display_title"][0],
                    lang=document["display_lang"][0],
                    score=score * coverage,
                )
            )
        hits.sort(key=lambda hit: -hit.score)
        if hits:
            best = hits[0].score
            hits = [hit for hit in hits if hit.score >= best * MIN_RELATIVE_SCORE]
        return hits[:limit]

    def _terms(self, lang: str, question: str) -> list[str]:
        tokens = self._query_analyzers[lang].analyze(normalize(question[:MAX_QUESTION_CHARS]))
        return list(dict.fromkeys(tokens))[:MAX_TERMS]

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


def _words(title: str, body: str, keywords: list[str]) -> Iterable[str]:
    for word in normalize(" ".join([title, body, *keywords])).split():
        cleaned = "".join(ch for ch in word if ch.isalnum())
        if len(cleaned) >= 3:
            yield cleaned


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
