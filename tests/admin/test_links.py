"""Links & QR codes: a t.me link and QR code (PNG, SVG) for every municipality, topic, event and language."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from content.models import Role
from tests.admin.conftest import Login
from translations.catalogs import Translator
from vagvisare.settings import Settings

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def bot_username() -> str | None:
    return "@VagvisareTestBot"  # given as people copy it from @BotFather; the setting drops the @


@pytest.fixture
def admin_settings(tmp_path: Path, bot_username: str | None) -> Settings:
    return Settings(data_dir=tmp_path / "data", secret_key="test-secret-key", bot_username=bot_username)  # type: ignore[arg-type]


async def test_every_kind_of_deep_link_is_listed_with_its_qr_code(login_as: Login) -> None:
    translator = await login_as(Role.TRANSLATOR, ["ar"])
    status, page = await translator.get("/links")
    assert status == 200
    assert "https://t.me/VagvisareTestBot?start=m_umea" in page
    assert "https://t.me/VagvisareTestBot?start=t_sfi" in page
    assert "https://t.me/VagvisareTestBot?start=l_ar" in page
    assert "?start=e_" in page  # the starter content has upcoming example events
    assert "t_umea-overview" not in page  # municipality articles are reached through the municipality's link
    assert '/links/qr.svg?payload=m_umea"' in page
    assert "/links/qr.png?payload=m_umea&amp;download=1" in page


async def test_the_png_qr_code_is_a_png_and_the_svg_parses(login_as: Login) -> None:
    editor = await login_as(Role.EDITOR)
    png = await editor.response("GET", "/links/qr.png?payload=t_sfi&download=1")
    body = await png.read()
    assert png.status == 200
    assert png.content_type == "image/png"
    assert body.startswith(PNG_SIGNATURE)
    assert png.headers["Content-Disposition"] == 'attachment; filename="vagvisare-t_sfi.png"'
    svg = await editor.response("GET", "/links/qr.svg?payload=l_sv-x-easy")
    root = ET.fromstring(await svg.read())
    assert svg.content_type == "image/svg+xml"
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize("payload", ["", "x_umea", "m_", "m_umeå", "m_" + "a" * 63, "m_umea;rm", "start"])
async def test_a_payload_the_bot_would_not_open_is_refused(login_as: Login, payload: str) -> None:
    editor = await login_as(Role.EDITOR)
    for kind in ("png", "svg"):
        response = await editor.response("GET", f"/links/qr.{kind}", params={"payload": payload})
        assert response.status == 400
    response = await editor.response("GET", "/links/poster", params={"payload": payload})
    assert response.status == 400


async def test_a_poster_shows_one_large_code_with_its_name(login_as: Login) -> None:
    editor = await login_as(Role.BROADCASTER)
    status, page = await editor.get("/links/poster?payload=m_umea")
    assert status == 200
    assert "Umeå" in page
    assert "https://t.me/VagvisareTestBot?start=m_umea" in page


@pytest.mark.parametrize("bot_username", [None])
async def test_without_the_bot_username_the_page_says_how_to_set_it_and_still_shows_the_start_codes(
    login_as: Login,
) -> None:
    editor = await login_as(Role.EDITOR)
    await editor.post("/language", {"lang": "en", "next": "/links"})
    status, page = await editor.get("/links")
    assert status == 200
    assert "VAGVISARE_BOT_USERNAME" in page
    assert "https://t.me/&lt;bot&gt;?start=m_umea" in page
    assert "/links/qr.svg" not in page
    response = await editor.response("GET", "/links/qr.png?payload=m_umea")
    assert response.status == 409


def test_the_bot_username_setting_refuses_what_telegram_would_not_accept() -> None:
    with pytest.raises(ValueError, match="Telegram username"):
        Settings(bot_username="not a name")  # type: ignore[call-arg]
    assert Settings(bot_username="  ").bot_username is None  # type: ignore[call-arg]


async def test_a_poster_for_arabic_readers_speaks_arabic_right_to_left(login_as: Login) -> None:
    editor = await login_as(Role.EDITOR)
    status, page = await editor.get("/links/poster?payload=l_ar")  # the Arabic language link: Arabic by default
    assert status == 200
    assert '<section class="poster" lang="ar" dir="rtl">' in page
    instruction = Translator("ar").gettext("Scan the code with your phone's camera to open Vägvisare in Telegram.")
    assert html.escape(instruction, quote=False) in page
    assert "Skanna koden" not in page  # no Swedish instruction on an Arabic poster
    status, page = await editor.get("/links/poster?payload=m_umea&lang=ti")
    assert '<section class="poster" lang="ti" dir="ltr">' in page
    assert "ኡመኦ (Umeå)" in page  # the town in Tigrinya script, with its Swedish spelling
    status, page = await editor.get("/links/poster?payload=m_umea&lang=xx")  # unknown: Swedish
    assert status == 200
    assert 'lang="sv"' in page
