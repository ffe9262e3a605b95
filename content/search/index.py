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
from dataclasses import dataclass, replace

import tantivy
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import ArticleKind, Municipality
from content.repository.articles import PublishedText, list_articles, published_slugs, published_texts
from content.repository.occupations import list_occupations
from content.repository.places import list_municipalities
from content.repository.records import ContentError, changed_since, content_generation
from content.search.analysis import COMPOUND_LANGUAGES, analyzer, split_compound, vocabulary
from content.search.occupations import NamedOccupation, OccupationFinder
from content.search.places import Gazetteer
from content.search.scope import ScopeModel, off_topic_messages
from content.search.text import normalize
from translations.detect import LanguageDetector
from translations.languages import BY_CODE, CODES, SOURCE_LANGUAGE, fallback_chain

MAX_QUESTION_CHARS = 500
MAX_TERMS = 12
TITLE_BOOST = 2.5
FUZZY_BOOST = 0.8
# When is a document an answer? Tuned on tests/data/eval.yaml (see docs/search.md): it must contain words carrying
# at least MIN_COVERAGE of the question's idf weight; be about the question (words carrying MIN_TITLE_COVERAGE of
# the weight in its title, keywords or search terms) or contain BODY_ONLY_COVERAGE of it; and reach a BM25 score
# of MIN_SCORE times the highest idf (ln(1 + documents)), since BM25 scores grow with the size of the collection.
MIN_COVERAGE = 0.12
MIN_TITLE_COVERAGE = 0.1
MIN_SCORE = 0.7
FUZZY_FROM = 5  # shorter words tolerate no typo: "vann" must not find "Vännäs"
FUZZY_TWO_FROM = 9  # words this long tolerate two
PREFIX_FROM = 6  # words this long match by their beginning in languages without a stemmer
MIN_RELATIVE_SCORE = 0.35  # answers scoring below this share of the best one are noise
BODY_ONLY_COVERAGE = 0.25
# A question that looks off-topic (`scope.py`: log odds above OFF_TOPIC_LOG_ODDS) needs a stronger answer: one whose
# title covers DOUBTFUL_TITLE_COVERAGE of its weight, or whose text covers DOUBTFUL_COVERAGE.
OFF_TOPIC_LOG_ODDS = 3.0
DOUBTFUL_TITLE_COVERAGE = 0.2
DOUBTFUL_COVERAGE = 0.4
# A question that looks very much off-topic (log odds above UNLIKELY_LOG_ODDS: "Real Madrid's score today", "who won
# the football match") needs its answer's title to cover half its weight, or the text 60 % (stop 16).
UNLIKELY_LOG_ODDS = 7.0
UNLIKELY_TITLE_COVERAGE = 0.5
UNLIKELY_COVERAGE = 0.6
# An answer is weak when it covers less than WEAK_COVERAGE of the question and its title less than
# WEAK_TITLE_COVERAGE: on eval.yaml and the blind set that marks 35 of 306 right first answers and 50 of 101 wrong.
WEAK_COVERAGE = 0.4
WEAK_TITLE_COVERAGE = 0.3
BUILD_CHUNK = 10  # articles read and indexed together when the index is first built
# A step-by-step path retells other articles in short; a question is answered by the article that explains it,
# and the path is one tap away in the menu ("My path").
UNSEARCHED_KINDS = frozenset({"path"})


@dataclass(frozen=True, slots=True)
class Hit:
    """One answer to a question."""

    slug: str
    kind: str
    municipality: str | None
    title: str
    lang: str  # the language the title is in (a fallback when the article has no translation yet)
    score: float
    weak: bool = False  # an answer, but one that covers little of the question: the bot says "this may help"

    def as_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "kind": self.kind,
            "municipality": self.municipality,
            "title": self.title,
            "score": round(self.score, 3),
        }


Key = tuple[int, int]  # a document's address in the index: (segment, document)


