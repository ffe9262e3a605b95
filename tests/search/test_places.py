"""Place names are never confused with words: a town whose name is also a Swedish word is named only as written,
and a common word never brings a town's articles."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.loading import load_repository
from content.search.index import SearchIndex

Sessions = async_sessionmaker[AsyncSession]


async def test_names_that_are_also_words_name_a_town_only_as_written(sessions: Sessions) -> None:
    await load_repository(sessions)
    index = SearchIndex()
    async with sessions() as session:
        await index.refresh(session)

    def towns(question: str, lang: str = "sv") -> set[str | None]:
        return {hit.municipality for hit in index.search(lang, question)} - {None}

    assert towns("var kan jag mala kaffe") == set()  # mala: to grind
    assert towns("hur sätter jag in pengar på banken") == set()  # one letter from Säter
    assert towns("vem vann matchen igår") == set()  # vann: won, not Vännäs
    assert towns("boden är stängd, var köper jag mat") == set()  # boden: the shed
    assert towns("finns jobb i boden") == {"boden"}  # written as a place
    assert towns("sfi i Malå") == {"mala"}
    assert towns("jobb i Malås kommun") == {"mala"}
    assert towns("bostad i Boden") == {"boden"}
    assert towns("jag bor i Säter, var finns sfi") == {"sater"}
    assert towns("föreningar i Vännäs") == {"vannas"}
    assert towns("Skelefteå jobb") == {"skelleftea"}  # other names keep their typo tolerance
    assert towns("сфи в Сетере", "ru") == {"sater"}  # its name in another script is no common word
