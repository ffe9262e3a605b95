"""Search: the right article for questions in any language, honest silence when nothing fits."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.repository import MUNICIPALITIES, REGIONS
from content.models import PublicationStatus
from content.repository.articles import save_article, set_article_status
from content.repository.records import save_record
from content.search.index import SearchIndex
from tests.factories import make_article, make_municipality, make_region

Sessions = async_sessionmaker[AsyncSession]


def _article(slug: str, sv: tuple[str, str], en: tuple[str, str] | None = None, **extra: Any) -> Any:
    translations: dict[str, Any] = {"sv": {"status": "source", "title": sv[0], "body": sv[1]}}
    if en:
        translations["en"] = {"status": "reviewed", "source_version": 1, "title": en[0], "body": en[1]}
    return make_article(slug=slug, translations=translations, **extra)


ARTICLES = [
    _article(
        "sfi",
        ("Svenska för invandrare", "Lär dig svenska. Undervisning i svenska språket är gratis för vuxna."),
        ("Swedish for immigrants", "Learn Swedish. Swedish language classes are free for adults."),
        search_terms={"ar": ["تعلم اللغة السويدية", "دروس اللغة"], "uk": ["шведська мова", "курси шведської"]},
    ),
    _article(
        "korkort",
        ("Körkort i Sverige", "Ett utländskt körkort kan bytas. Du gör ett kunskapsprov och ett körprov."),
        ("Driving licence in Sweden", "A foreign driving licence can sometimes be exchanged."),
    ),
    _article(
        "halsa",
        ("Vård och hälsa", "Ring 1177 för sjukvårdsrådgivning. Vårdcentralen hjälper dig när du är sjuk."),
        ("Health care and 1177", "Call 1177 for health advice. The health centre helps you when you are ill."),
        search_terms={"fa": ["دکتر", "بیمارستان", "پزشک"], "ar": ["طبيب", "مستشفى"]},
    ),
]


@pytest.fixture
async def index(sessions: Sessions) -> SearchIndex:
    async with sessions() as session, session.begin():
        for article in ARTICLES:
            await save_article(session=session, data=article, actor="test")
    search = SearchIndex()
    async with sessions() as session:
        await search.refresh(session)
    return search


def _slugs(index: SearchIndex, lang: str, question: str) -> list[str]:
    return [hit.slug for hit in index.search(lang, question)]


@pytest.mark.parametrize(
    ("lang", "question", "expected"),
    [
        ("sv", "Var kan jag lära mig svenska?", "sfi"),
        ("sv", "var kan jag lara mig svenska", "sfi"),  # typed without å/ä/ö
        ("sv", "svenskundervisning för vuxna", "sfi"),  # a compound of words in the article
        ("sv", "när gör man körkortsprovet", "korkort"),
        ("sv", "korkort", "korkort"),
        ("en", "swedsh clases", "sfi"),  # typos
        ("en", "I am ill, where is the health centre?", "halsa"),
        ("ar", "أين أتعلم اللغة السويدية؟", "sfi"),  # hamza on the alef, not in the search terms
        ("ar", "اين اتعلم اللغه السويديه", "sfi"),  # no hamza, teh marbuta written as heh
        ("ar", "أَيْنَ أَتَعَلَّمُ اللُّغَةَ السُّوِيدِيَّةَ", "sfi"),  # full diacritics
        ("fa", "دکتر کجاست", "halsa"),
        ("fa", "دكتر كجاست", "halsa"),  # Arabic kaf instead of Persian keheh
        ("uk", "де курси шведської?", "sfi"),
        ("ru", "1177", "halsa"),  # numbers and Latin names reach every language through the fallback text
    ],
)
async def test_questions_find_the_right_article(index: SearchIndex, lang: str, question: str, expected: str) -> None:
    assert _slugs(index, lang, question)[:1] == [expected]


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "What is the weather like in Paris tomorrow?"),
        ("en", "football results"),
        ("sv", "recept på kanelbullar"),
        ("ar", "ما هي نتيجة مباراة كرة القدم"),
        ("en", "how can I help you?"),  # nothing but stop words
        ("en", "?!…"),
        ("uk", ""),
    ],
)
async def test_questions_the_content_cannot_answer_get_no_answer(index: SearchIndex, lang: str, question: str) -> None:
    assert _slugs(index, lang, question) == []


async def test_a_hit_without_a_translation_is_shown_in_the_fallback_language(index: SearchIndex) -> None:
    hit = index.search("ar", "تعلم اللغة السويدية")[0]
    assert (hit.slug, hit.title, hit.lang) == ("sfi", "Swedish for immigrants", "en")


async def test_an_unknown_language_is_refused(index: SearchIndex) -> None:
    with pytest.raises(KeyError, match="unknown language"):
        index.search("xx", "svenska")


async def test_publishing_reaches_every_process_index_without_a_restart(sessions: Sessions, index: SearchIndex) -> None:
    other_process = SearchIndex()
    async with sessions() as session:
        await other_process.refresh(session)
    new = _article("bostad", ("Bostad", "Hyra en lägenhet genom bostadskön."), status="draft")
    async with sessions() as session, session.begin():
        await save_article(session=session, data=new, actor="test")
    async with sessions() as session:
        await other_process.refresh(session)
    assert _slugs(other_process, "sv", "hyra lägenhet") == []
    async with sessions() as session, session.begin():
        await set_article_status(session=session, slug="bostad", status=PublicationStatus.PUBLISHED, actor="t")
    async with sessions() as session:
        assert await other_process.refresh(session)
        assert not await other_process.refresh(session)  # nothing new: no work
    assert _slugs(other_process, "sv", "hyra lägenhet") == ["bostad"]
    async with sessions() as session, session.begin():
        await set_article_status(session=session, slug="bostad", status=PublicationStatus.DRAFT, actor="t")
    async with sessions() as session:
        await other_process.refresh(session)
    assert _slugs(other_process, "sv", "hyra lägenhet") == []


async def test_a_municipality_is_found_by_its_name_in_other_scripts(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        await save_record(REGIONS, session=session, data=make_region(), actor="t")
        town = make_municipality(name="Umeå", search_terms={"ar": ["أوميو"], "ru": ["Умео"]})
        await save_record(MUNICIPALITIES, session=session, data=town, actor="t")
        await save_article(
            session=session,
            data=_article(
                "testby-overview",
                ("Umeå – översikt", "En kommun i Västerbotten."),
                kind="municipality",
                municipality="testby",
                section="overview",
            ),
            actor="t",
        )
    search = SearchIndex()
    async with sessions() as session:
        await search.refresh(session)
    for lang, question in [("ar", "معلومات عن اوميو"), ("ru", "Расскажите про Умео"), ("en", "umea")]:
        hits = search.search(lang, question)
        assert [(h.slug, h.municipality) for h in hits[:1]] == [("testby-overview", "testby")], question
