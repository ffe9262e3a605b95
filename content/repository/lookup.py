"""Finding rows by slug, the way every file and screen refers to them."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.repository.records import ContentError

Row = TypeVar("Row", bound=SQLModel)


async def by_slug(session: AsyncSession, model: type[Row], slug: str) -> Row | None:
    """Return the row of `model` with `slug`, or None."""
    result = await session.exec(select(model).where(model.slug == slug))  # type: ignore[attr-defined]
    return result.first()


async def id_of(session: AsyncSession, model: type[Row], slug: str | None) -> int | None:
    """Return the id of the row with `slug` (None for None); a missing row is a `ContentError`."""
    if slug is None:
        return None
    row = await by_slug(session, model, slug)
    if row is None:
        raise ContentError(f"there is no {model.__name__.lower()} {slug!r}")
    return row.id  # type: ignore[attr-defined]


async def slug_of(session: AsyncSession, model: type[Row], row_id: int | None) -> str | None:
    """Return the slug of the row with `row_id` (None for None)."""
    if row_id is None:
        return None
    row = await session.get(model, row_id)
    return row.slug if row is not None else None  # type: ignore[attr-defined]


async def set_positions(session: AsyncSession, model: type[Row], slugs: list[str]) -> None:
    """Store the display order of rows as given by `slugs`."""
    for position, slug in enumerate(slugs):
        row = await by_slug(session, model, slug)
        if row is not None and row.position != position:  # type: ignore[attr-defined]
            row.position = position
            session.add(row)
