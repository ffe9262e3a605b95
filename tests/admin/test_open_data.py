"""The admin's side of the open data: each source's last fetch, rows, changes and error; the official figures on
the occupation and municipality pages, read-only; an editor's local note on a demand row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import OpenDataSource, Role
from content.repository.occupations import get_occupation_file
from tests.admin.conftest import Login
from tests.admin.test_places import english, occupation_form, revision_in
from tests.opendata.conftest import import_samples
from vagvisare.open_data import SourceError, import_source

Sessions = async_sessionmaker[AsyncSession]


async def test_the_open_data_page_says_when_each_source_was_fetched_and_what_failed(
    login_as: Login, admin_sessions: Sessions, tmp_path: Path
) -> None:
    editor = await english(login_as)
    status, page = await editor.get("/open-data")
    assert status == 200
    assert page.count("Never fetched") == 3
    await import_samples(admin_sessions, tmp_path)
    (tmp_path / "broken.json").write_text("[{")
    with pytest.raises(SourceError):
        await import_source(admin_sessions, OpenDataSource.JOBADS, tmp_path / "broken.json")
    _, page = await editor.get("/open-data")
    jobads = page.split('id="source-jobads"')[1].split("</tr>")[0]
    assert "(file)" in jobads
    assert "2026-12-03" in jobads
    assert "<td>425</td>" in jobads
    assert "failed" in jobads
    assert "broken.json is not valid JSON" in jobads
    kolada = page.split('id="source-kolada"')[1].split("</tr>")[0]
    assert "<td>6</td>" in kolada
    assert "failed" not in kolada
    assert "Never fetched" not in page


async def test_open_data_is_for_editors_and_administrators(login_as: Login) -> None:
    translator = await login_as(Role.TRANSLATOR)
    status, _ = await translator.get("/open-data")
    assert status == 403


async def test_the_occupation_and_municipality_pages_show_the_official_figures_read_only(
    login_as: Login, admin_sessions: Sessions, tmp_path: Path
) -> None:
    await import_samples(admin_sessions, tmp_path)
    editor = await english(login_as)
    _, page = await editor.get("/occupations/svetsare")
    official = page.split('id="official-heading"')[1]
    assert "Official figures (read-only)" in page
    assert "<td>Skellefteå</td>\n      <td>5</td>" in official
    assert "stora" in official
    assert "Svetsare och gasskärare" in official
    assert "<input" not in official  # nothing to edit
    _, page = await editor.get("/places/municipalities/umea")
    figures = page.split('id="figures-heading"')[1]
    assert "Invånare totalt, antal" in figures
    assert "132235.0" in figures
    assert "2025" in figures
    assert "<input" not in figures


async def test_an_editor_adds_a_local_note_with_its_own_source(login_as: Login, admin_sessions: Sessions) -> None:
    editor = await english(login_as)
    note = "Arbetsmarknadsenheten söker svetsare"
    status, page = await editor.post("/occupations/new", occupation_form(**{"demand-0-note": note}))
    assert status == 200
    async with admin_sessions() as session:
        saved = await get_occupation_file(session=session, slug="platsattare")
    assert saved is not None
    assert saved.demand[0].note == note
    assert f'value="{note}"' in page
    too_long = occupation_form(**{"demand-0-note": "x" * 301, "revision": revision_in(page)})
    status, page = await editor.post("/occupations/platsattare", too_long)
    assert status == 400
    async with admin_sessions() as session:
        kept = await get_occupation_file(session=session, slug="platsattare")
    assert kept is not None
    assert kept.demand[0].note == note
