"""The place pages (regions, municipalities) and the occupation pages with their demand rows."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.repository import MUNICIPALITIES, REGIONS
from content.files.schema import MunicipalityFile, RegionFile
from content.models import Role
from content.repository.occupations import get_occupation_file
from tests.admin.conftest import Client, Login

Sessions = async_sessionmaker[AsyncSession]
XSS = "<script>alert(1)</script>"


async def english(login_as: Login, role: Role = Role.EDITOR) -> Client:
    """A logged-in client reading the admin in English (the message ids)."""
    person = await login_as(role)
    await person.post("/language", {"lang": "en", "next": "/"})
    return person


def revision_in(page: str) -> str:
    return page.split('name="revision" value="')[1].split('"')[0]


async def region(sessions: Sessions, slug: str) -> RegionFile | None:
    async with sessions() as session:
        found = await REGIONS.read(session, slug)
    assert found is None or isinstance(found, RegionFile)
    return found


async def town(sessions: Sessions, slug: str) -> MunicipalityFile | None:
    async with sessions() as session:
        found = await MUNICIPALITIES.read(session, slug)
    assert found is None or isinstance(found, MunicipalityFile)
    return found


def town_form(**overrides: Any) -> dict[str, Any]:
    form = {
        "slug": "testby",
        "name": "Testby",
        "region": "blekinge",
        "county": "Blekinge län",
        "code": "1099",
        "website": "https://www.testby.se",
        "terms-ar": "تستبي، تيستبي",
        "terms-uk": "Тестбю",
    }
    return form | overrides


async def test_the_places_page_lists_regions_with_their_municipalities(login_as: Login) -> None:
    editor = await english(login_as)
    status, page = await editor.get("/places")
    assert status == 200
    assert "Umeåregionen" in page
    assert page.count('href="/places/municipalities/') - page.count("/places/municipalities/new") == 25
    umea_region = page.split("umearegionen</span>")[1].split('class="card region"')[0]
    assert "Vännäs" in umea_region
    assert "Karlskrona" not in umea_region


async def test_an_editor_creates_and_edits_a_region(login_as: Login, admin_sessions: Sessions) -> None:
    editor = await english(login_as)
    form = {
        "slug": "gotland",
        "name-sv": "Gotland",
        "name-en": "Gotland",
        "name-ar": "غوتلاند",
        "description-sv": "Ön i Östersjön.",
        "source": "https://www.lansstyrelsen.se/gotland",
    }
    status, page = await editor.post("/places/regions/new", form)
    assert status == 200
    assert "Created the region gotland." in page
    assert 'lang="ar" dir="rtl" value="غوتلاند"' in page
    created = await region(admin_sessions, "gotland")
    assert created is not None
    assert created.name == {"sv": "Gotland", "en": "Gotland", "ar": "غوتلاند"}
    assert created.description == {"sv": "Ön i Östersjön."}

    status, page = await editor.post(
        "/places/regions/gotland", form | {"description-en": "The island in the Baltic.", "revision": revision_in(page)}
    )
    assert status == 200
    assert "Saved the region gotland." in page
    changed = await region(admin_sessions, "gotland")
    assert changed is not None
    assert changed.description["en"] == "The island in the Baltic."
    assert (await editor.post("/places/regions/new", form | {"name-sv": ""}))[0] == 400


async def test_an_editor_creates_a_municipality_and_moves_it_to_another_region(
    login_as: Login, admin_sessions: Sessions
) -> None:
    editor = await english(login_as)
    status, page = await editor.post("/places/municipalities/new", town_form())
    assert status == 200
    assert "Created the municipality testby." in page
    created = await town(admin_sessions, "testby")
    assert created is not None
    assert (created.region, created.county, created.website) == ("blekinge", "Blekinge län", "https://www.testby.se")
    assert created.code == "1099"
    assert created.search_terms == {"ar": ["تستبي", "تيستبي"], "uk": ["Тестбю"]}
    assert 'value="تستبي, تيستبي"' in page

    form = town_form(region="dalarna", website="", county="", revision=revision_in(page))
    status, page = await editor.post("/places/municipalities/testby", form)
    assert status == 200
    moved = await town(admin_sessions, "testby")
    assert moved is not None
    assert (moved.region, moved.county, moved.website) == ("dalarna", None, None)
    _, listing = await editor.get("/places")
    assert "Testby" in listing.split("dalarna</span>")[1].split("card region")[0]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"region": "atlantis"}, "Choose a region from the list."),
        ({"name": ""}, "The name is required."),
        ({"website": "javascript:alert(1)"}, "The website must be an address starting with https://"),
        ({"slug": "umea"}, "The slug umea is already used"),
        ({"slug": "-bad"}, "The slug must be 1 to 48 lowercase letters"),
        ({"code": "24801"}, "The municipality code must be four digits, as Statistics Sweden writes it: 2480."),
        ({"code": "Umeå"}, "The municipality code must be four digits"),
        ({"code": "٢٤٨٠"}, "The municipality code must be four digits"),  # digits, but not the ones open data uses
        ({"code": "2480"}, "The municipality code 2480 is already Umeå&#39;s."),
        ({"code": "2499"}, "The municipality code 2499 is not in Blekinge län: its codes begin with 10."),
    ],
)
async def test_bad_municipality_input_is_refused_with_a_message(
    login_as: Login, admin_sessions: Sessions, overrides: dict[str, str], message: str
) -> None:
    editor = await english(login_as)
    umea = await town(admin_sessions, "umea")
    status, page = await editor.post("/places/municipalities/new", town_form(**overrides))
    assert status == 400
    assert message in page
    assert 'value="Blekinge län"' in page
    assert await town(admin_sessions, "testby") is None
    assert await town(admin_sessions, "umea") == umea


async def test_a_stale_municipality_save_is_refused(login_as: Login, admin_sessions: Sessions) -> None:
    first, second = await english(login_as), await english(login_as)
    _, page = await first.get("/places/municipalities/umea")
    old = revision_in(page)
    base = town_form(name="Umeå", region="umearegionen", slug="")
    assert (await second.post("/places/municipalities/umea", base | {"county": "Ändrat", "revision": old}))[0] == 200
    status, page = await first.post("/places/municipalities/umea", base | {"county": "Mitt", "revision": old})
    assert status == 409
    assert "Someone else saved this" in page
    assert 'value="Mitt"' in page
    umea = await town(admin_sessions, "umea")
    assert umea is not None
    assert umea.county == "Ändrat"


async def test_place_names_with_markup_are_shown_escaped(login_as: Login) -> None:
    editor = await english(login_as)
    assert (await editor.post("/places/municipalities/new", town_form(name=XSS)))[0] == 200
    for path in ("/places", "/places/municipalities/testby"):
        _, page = await editor.get(path)
        assert XSS not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_unknown_places_are_not_found(login_as: Login) -> None:
    editor = await english(login_as)
    for path in ("/places/regions/nowhere", "/places/municipalities/nowhere", "/occupations/nothing"):
        assert (await editor.get(path))[0] == 404, path
        assert (await editor.post(path, town_form()))[0] == 404, path


@pytest.mark.parametrize("role", [Role.TRANSLATOR, Role.BROADCASTER])
async def test_translators_and_broadcasters_may_not_use_the_place_and_occupation_pages(
    login_as: Login, role: Role
) -> None:
    person = await english(login_as, role)
    pages = [
        "/places",
        "/places/regions/new",
        "/places/regions/blekinge",
        "/places/municipalities/new",
        "/places/municipalities/umea",
        "/occupations",
        "/occupations/new",
        "/occupations/underskoterska",
    ]
    for path in pages:
        assert (await person.get(path))[0] == 403, path
        if not path.endswith(("/places", "/occupations")):
            assert (await person.post(path, town_form()))[0] == 403, path


# Occupations


def occupation_form(**overrides: Any) -> dict[str, Any]:
    form = {
        "slug": "platsattare",
        "ssyk": "7212",
        "name-sv": "Plattsättare",
        "name-en": "Tiler",
        "terms-fa": "جوشکار",
        "demand-0-place": "m:karlskrona",
        "demand-0-level": "high",
        "demand-0-source": "https://arbetsformedlingen.se/yrkesprognoser",
        "demand-0-verified_at": "2025-05-01",
        "demand-1-place": "r:inlandet",
        "demand-1-level": "medium",
        "demand-1-example": "on",
        "demand-2-place": "",
        "demand-2-level": "low",
        "demand_rows": "3",
    }
    return form | overrides


async def test_an_editor_creates_an_occupation_with_demand_and_edits_it(
    login_as: Login, admin_sessions: Sessions
) -> None:
    editor = await english(login_as)
    status, page = await editor.post("/occupations/new", occupation_form())
    assert status == 200
    assert "Created the occupation platsattare." in page
    async with admin_sessions() as session:
        created = await get_occupation_file(session=session, slug="platsattare")
    assert created is not None
    assert created.name == {"sv": "Plattsättare", "en": "Tiler"}
    assert created.search_terms == {"fa": ["جوشکار"]}
    assert created.ssyk == "7212"
    rows = [(d.municipality, d.region, d.level, d.source, d.example) for d in created.demand]
    assert rows == [
        ("karlskrona", None, "high", "https://arbetsformedlingen.se/yrkesprognoser", False),
        (None, "inlandet", "medium", None, True),
    ]
    assert str(created.demand[0].verified_at) == "2025-05-01"

    _, listing = await editor.get("/occupations")
    assert "Plattsättare" in listing

    form = occupation_form(**{"demand-1-remove": "on", "demand-0-level": "low", "revision": revision_in(page)})
    status, page = await editor.post("/occupations/platsattare", form)
    assert status == 200
    async with admin_sessions() as session:
        changed = await get_occupation_file(session=session, slug="platsattare")
    assert changed is not None
    assert [(d.municipality, d.level) for d in changed.demand] == [("karlskrona", "low")]


async def test_example_demand_rows_stay_marked_as_examples(login_as: Login) -> None:
    editor = await english(login_as)
    status, page = await editor.get("/occupations/underskoterska")
    assert status == 200
    assert 'name="demand-0-example" checked' in page
    _, listing = await editor.get("/occupations")
    assert "example" in listing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"demand-1-example": ""}, "A demand row without a source must be marked as an example."),
        ({"demand-0-place": "m:atlantis"}, "Choose the place of each demand row from the list."),
        ({"demand-0-level": "enormous"}, "Choose the level of each demand row from the list."),
        ({"demand-0-verified_at": "yesterday"}, "Write the date a row was checked as YYYY-MM-DD."),
        ({"name-sv": ""}, "The Swedish name is required."),
        ({"ssyk": "721"}, "The SSYK codes must be four digits each, separated by commas: 8331, 8332."),
        ({"ssyk": "7212, svetsare"}, "The SSYK codes must be four digits each"),
    ],
)
async def test_bad_occupation_input_is_refused_and_nothing_saved(
    login_as: Login, admin_sessions: Sessions, overrides: dict[str, str], message: str
) -> None:
    editor = await english(login_as)
    form = occupation_form(**overrides)
    if form.get("demand-1-example") == "":
        del form["demand-1-example"]
    status, page = await editor.post("/occupations/new", form)
    assert status == 400
    assert message in page
    assert 'value="https://arbetsformedlingen.se/yrkesprognoser"' in page
    async with admin_sessions() as session:
        assert await get_occupation_file(session=session, slug="platsattare") is None


async def test_an_occupation_covers_several_ssyk_groups_written_any_way(
    login_as: Login, admin_sessions: Sessions
) -> None:
    editor = await english(login_as)
    status, _ = await editor.post("/occupations/new", occupation_form(ssyk="8331,8332 8331"))
    assert status == 200
    async with admin_sessions() as session:
        created = await get_occupation_file(session=session, slug="platsattare")
    assert created is not None
    assert created.ssyk == "8331, 8332"  # as the file writes it, each group once
    _, page = await editor.get("/occupations/platsattare")
    assert 'value="8331, 8332"' in page


async def test_a_stale_occupation_save_is_refused(login_as: Login, admin_sessions: Sessions) -> None:
    editor = await english(login_as)
    await editor.post("/occupations/new", occupation_form())
    _, page = await editor.get("/occupations/platsattare")
    old = revision_in(page)
    assert (await editor.post("/occupations/platsattare", occupation_form(ssyk="7213", revision=old)))[0] == 200
    status, page = await editor.post("/occupations/platsattare", occupation_form(ssyk="9999", revision=old))
    assert status == 409
    assert 'value="9999"' in page
    async with admin_sessions() as session:
        current = await get_occupation_file(session=session, slug="platsattare")
    assert current is not None
    assert current.ssyk == "7213"
