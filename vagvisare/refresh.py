"""The open-data refresh on a schedule: `vagvisare run` starts each due source's fetch in a short-lived child.

A child process (`vagvisare data fetch SOURCE`) keeps the service's memory flat (the Excel reader alone is about
10 MB) and a stuck or crashing fetch away from the bot. Of several `run` processes, one takes each refresh
(`claim`); a failed fetch is tried again after `RETRY_AFTER`, not at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import OpenDataSource, utcnow
from vagvisare.settings import Settings

log = logging.getLogger(__name__)

CHECK_EVERY = 300.0  # seconds between looks at which source is due
RETRY_AFTER = timedelta(hours=1)  # after a failed fetch
FETCH_TIMEOUT = 1800.0  # seconds a child may take before it is stopped (its transaction then never commits)


def intervals(settings: Settings) -> dict[OpenDataSource, timedelta]:
    """How often each source is refreshed; a source set to 0 hours is left out."""
    hours = {
        OpenDataSource.JOBADS: settings.refresh_jobads_hours,
        OpenDataSource.OUTLOOK: settings.refresh_outlook_hours,
        OpenDataSource.KOLADA: settings.refresh_kolada_hours,
    }
    return {source: timedelta(hours=value) for source, value in hours.items() if value > 0}


# What the child needs of this process's environment to run Python at all; nothing else is passed on (not the
# Telegram token, the SMTP password or the session key).
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ", "VIRTUAL_ENV", "PYTHONPATH", "SYSTEMROOT")


def child_environment(settings: Settings) -> dict[str, str]:
    """The child's settings, from this process's (given in code or read from its environment)."""
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.update(
        VAGVISARE_DATABASE_URL=settings.effective_database_url,
        VAGVISARE_DATA_DIR=str(settings.data_dir),
        VAGVISARE_LOAD_STARTER_CONTENT="false",
        VAGVISARE_JOBSEARCH_URL=settings.jobsearch_url,
        VAGVISARE_OUTLOOK_URL=settings.outlook_url,
        VAGVISARE_KOLADA_URL=settings.kolada_url,
        VAGVISARE_OPEN_DATA_RATE=str(settings.open_data_rate),
        VAGVISARE_LOG_LEVEL=settings.log_level,
    )
    if settings.jobsearch_api_key is not None:
        env["VAGVISARE_JOBSEARCH_API_KEY"] = settings.jobsearch_api_key.get_secret_value()
    if settings.open_data_contact:
        env["VAGVISARE_OPEN_DATA_CONTACT"] = settings.open_data_contact
    return env


async def refresh_open_data(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], stop: asyncio.Event, every: float = CHECK_EVERY
) -> None:
    """Until `stop`: fetch each source whose refresh is due, one at a time."""
    from content.repository.opendata import claim  # the open-data code loads once the schedule runs

    schedule = intervals(settings)
    while not stop.is_set():
        for source, interval in schedule.items():
            if stop.is_set():
                break
            try:
                now = utcnow()
                if await claim(sessions, source, fresh_after=now - interval, tried_after=now - RETRY_AFTER):
                    await _fetch_in_child(settings, sessions, source, stop)
            except Exception:
                log.exception("The open-data refresh of %s failed; trying again later.", source.value)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def _fetch_in_child(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], source: OpenDataSource, stop: asyncio.Event
) -> None:
    from content.repository.opendata import statuses
    from vagvisare.open_data import record_stopped  # the source readers stay out of the service until needed

    log.info("Refreshing the open data: %s.", source.value)
    began = utcnow()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "vagvisare",
        "data",
        "fetch",
        source.value,
        env=child_environment(settings),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    finished = asyncio.ensure_future(child.communicate())
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({finished, stopped}, timeout=FETCH_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if not finished.done():  # stopping, or too slow: nothing it read is stored
        child.kill()
        await finished
        why = "stopped with the service" if stop.is_set() else f"stopped after {FETCH_TIMEOUT / 60:.0f} minutes"
        log.warning("The open-data refresh of %s was %s before it finished; nothing changed.", source.value, why)
        await record_stopped(sessions, source, f"{why}; nothing changed")
        return
    output = finished.result()[0].decode("utf-8", "replace").strip()
    if child.returncode == 0:
        log.info("Open data refreshed: %s", output.splitlines()[-1] if output else source.value)
        return
    log.warning("The open-data refresh of %s failed (the admin's Open data page says why).", source.value)
    log.debug("The child said: %s", output[-1000:])
    async with sessions() as session:
        status = (await statuses(session))[source]
    said = status is not None and status.error and status.last_attempt_at and status.last_attempt_at >= began
    if not said:  # it ended before it could record why (a crash at start, a signal)
        last = output.splitlines()[-1][:300] if output else "no output"
        await record_stopped(sessions, source, f"the fetch ended with exit code {child.returncode}: {last}")