@dataclass(frozen=True, slots=True)
class Answer:
    """What a question finds: its answers; when there are none, the topics nearest to it ("maybe you mean"); and
    the occupations it names."""

    hits: list[Hit]
    nearby: list[Hit]
    occupations: list[NamedOccupation]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A document that matches some words of a question, before the decision whether it answers it."""

    hit: Hit
    matched: list[bool]  # per word of the question: does this document contain it?
    titled: list[bool]  # per word (a town's name aside): is it in the title, keywords or search terms?


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
        self._unstemmed = frozenset(code for code in CODES if not BY_CODE[code].stemmer)
        self._known: dict[str, set[str]] = {code: set() for code in COMPOUND_LANGUAGES}
        self._docs_per_lang = 0
        self._places = Gazetteer()
        self._occupations = OccupationFinder()
        self._scope = ScopeModel({})
        self.detector = LanguageDetector({})
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
            municipalities = {m.slug: m for m in await list_municipalities(session=session)}
            self._occupations.update(await list_occupations(session=session), self._plain_words, CODES)
            if self.generation < 0:
                await self._build(session, municipalities)
            else:
                changed = await changed_since(session=session, generation=self.generation)
                slugs = await _affected_articles(session, changed)
                texts = await published_texts(session=session, slugs=slugs)
                await asyncio.to_thread(self._apply, texts, municipalities, slugs)
            self.generation = generation
        return True

    async def _build(self, session: AsyncSession, municipalities: dict[str, Municipality]) -> None:
        """Index every published article, a few at a time, and each language's profile from a sample of its texts.

        Reading all 1,800 texts at once left about 5 MB of the server's heap behind for good (freed, but too
        scattered for the allocator to give back); ten articles at a time, each batch handed to one writer as it is
        read, leaves little (a writer and a commit per batch cost more).
        """
        slugs = await published_slugs(session=session)
        samples: list[tuple[str, str]] = []
        swedish: list[str] = []
        about: list[tuple[str, str]] = []
        writer = self._index.writer(heap_size=15_000_000, num_threads=1)
        try:
            writer.delete_all_documents()
            for start in range(0, len(slugs), BUILD_CHUNK):
                texts = await published_texts(session=session, slugs=slugs[start : start + BUILD_CHUNK])
                await asyncio.to_thread(_add, writer, _all_documents(texts, municipalities))
                samples += _language_samples(texts)
                swedish += _swedish(texts)
                about += _about(texts)
        except BaseException:  # a failed read: nothing half-built is kept, and the index's lock is let go
            writer.rollback()
            writer.wait_merging_threads()
            raise
        await asyncio.to_thread(self._commit, writer, swedish, municipalities)
        self.detector = await asyncio.to_thread(LanguageDetector.from_texts, samples)
        self._scope = await asyncio.to_thread(ScopeModel.train, about, off_topic_messages(), self.features)

    def _apply(self, texts: list[PublishedText], municipalities: dict[str, Municipality], slugs: list[str]) -> None:
        """Replace the documents of `slugs` with those of `texts`."""
        writer = self._index.writer(heap_size=15_000_000, num_threads=1)
        for slug in slugs:
            writer.delete_documents_by_term("slug", slug)
        _add(writer, _all_documents(texts, municipalities))
        self._commit(writer, _swedish(texts), municipalities)

    def _commit(self, writer: tantivy.IndexWriter, swedish: list[str], municipalities: dict[str, Municipality]) -> None:
        """Make the writer's changes searchable, then learn the Swedish vocabulary and the towns."""
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        for code in COMPOUND_LANGUAGES:
            self._known[code] |= vocabulary(swedish, self._analyzers[code], self._plain[code])
        searcher = self._index.searcher()
        self._docs_per_lang = max(1, searcher.num_docs // len(CODES))
        self._places.update(municipalities.values(), self._plain)

    def search(self, lang: str, question: str, limit: int = 5) -> list[Hit]:
        """Return the best answers to `question` in `lang`, best first; empty when nothing fits well."""
        return self.answer(lang, question, limit).hits

    def answer(self, lang: str, question: str, limit: int = 5, nearby: int = 0) -> Answer:
        """Return the best answers, and when there are none, up to `nearby` articles nearest to the question for
        "maybe you mean": the best-scoring documents that share a word with it, whatever the thresholds (none when
        no word is found anywhere); and the occupations it names. One search, and one look at the off-topic odds,
        serve all three."""
        weights, candidates = self.candidates(lang, question, pool=max(limit * 3, nearby * 3, 15))
        odds = self.off_topic_odds(lang, question)
        occupations = self.occupations(lang, question, odds)
        total = sum(weights)
        coverages = [sum(w for w, found in zip(weights, c.matched, strict=True) if found) / total for c in candidates]
        hits = self._answers(odds, weights, candidates, coverages)[:limit]
        if hits or not nearby:
            return Answer(hits, [], occupations)
        scored = sorted(zip(coverages, candidates, strict=True), key=lambda pair: -pair[1].hit.score * pair[0])
        closest = [replace(c.hit, score=c.hit.score * coverage, weak=True) for coverage, c in scored[:nearby]]
        return Answer([], closest, occupations)

    def _answers(
        self, odds: float, weights: list[float], candidates: list[Candidate], coverages: list[float]
    ) -> list[Hit]:
        """The candidates that answer a question with these off-topic `odds` (see docs/search.md), best first."""
        hits = []
        least = MIN_SCORE * math.log(1 + self._docs_per_lang)
        total = sum(weights)
        title_enough, text_enough = _enough(odds)
        for candidate, coverage in zip(candidates, coverages, strict=True):
            about = sum(w for w, found in zip(weights, candidate.titled, strict=True) if found) / total
            explained = about >= title_enough or coverage >= text_enough
            if coverage >= MIN_COVERAGE and explained and candidate.hit.score >= least:
                weak = coverage < WEAK_COVERAGE and about < WEAK_TITLE_COVERAGE
                hits.append(replace(candidate.hit, score=candidate.hit.score * coverage, weak=weak))
        hits.sort(key=lambda hit: -hit.score)
        if hits:
            hits = [hit for hit in hits if hit.score >= hits[0].score * MIN_RELATIVE_SCORE]
        return hits

    def occupations(self, lang: str, question: str, odds: float | None = None) -> list[NamedOccupation]:
        """The occupations `question` names ("I am a nurse"), unless it looks off-topic ("how do I cook rice");
        `odds`: its off-topic odds, when already known."""
        if lang not in self._analyzers:
            return []
        if (self.off_topic_odds(lang, question) if odds is None else odds) > OFF_TOPIC_LOG_ODDS:
            return []
        return self._occupations.named(lang, self._plain_words(lang, question[:MAX_QUESTION_CHARS]), PREFIX_FROM)

    def _plain_words(self, lang: str, text: str) -> list[str]:
        return list(self._plain[lang].analyze(normalize(text)))

    def off_topic_odds(self, lang: str, question: str) -> float:
        """How much more `question` looks like the off-topic messages than like the content (`scope.py`)."""
        return self._scope.log_odds(lang, self.features(lang, question[:MAX_QUESTION_CHARS]))

    def features(self, lang: str, text: str) -> list[str]:
        """The words the scope model counts: stems, or in languages without a stemmer, the beginnings of long words
        (as `_term_query` matches them)."""
        stems = self._analyzers[lang].analyze(normalize(text))
        if lang not in self._unstemmed:
            return stems
        return [stem if len(stem) < PREFIX_FROM else stem[: max(PREFIX_FROM - 1, len(stem) * 2 // 3)] for stem in stems]

    def candidates(self, lang: str, question: str, pool: int) -> tuple[list[float], list[Candidate]]:
        """Return, per word of the question, its weight (its inverse document frequency; a word found nowhere gets
        the highest), and the best `pool` documents."""
        if lang not in self._analyzers:
            raise KeyError(f"unknown language {lang!r}")
        searcher = self._index.searcher()
        groups, stems = self._query_groups(searcher, lang, question)
        if not groups:
            return [], []
        towns = [self._places.named(lang, [word], question) for _, word in stems]  # per word: the towns it names
        allowed = self._allowed(set().union(*towns))
        frequencies = [_matches(searcher, group) for group in groups]
        weights = [math.log(1 + self._docs_per_lang / (1 + frequency)) for frequency in frequencies]
        query = _both(tantivy.Query.boolean_query([(tantivy.Occur.Should, g) for g in groups]), allowed)
        found = searcher.search(query, limit=pool).hits
        if not found:
            return weights, []
        documents = [searcher.doc(address) for _, address in found]
        slugs = {_key(address): document["slug"][0] for (_, address), document in zip(found, documents, strict=True)}
        # Which candidates each word matches: one search per word, among the candidates' documents only.
        among = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "slug", slug)) for slug in {*slugs.values()}]
        )
        matched_slugs = [
            self._slugs_matching(searcher, group, among, slugs) if frequency else set()
            for group, frequency in zip(groups, frequencies, strict=True)
        ]
        # Which candidates have each word of the question (a town's name aside) in their title, keywords or search
        # terms, a typo or an inflection allowed: those are about the word, the others only mention it.
        titled_slugs = [
            set()
            if named or not frequency
            else self._slugs_matching(searcher, self._term_query(lang, stem, fields=("title",)), among, slugs)
            for (stem, _), named, frequency in zip(stems, towns, frequencies, strict=True)
        ]
        candidates = [
            Candidate(
                _hit(document, score),
                [document["slug"][0] in each for each in matched_slugs],
                [document["slug"][0] in each for each in titled_slugs],
            )
            for (score, _), document in zip(found, documents, strict=True)
        ]
        return weights, candidates

    def _allowed(self, towns: set[str]) -> tantivy.Query:
        """Articles of every kind but a municipality's, and the articles of the municipalities the question names."""
        others = [
            (tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "kind", kind.value))
            for kind in ArticleKind
            if kind != ArticleKind.MUNICIPALITY
        ]
        named = [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "municipality", town)) for town in towns]
        return tantivy.Query.boolean_query(others + named)

    def _slugs_matching(
        self, searcher: tantivy.Searcher, group: tantivy.Query, among: tantivy.Query, known: dict[Key, str]
    ) -> set[str]:
        """Return the slugs of the documents matched by both `group` and `among`."""
        both = tantivy.Query.boolean_query([(tantivy.Occur.Must, group), (tantivy.Occur.Must, among)])
        hits = searcher.search(both, limit=len(known) * len(CODES)).hits
        return {known.get(_key(address)) or searcher.doc(address)["slug"][0] for _, address in hits}

    def _query_groups(
        self, searcher: tantivy.Searcher, lang: str, question: str
    ) -> tuple[list[tantivy.Query], list[tuple[str, str]]]:
        """Return one query per word of the question, and each word's (stem, word); an unknown compound matches by
        its known parts."""
        words = list(dict.fromkeys(self._plain_words(lang, question[:MAX_QUESTION_CHARS])))
        groups = []
        used: list[tuple[str, str]] = []
        for word in words[:MAX_TERMS]:
            stems = self._analyzers[lang].analyze(word)
            if not stems:
                continue
            used.append((stems[0], word))
            whole = self._term_query(lang, stems[0])
            parts = split_compound(word, self._known[lang]) if lang in self._known else []
            part_stems = [stem for part in parts for stem in self._analyzers[lang].analyze(part)]
            if not part_stems or _matches(searcher, whole):
                groups.append(whole)  # a known word, or a typo of one, is not taken apart
                continue
            both = [(tantivy.Occur.Should, self._term_query(lang, stem)) for stem in part_stems]
            groups.append(tantivy.Query.boolean_query(both))
        return groups, used

    def _term_query(self, lang: str, term: str, fields: tuple[str, ...] = ("title", "body")) -> tantivy.Query:
        """A word in `fields`: exactly, or with a typo, or (without a stemmer) by its beginning, at lower weight."""
        boosts = {_field(kind, lang): TITLE_BOOST if kind == "title" else 1.0 for kind in fields}
        options = [
            tantivy.Query.boost_query(tantivy.Query.term_query(self._schema, field, term), boost)
            for field, boost in boosts.items()
        ]
        if len(term) >= FUZZY_FROM:
            distance = 2 if len(term) >= FUZZY_TWO_FROM else 1
            for field, boost in boosts.items():
                fuzzy = tantivy.Query.fuzzy_term_query(self._schema, field, term, distance=distance)
                options.append(tantivy.Query.boost_query(fuzzy, FUZZY_BOOST * boost))
        if len(term) >= PREFIX_FROM and lang in self._unstemmed:
            # Without a stemmer, inflected forms ("подачі", "подання") meet on a shared beginning.
            stem = term[: max(PREFIX_FROM - 1, len(term) * 2 // 3)]
            for field, boost in boosts.items():
                prefix = tantivy.Query.fuzzy_term_query(self._schema, field, stem, distance=0, prefix=True)
                options.append(tantivy.Query.boost_query(prefix, FUZZY_BOOST * boost))
        return tantivy.Query.disjunction_max_query(options)


def _enough(off_topic_odds: float) -> tuple[float, float]:
    """How much of the question an answer's title, or else its text, must cover, the more the question looks
    off-topic the more."""
    if off_topic_odds > UNLIKELY_LOG_ODDS:
        return UNLIKELY_TITLE_COVERAGE, UNLIKELY_COVERAGE
    if off_topic_odds > OFF_TOPIC_LOG_ODDS:
        return DOUBTFUL_TITLE_COVERAGE, DOUBTFUL_COVERAGE
    return MIN_TITLE_COVERAGE, BODY_ONLY_COVERAGE


def _add(writer: tantivy.IndexWriter, documents: list[tantivy.Document]) -> None:
    for document in documents:
        writer.add_document(document)


def _all_documents(texts: list[PublishedText], municipalities: dict[str, Municipality]) -> list[tantivy.Document]:
    by_article: dict[str, dict[str, PublishedText]] = defaultdict(dict)
    for text in texts:
        by_article[text.slug][text.lang] = text
    return [
        document
        for translations in by_article.values()
        if next(iter(translations.values())).kind not in UNSEARCHED_KINDS
        for document in _documents(translations, municipalities)
    ]


def _swedish(texts: list[PublishedText]) -> list[str]:
    return [" ".join([t.title, t.summary, t.body, *t.keywords]) for t in texts if t.lang == SOURCE_LANGUAGE]


def _about(texts: list[PublishedText]) -> list[tuple[str, str]]:
    """What the content is about, per language: titles, keywords and curated search terms of searched articles."""
    phrases = []
    for text in texts:
        if text.kind in UNSEARCHED_KINDS:
            continue
        phrases += [(text.lang, phrase) for phrase in (text.title, *text.keywords)]
        if text.lang == SOURCE_LANGUAGE:
            phrases += [(code, term) for code, terms in text.search_terms.items() for term in terms]
    return phrases


def _language_samples(texts: list[PublishedText]) -> list[tuple[str, str]]:
    """Each language's own words: its translations, and the curated search terms of languages still without one."""
    samples = [(text.lang, " ".join([text.title, text.summary, text.body, *text.keywords])) for text in texts]
    for text in texts:
        if text.lang == SOURCE_LANGUAGE:
            samples += [(code, " ".join(terms)) for code, terms in text.search_terms.items()]
    return samples


def _both(first: tantivy.Query, second: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, first), (tantivy.Occur.Must, second)])


def _key(address: tantivy.DocAddress) -> Key:
    return (address.segment_ord, address.doc)


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
