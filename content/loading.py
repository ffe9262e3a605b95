"""Loading the content repository into a database and exporting it back, as whole operations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.repository import (
    DEFAULT_ROOT,
    LoadSummary,
    apply_bundle,
    export_files,
    read_bundle,
    without_examples,
    write_files,
)
from content.models import Article
from content.repository.records import ContentError


async def load_repository(
    sessions: async_sessionmaker[AsyncSession],
    *,
    root: Path = DEFAULT_ROOT,
    actor: str = "cli",
    examples: bool = True,
) -> LoadSummary:
    """Check every file, then load all of them in one transaction (or nothing, on any error).

    `examples=False` leaves out the made-up example events, demand rows and articles (a production database).
    """
    bundle = read_bundle(root)
    if not examples:
        bundle = without_examples(bundle)
    async with sessions() as session, session.begin():
        return await apply_bundle(session=session, bundle=bundle, actor=actor)


async def export_repository(sessions: async_sessionmaker[AsyncSession], *, root: Path) -> list[Path]:
    """Write the database's content under `root` in the repository format.

    A database without articles is refused when `root` holds article files: exporting it would delete them all
    (an export to the wrong database, or before `vagvisare content load`).
    """
    async with sessions() as session:
        files = await export_files(session=session)
    existing = sorted((root / "articles").glob("*.yaml"))
    if existing and not any(name.startswith("articles/") for name in files):
        raise ContentError(
            f"The database holds no articles; exporting it would delete the {len(existing)} article files in "
            f"{root}. Nothing was written. Check VAGVISARE_DATABASE_URL, or load the content first "
            "(vagvisare content load)."
        )
    return write_files(root, files)


async def has_content(sessions: async_sessionmaker[AsyncSession]) -> bool:
    """Return whether the database holds any article."""
    async with sessions() as session:
        return bool(await session.scalar(select(func.count()).select_from(Article)))
