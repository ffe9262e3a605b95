"""Reading the audit log: newest first, filtered by who and by what, a page at a time."""

from __future__ import annotations

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import AuditEntry


async def search_audit(
    *,
    session: AsyncSession,
    actor: str | None = None,
    entity: str | None = None,
    slug: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[AuditEntry], int]:
    """Return one page of audit entries, newest first, and how many match in all."""
    conditions = []
    if actor:
        conditions.append(col(AuditEntry.actor) == actor)
    if entity:
        conditions.append(col(AuditEntry.entity) == entity)
    if slug:
        conditions.append(col(AuditEntry.slug) == slug)
    total = await session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    query = select(AuditEntry).where(*conditions).order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    return list((await session.exec(query)).all()), int(total or 0)


async def audit_choices(*, session: AsyncSession) -> tuple[list[str], list[str]]:
    """Return the actors and the kinds of entity that appear in the audit log, for filters."""
    actors = (await session.exec(select(AuditEntry.actor).distinct().order_by(col(AuditEntry.actor)))).all()
    entities = (await session.exec(select(AuditEntry.entity).distinct().order_by(col(AuditEntry.entity)))).all()
    return list(actors), list(entities)
