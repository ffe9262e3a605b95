"""History of places, occupations and events: revisions, the changes between two, restoring one."""

from __future__ import annotations

import re

from content.models import Role
from tests.admin.conftest import Login


async def test_a_municipality_edit_can_be_seen_compared_and_undone(login_as: Login) -> None:
    editor = await login_as(Role.EDITOR)
    await editor.post("/language", {"lang": "en", "next": "/"})
    _, page = await editor.get("/places/municipalities/vannas")
    assert 'href="/history/municipality/vannas"' in page
    revision = re.search(r'name="revision" value="(\d+)"', page)
    assert revision is not None
    form = {
        "revision": revision.group(1),
        "slug": "vannas",
        "name": "Vännäs <script>alert(1)</script>",
        "region": "umearegionen",
        "county": "Västerbottens län",
        "website": "",
    }
    status, _ = await editor.post("/places/municipalities/vannas", form)
    assert status == 200
    status, history = await editor.get("/history/municipality/vannas")
    assert status == 200
    assert "Restore this version" in history
    _, changes = await editor.get("/history/municipality/vannas/diff")
    assert "<ins>+ name: Vännäs &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in changes
    first = re.findall(r'name="revision" value="(\d+)"', history)[-1]  # the oldest revision
    status, _ = await editor.post("/history/municipality/vannas/restore", {"revision": first})
    assert status == 200
    _, page = await editor.get("/places/municipalities/vannas")
    assert "&lt;script&gt;" not in page
    assert 'value="Vännäs"' in page


async def test_bad_history_requests_get_polite_answers(login_as: Login) -> None:
    editor = await login_as(Role.EDITOR)
    assert (await editor.get("/history/article/sfi"))[0] == 404  # articles have their own history pages
    assert (await editor.get("/history/event/no-such-event"))[0] == 404
    assert (await editor.get("/history/region/umearegionen/diff?a=x&b=99"))[0] == 400
    assert (await editor.post("/history/region/umearegionen/restore", {"revision": "nonsense"}))[0] == 400
    translator = await login_as(Role.TRANSLATOR, ["ar"])
    assert (await translator.get("/history/region/umearegionen"))[0] == 403
