"""`vagvisare data`: fetch the official open data, import it from the agencies' files, see how each source went."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from content.models import DataSourceStatus, OpenDataSource
from vagvisare.settings import Settings
from vagvisare.startup import database

if TYPE_CHECKING:
    from vagvisare.open_data import Endpoints, Outcome

# The source readers and the HTTP client are imported by the commands that use them: `vagvisare run` builds this
# command group too, and would otherwise carry them all its life (1.2 MB, measured with benchmarks/bot_latency.py).

data_app = typer.Typer(
    help="Official open data: job ads, Arbetsförmedlingen's outlook, Kolada's key figures.", no_args_is_help=True
)
SOURCES = ", ".join(source.value for source in OpenDataSource)


def endpoints(settings: Settings) -> Endpoints:
    """Where each source is read from, as the settings say."""
    from vagvisare.http_client import Politeness
    from vagvisare.open_data import Endpoints

    key = settings.jobsearch_api_key
    return Endpoints(
        jobsearch=settings.jobsearch_url,
        jobsearch_key=key.get_secret_value() if key else None,
        outlook=settings.outlook_url,
        kolada=settings.kolada_url,
        contact=settings.open_data_contact,
        politeness=Politeness(rate=settings.open_data_rate),
    )


def _settings() -> Settings:
    from vagvisare.cli import _settings as read  # the command line reads the environment in one place

    return read()


def _source(value: str) -> OpenDataSource:
    try:
        return OpenDataSource(value.strip().lower())
    except ValueError:
        typer.echo(f"Unknown source {value!r}; the sources are {SOURCES}.", err=True)
        raise typer.Exit(2) from None


def _line(source: OpenDataSource, outcome: Outcome) -> str:
    status = outcome.status
    asked = f", {outcome.requests} requests" if outcome.requests else ""
    return (
        f"{source.value}: {status.rows} rows stored ({status.rows_changed} changed) in {outcome.seconds:.1f} s"
        f"{asked}; data of {status.data_date}, from {status.source_url}"
    )


@data_app.command("fetch")
def data_fetch(
    sources: Annotated[list[str] | None, typer.Argument(help=f"Sources to fetch ({SOURCES}); default: all.")] = None,
) -> None:
    """Fetch sources over HTTP and store each whole; a source that fails keeps what it had, and the exit is 1."""
    from vagvisare.open_data import SourceError, fetch_source

    settings = _settings()
    chosen = [_source(value) for value in sources] if sources else list(OpenDataSource)
    where = endpoints(settings)

    async def go() -> list[tuple[OpenDataSource, Outcome | str]]:
        results: list[tuple[OpenDataSource, Outcome | str]] = []
        async with database(settings) as sessions:
            for source in chosen:
                try:
                    results.append((source, await fetch_source(sessions, source, where)))
                except SourceError as error:
                    results.append((source, str(error)))
        return results

    failed = False
    for source, result in asyncio.run(go()):
        if isinstance(result, str):
            failed = True
            typer.echo(f"{source.value}: not fetched, what was stored is unchanged: {result}", err=True)
        else:
            typer.echo(_line(source, result))
    if failed:
        raise typer.Exit(1)


@data_app.command("import")
def data_import(
    source: Annotated[str, typer.Argument(help=f"The source the file is from ({SOURCES}).")],
    file: Annotated[Path, typer.Argument(help="The file as the agency publishes it (see docs/open-data.md).")],
) -> None:
    """Read a source from its published file, for installations without internet access; all rows or none."""
    from vagvisare.open_data import SourceError, import_source

    settings = _settings()
    chosen = _source(source)
    if not file.is_file():
        typer.echo(f"No such file: {file}", err=True)
        raise typer.Exit(2)

    async def go() -> Outcome:
        async with database(settings) as sessions:
            return await import_source(sessions, chosen, file)

    try:
        outcome = asyncio.run(go())
    except SourceError as error:
        typer.echo(f"{chosen.value}: not imported, what was stored is unchanged: {error}", err=True)
        raise typer.Exit(1) from error
    typer.echo(_line(chosen, outcome))


@data_app.command("status")
def data_status() -> None:
    """When each source was last fetched, how many rows it has and changed, and the last error."""
    from content.repository.opendata import statuses
    from vagvisare.open_data import ABOUT

    settings = _settings()

    async def go() -> dict[OpenDataSource, DataSourceStatus | None]:
        async with database(settings) as sessions, sessions() as session:
            return dict(await statuses(session))

    for source, status in asyncio.run(go()).items():
        typer.echo(f"{source.value}: {ABOUT[source]}")
        if status is None:
            typer.echo("  never fetched")
            continue
        typer.echo(
            f"  last success {_when(status.last_success_at)} ({status.via}), data of {status.data_date or '–'}: "
            f"{status.rows} rows, {status.rows_changed} changed"
        )
        if status.error:
            typer.echo(f"  last attempt {_when(status.last_attempt_at)} failed: {status.error}")


def _when(moment: object) -> str:
    return "never" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"
