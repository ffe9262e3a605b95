"""Once official figures are imported, "where is my occupation needed" ranks the municipalities by them, says the
source and the date, links to the ads, and hides the example rows; the municipality card shows its key figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.routes import route
from content.models import DemandLevel, Municipality, Occupation, OccupationDemand
from content.models import OpenDataSource as Source
from tests.bot.conftest import Chat
from tests.bot.emulator import BotAPIEmulator
from tests.opendata.conftest import import_samples
from tests.opendata.standin import ad
from translations.catalogs import Translator
from vagvisare.open_data import import_source

Sessions = async_sessionmaker[AsyncSession]


async def _add_rows(sessions: Sessions) -> None:
    """An example row (made up) and an editor's own row with a source, for the welders."""
    async with sessions() as session, session.begin():
        welder = (await session.exec(select(Occupation).where(Occupation.slug == "svetsare"))).one()
        town = (await session.exec(select(Municipality).where(Municipality.slug == "olofstrom"))).one()
        boden = (await session.exec(select(Municipality).where(Municipality.slug == "boden"))).one()
        session.add(
            OccupationDemand(occupation_id=welder.id, municipality_id=town.id, level=DemandLevel.HIGH, example=True)
        )
        session.add(
            OccupationDemand(
                occupation_id=welder.id,
                municipality_id=boden.id,
                position=1,
                level=DemandLevel.HIGH,
                source="Bodens kommun, arbetsmarknadsenheten",
                note="Arbetsmarknadsenheten söker svetsare till en yrkesutbildning.",
            )
        )


@pytest.mark.parametrize(
    ("language", "code", "question", "towns"),
    [
        ("Svenska", "sv", "Jag är svetsare", ("Skellefteå", "Umeå")),
        ("العربية", "ar", "أنا لحّام", ("شيليفتيو", "أوميو")),
        ("Українська", "uk", "я зварник", ("Шеллефтео", "Умео")),
    ],
)
async def test_the_demand_screen_ranks_by_the_official_figures_with_source_and_date(
    bot: BotAPIEmulator, sessions: Sessions, tmp_path: Path, language: str, code: str, question: str, towns: tuple
) -> None:
    await _add_rows(sessions)
    await import_samples(sessions, tmp_path, Source.JOBADS, Source.OUTLOOK)
    t = Translator(code)
    person = Chat(bot, 9400)
    await person.begin(language)
    reply = await person.say(question)
    screen = await person.tap(reply, next(label for label in reply.labels() if label.startswith("💼")))
    text = screen.plain
    assert t.gettext("Where this occupation is needed, by Arbetsförmedlingen's figures:") in text
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    # Västerbotten's prospects are good (Skellefteå, Umeå), Norrbotten's fair; then by the ads
    assert towns[0] in lines[0]
    assert towns[1] in lines[1]
    assert t.ngettext("{count} open job ad", "{count} open job ads", 5).replace("{count}", "5") in lines[0]
    assert t.gettext("good chances of work") in lines[0]
    # then the other towns of Västerbotten (the county's prospects, no ads) before Norrbotten's fair ones
    assert t.gettext("no open job ads") in lines[2]
    assert t.gettext("good chances of work") in lines[2]
    counted = t.gettext("Job ads: Arbetsförmedlingen (Platsbanken), counted {date}.")
    assert counted.split("{date}")[0] in text
    assert "2026-2" in text  # the Yrkesbarometer's edition
    assert t.gettext("In Sweden as a whole: {outlook}; {forecast}.").split("{outlook}")[0] in text
    assert t.gettext("more jobs in five years") in text
    # the example row is hidden; the editor's own row stays, with its source
    assert t.gettext("example data") not in text
    assert "Västerbottens län" in lines[0]  # the judgement is the county's, and says so
    assert "Arbetsmarknadsenheten söker svetsare" in text
    assert "Bodens kommun, arbetsmarknadsenheten" in text
    ad_prefix = "https://arbetsformedlingen.se/platsbanken/annonser/"
    ads = [button for row in screen.buttons for button in row if button.get("url", "").startswith(ad_prefix)]
    assert len(ads) == 3
    assert "🔎 " + t.gettext("Job ads on Platsbanken") in screen.labels()


async def test_with_only_the_ads_the_screen_says_the_outlook_is_not_there_yet(
    bot: BotAPIEmulator, sessions: Sessions, tmp_path: Path
) -> None:
    await import_samples(sessions, tmp_path, Source.JOBADS)
    person = Chat(bot, 9401)
    await person.begin("English")
    reply = await person.say("I am a nurse")
    screen = await person.tap(reply, "💼 Nurse")
    lines = [line for line in screen.plain.splitlines() if line.startswith("• ")]
    assert lines[0].startswith("• Kiruna: 3 open job ads")
    assert lines[1].startswith("• Gällivare: 1 open job ad")
    assert "No official judgement of the chances of work yet." in screen.plain
    assert "The other municipalities have no open job ads for it today." in screen.plain


async def test_every_town_with_ads_is_named_and_the_dates_are_the_datas_own(
    bot: BotAPIEmulator, sessions: Sessions, tmp_path: Path
) -> None:
    """Eleven towns with ads for nurses: eight get a line, the other three are named with their counts, and no
    sentence says the rest have none; the count's date is the snapshot's own (its newest ad, 3 December)."""
    codes = ["2480", "2460", "2403", "2401", "2404", "2409", "2417", "2418", "2482", "2505", "2582"]
    ads = [
        ad(100 + n * 10 + k, "2221", code, "2026-12-03T08:00:00") for n, code in enumerate(codes) for k in range(n + 1)
    ]
    (tmp_path / "snapshot.json").write_text(json.dumps(ads))
    await import_source(sessions, Source.JOBADS, tmp_path / "snapshot.json")
    person = Chat(bot, 9403)
    await person.begin("English")
    reply = await person.say("I am a nurse")
    screen = await person.tap(reply, "💼 Nurse")
    text = screen.plain
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    assert len(lines) == 8
    assert lines[0].startswith("• Boden: 11 open job ads")  # the most ads first (no outlook imported)
    assert "Open job ads also in: " in text
    also = text.split("Open job ads also in: ")[1].split("\n")[0]
    assert also == "Bjurholm (3), Vännäs (2), Umeå (1)."
    assert "The other municipalities have no open job ads" not in text
    assert "Job ads: Arbetsförmedlingen (Platsbanken), counted December 3, 2026." in text


async def test_the_municipality_card_shows_its_key_figures_with_source_and_year(
    bot: BotAPIEmulator, sessions: Sessions, tmp_path: Path
) -> None:
    await import_samples(sessions, tmp_path, Source.KOLADA)
    person = Chat(bot, 9402)
    await person.begin("English")
    menu = await person.say("/start")
    text = (await person.tap_data(menu.message_id, route("m", "umea"))).plain
    assert "Inhabitants: 132,235 (2025)" in text
    assert "Born abroad: 12.9 % (2025)" in text
    assert "Unemployed, of the working-age population: 4.6 % (2025)" in text
    assert "Source of the key figures: Kolada (RKA)." in text
