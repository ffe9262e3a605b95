"""Occupations are found by free text: every occupation by its own name in each of the nine languages, inflected
and with the Swedish word mixed in, the longer of two names once, and no occupation where a question names none."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.repository import DEFAULT_ROOT
from content.loading import load_repository
from content.search.index import SearchIndex
from translations.languages import CODES

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def index(sessions: Sessions) -> SearchIndex:
    await load_repository(sessions)
    built = SearchIndex()
    async with sessions() as session:
        await built.refresh(session)
    return built


async def test_every_occupation_is_found_by_its_name_in_every_language(index: SearchIndex) -> None:
    occupations = yaml.safe_load((DEFAULT_ROOT / "occupations.yaml").read_text(encoding="utf-8"))
    missed = []
    for occupation in occupations:
        for lang, name in occupation["name"].items():
            # the first of a name's alternatives, as a person would write it
            written = name.split("/")[0].split("(")[0].strip()
            if occupation["slug"] not in [found.slug for found in index.occupations(lang, written)]:
                missed.append((occupation["slug"], lang, written))
    assert not missed
    assert all(set(o["name"]) == set(CODES) for o in occupations)  # every name in all nine languages


async def test_occupations_in_questions(index: SearchIndex) -> None:
    def named(lang: str, question: str) -> list[str]:
        return [found.slug for found in index.occupations(lang, question)]

    assert named("en", "I am an engineer, where can I work?") == ["ingenjor"]
    assert named("en", "jobs for engineers") == ["ingenjor"]  # inflected
    assert named("uk", "я працюю інженером") == ["ingenjor"]
    assert named("so", "waxaan ahay injineer") == ["ingenjor"]
    assert named("ar", "ana undersköterska") == ["underskoterska"]  # the Swedish word in another language
    assert named("en", "I am an assistant nurse") == ["underskoterska"]  # not also "nurse"
    assert named("en", "I am a nurse") == ["sjukskoterska"]
    assert named("en", "Where can I learn Swedish?") == []
    assert named("sv", "Var kan jag lära mig svenska?") == []  # "lära" is not "lärare" (both stem to "lär")
    assert named("uk", "де лікарня") == []  # a hospital is no doctor ("лікар"): short names match only themselves
    assert named("uk", "електричка") == []  # a commuter train is no electrician
    assert named("ar", "مدرسة") == []  # a school is no teacher
    assert named("en", "") == []
    assert named("en", "the of and") == []
    assert named("sv", "vad blir vädret i Kiruna imorgon") == []
    found = index.occupations("ru", "я врач")[0]
    assert found.slug == "lakare"
    assert found.names["ru"] == "Врач"
