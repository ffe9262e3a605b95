"""Saving content records: every change keeps a full revision and an audit entry; any revision can be restored.

Each kind of record has an adapter that reads a record in its file form and writes one back. The file form
(`content.files.schema`) is what files, exports and revisions share, so comparing two records is comparing two
models, and restoring a revision is saving its snapshot again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.schema import FileModel
from content.models import AuditEntry, Revision


class Adapter(Protocol):
    """Reads and writes one kind of record in its file form."""

    @property
    def entity(self) -> str: ...

    @property
    def model(self) -> type[FileModel]: ...

    async def read(self, session: AsyncSession, slug: str) -> FileModel | None: ...

    async def write(self, session: AsyncSession, data: Any, revision: int) -> None: ...

    async def remove(self, session: AsyncSession, slug: str) -> None: ...


class ContentError(Exception):
    """A content change that cannot be made; the message says why, in words an editor understands."""


class StaleEditError(ContentError):
    """Someone else saved the record after this editor opened it."""


@dataclass(frozen=True, slots=True)
class SaveResult:
    changed: bool
    created: bool
    revision: int  # the record's latest revision number


async def latest_revision_number(session: AsyncSession, entity: str, slug: str) -> int:
    """Return the number of the newest revision of a record (0 when it has none)."""
    number = await session.scalar(
        select(func.max(Revision.number)).where(Revision.entity == entity, Revision.slug == slug)
    )
    return int(number or 0)


async def save_record(
    adapter: Adapter,
    *,
    session: AsyncSession,
    data: FileModel,
    actor: str,
    note: str = "",
    expected_revision: int | None = None,
) -> SaveResult:
    """Create or update a record; unchanged data writes nothing. The caller commits."""
    slug: str = data.slug  # type: ignore[attr-defined]
    current = await adapter.read(session, slug)
    number = await latest_revision_number(session, adapter.entity, slug)
    if expected_revision is not None and expected_revision != number:
        raise StaleEditError(
            f"{adapter.entity} {slug!r} was changed by someone else (revision {number}, "
            f"you started from {expected_revision}); reload it and apply your change again"
        )
    if current == data:
        return SaveResult(changed=False, created=False, revision=number)
    await adapter.write(session, data, number + 1)
    snapshot = data.model_dump(mode="json")
    session.add(Revision(entity=adapter.entity, slug=slug, number=number + 1, data=snapshot, actor=actor, note=note))
    action = "create" if current is None else "update"
    session.add(AuditEntry(actor=actor, action=action, entity=adapter.entity, slug=slug, detail={"note": note}))
    await session.flush()
    return SaveResult(changed=True, created=current is None, revision=number + 1)


async def delete_record(adapter: Adapter, *, session: AsyncSession, slug: str, actor: str) -> bool:
    """Delete a record, keeping its history (a revision without data marks the deletion)."""
    if await adapter.read(session, slug) is None:
        return False
    number = await latest_revision_number(session, adapter.entity, slug)
    await adapter.remove(session, slug)
    session.add(Revision(entity=adapter.entity, slug=slug, number=number + 1, data=None, actor=actor, note="deleted"))
    session.add(AuditEntry(actor=actor, action="delete", entity=adapter.entity, slug=slug))
    await session.flush()
    return True


async def list_revisions(*, session: AsyncSession, entity: str, slug: str) -> list[Revision]:
    """Return a record's revisions, newest first."""
    result = await session.exec(
        select(Revision).where(Revision.entity == entity, Revision.slug == slug).order_by(col(Revision.number).desc())
    )
    return list(result.all())


async def restore_revision(
    adapters: dict[str, Adapter], *, session: AsyncSession, revision_id: int, actor: str
) -> SaveResult:
    """Make an old revision current again; the restore itself becomes a new revision."""
    revision = await session.get(Revision, revision_id)
    if revision is None:
        raise ContentError(f"there is no revision {revision_id}")
    if revision.data is None:
        raise ContentError(f"revision {revision_id} records a deletion; restore the revision before it")
    adapter = adapters[revision.entity]
    data = adapter.model.model_validate(revision.data)
    return await save_record(
        adapter, session=session, data=data, actor=actor, note=f"restored revision {revision.number}"
    )


async def content_generation(*, session: AsyncSession) -> int:
    """Return a number that grows with every content change (search indexes compare it to catch up)."""
    return int(await session.scalar(select(func.max(Revision.id))) or 0)


async def changed_since(*, session: AsyncSession, generation: int) -> list[tuple[str, str]]:
    """Return the (entity, slug) pairs changed after `generation`."""
    result = await session.exec(select(Revision.entity, Revision.slug).where(col(Revision.id) > generation).distinct())
    return [(entity, slug) for entity, slug in result.all()]


async def list_audit(*, session: AsyncSession, limit: int = 100) -> list[AuditEntry]:
    """Return the newest audit entries first."""
    result = await session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit))
    return list(result.all())
