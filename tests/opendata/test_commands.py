"""The operator's side: `vagvisare data fetch | import | status`, a fetch killed halfway, and the schedule `run`
keeps (each due source fetched once, in a child process, by one process of several)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from typer.testing import CliRunner

from content.models import DataSourceStatus, KeyFigure, OpenDataSource, utcnow
from content.repository.opendata import claim
from tests.opendata.conftest import sample_ads
from tests.opendata.standin import BAROMETER_PAGE, AgencyStandIn
from vagvisare.cli import app
from vagvisare.refresh import child_environment, refresh_open_data
from vagvisare.settings import Settings

Sessions = async_sessionmaker[AsyncSession]


def _env(database_url: str, standin: AgencyStandIn, tmp_path: Path) -> dict[str, str]:
    return {
        "VAGVISARE_DATA_DIR": str(tmp_path / "data"),
        "VAGVISARE_DATABASE_URL": database_url,
        "VAGVISARE_LOAD_STARTER_CONTENT": "false",
        "VAGVISARE_JOBSEARCH_URL": standin.base,
        "VAGVISARE_OUTLOOK_URL": standin.base + BAROMETER_PAGE,
        "VAGVISARE_KOLADA_URL": standin.base + "/v3",
        "VAGVISARE_OPEN_DATA_RATE": "20",
        "VAGVISARE_LOG_LEVEL": "WARNING",
    }


async def _invoke(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    # The stand-in runs on this loop: the command runs on a thread with its own.
    result = await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


async def _figures(sessions: Sessions) -> list[tuple[str, int, float]]:
    async with sessions() as session:
        return sorted((row.kpi, row.year, row.value) for row in (await session.exec(select(KeyFigure))).all())


async def test_data_fetch_reports_what_each_source_stored_and_status_shows_it(
    database_url: str, standin: AgencyStandIn, tmp_path: Path
) -> None:
    env = _env(database_url, standin, tmp_path)
    code, out, err = await _invoke(env, "data", "fetch")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("jobads: 425 rows stored (425 changed) in ")
    assert "17 requests" in lines[0]
    assert lines[1].startswith("outlook: 4 rows stored")
    assert "yrkesbarometer-2026-2.xlsx" in lines[1]
    assert lines[2].startswith("kolada: 6 rows stored")
    code, out, _ = await _invoke(env, "data", "status")
    assert code == 0
    assert "jobads: open job ads" in out
    assert "never" not in out
    assert "425 rows, 425 changed" in out


async def test_a_failing_source_exits_1_keeps_its_rows_and_the_others_still_fetch(
    database_url: str, standin: AgencyStandIn, tmp_path: Path
) -> None:
    env = _env(database_url, standin, tmp_path)
    standin.fail("/search", 404)  # not retried: the address is wrong
    code, out, err = await _invoke(env, "data", "fetch", "jobads", "kolada")
    assert code == 1
    assert "jobads: not fetched, what was stored is unchanged" in err
    assert "answered HTTP 404" in err
    assert out.startswith("kolada: 6 rows stored")
    code, out, _ = await _invoke(env, "data", "status")
    assert "failed: " in out
    assert "HTTP 404" in out


async def test_unknown_sources_and_missing_files_get_a_polite_answer(
    database_url: str, standin: AgencyStandIn, tmp_path: Path
) -> None:
    env = _env(database_url, standin, tmp_path)
    code, _, err = await _invoke(env, "data", "fetch", "weather")
    assert code == 2
    assert "Unknown source 'weather'; the sources are jobads, outlook, kolada." in err
    code, _, err = await _invoke(env, "data", "import", "jobads", str(tmp_path / "nowhere.json"))
    assert code == 2
    assert "No such file" in err


async def test_data_import_reads_a_published_file(database_url: str, standin: AgencyStandIn, tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(sample_ads()))
    code, out, err = await _invoke(_env(database_url, standin, tmp_path), "data", "import", "jobads", str(path))
    assert code == 0, err
    assert out.startswith("jobads: 425 rows stored (425 changed)")
    assert "data of 2026-12-03" in out


async def test_a_fetch_killed_halfway_changes_nothing(
    database_url: str, sessions: Sessions, standin: AgencyStandIn, tmp_path: Path
) -> None:
    env = _env(database_url, standin, tmp_path)
    assert (await _invoke(env, "data", "fetch", "kolada"))[0] == 0
    before = await _figures(sessions)
    standin.kolada = [{**value, "period": 2026} for value in standin.kolada]
    standin.fail("/v3/data", None, "hang")  # the first page comes; the second never does
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "vagvisare", "data", "fetch", "kolada", env=os.environ | env
    )
    await asyncio.wait_for(standin.hanging.wait(), 30)
    child.send_signal(signal.SIGKILL)
    assert await child.wait() == -signal.SIGKILL
    assert await _figures(sessions) == before


async def test_only_one_of_several_processes_takes_a_due_refresh(sessions: Sessions) -> None:
    now = utcnow()
    taken = await asyncio.gather(
        *(claim(sessions, OpenDataSource.JOBADS, fresh_after=now, tried_after=now) for _ in range(4))
    )
    assert sorted(taken) == [False, False, False, True]
    later = now + timedelta(seconds=1)
    assert not await claim(sessions, OpenDataSource.JOBADS, fresh_after=later, tried_after=now)  # tried since


async def test_run_refreshes_each_due_source_once_in_a_child_process(
    database_url: str, sessions: Sessions, standin: AgencyStandIn, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        jobsearch_url=standin.base,
        outlook_url=standin.base + BAROMETER_PAGE,
        kolada_url=standin.base + "/v3",
        open_data_rate=20,
        refresh_outlook_hours=0,  # not on the schedule
    )
    stop = asyncio.Event()
    task = asyncio.create_task(refresh_open_data(settings, sessions, stop, every=0.2))
    try:
        async with asyncio.timeout(60):
            while True:
                async with sessions() as session:
                    done = [row.name for row in (await session.exec(select(DataSourceStatus))).all() if row.rows]
                if sorted(done) == ["jobads", "kolada"]:
                    break
                await asyncio.sleep(0.2)
        asked = len(standin.seen)
        await asyncio.sleep(1.0)  # a few more looks at the schedule: nothing is due
        assert len(standin.seen) == asked
        assert not standin.requests("/statistik")
    finally:
        stop.set()
        await task


@pytest.mark.parametrize("hours", [0.0])
def test_a_source_set_to_zero_hours_is_off_the_schedule(hours: float) -> None:
    from vagvisare.refresh import intervals

    settings = Settings(refresh_jobads_hours=hours)
    assert OpenDataSource.JOBADS not in intervals(settings)
    assert intervals(settings)[OpenDataSource.OUTLOOK] == timedelta(days=7)


async def test_a_refresh_stopped_with_the_service_says_so_in_the_admin(
    database_url: str, sessions: Sessions, standin: AgencyStandIn, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        kolada_url=standin.base + "/v3",
        open_data_rate=20,
        refresh_jobads_hours=0,
        refresh_outlook_hours=0,
    )
    standin.fail("/v3/kpi", "hang")  # the child waits on Kolada until it is stopped
    stop = asyncio.Event()
    task = asyncio.create_task(refresh_open_data(settings, sessions, stop, every=0.2))
    await asyncio.wait_for(standin.hanging.wait(), 30)
    stop.set()
    await asyncio.wait_for(task, 30)
    async with sessions() as session:
        status = await session.get(DataSourceStatus, "kolada")
    assert status is not None
    assert status.error == "fetch: stopped with the service; nothing changed"
    assert status.rows == 0


def test_the_refresh_child_gets_no_secret_it_does_not_need(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAGVISARE_TELEGRAM_TOKEN", "123:secret-token")
    monkeypatch.setenv("VAGVISARE_SMTP_PASSWORD", "mail-secret")
    monkeypatch.setenv("VAGVISARE_SECRET_KEY", "session-secret")
    settings = Settings(jobsearch_api_key="k-123")  # type: ignore[arg-type]
    env = child_environment(settings)
    assert "secret-token" not in str(env)
    assert "mail-secret" not in str(env)
    assert "session-secret" not in str(env)
    assert env["VAGVISARE_JOBSEARCH_API_KEY"] == "k-123"  # what the fetch needs
    assert env["PATH"]
