"""Alembic environment: runs the migrations over the async engine, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import content.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from content.db import create_engine
from content.models import UTCDateTime

target_metadata = SQLModel.metadata


def _render_item(type_: str, item: Any, autogen_context: Any) -> str | bool:
    # Migrations store plain timestamps; the UTC handling lives in the model's type.
    if type_ == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    asyncio.run(_run_async(url))


if context.is_offline_mode():
    raise SystemExit("Vägvisare migrations run online only: use `vagvisare db upgrade`.")
run_migrations_online()
