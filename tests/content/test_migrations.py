"""The schema migrations run from empty to head and back, on every database kind."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncConnection

from content.db import create_engine, downgrade, migrate

TABLES = {
    "region",
    "municipality",
    "article",
    "articletranslation",
    "occupation",
    "occupationdemand",
    "event",
    "eventtranslation",
    "editoraccount",
    "revision",
    "auditentry",
    "botuser",
    "follow",
    "registration",
    "feedback",
    "questionstat",
    "broadcast",
    "broadcasttext",
    "delivery",
    "inboxthread",
    "staffalert",
    "inboxmessage",
    "datasource",
    "jobadcount",
    "labouroutlook",
    "keyfigure",
    "heartbeat",
    "loginfailure",
}


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await _names(connection)
    finally:
        await engine.dispose()


async def _names(connection: AsyncConnection) -> set[str]:
    return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names())) - {"alembic_version"}


async def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(database_url: str) -> None:
    assert await _tables(database_url) == TABLES
    await downgrade(database_url, "base")
    assert await _tables(database_url) == set()
    await migrate(database_url)
    assert await _tables(database_url) == TABLES


async def test_upgrading_an_up_to_date_database_changes_nothing(database_url: str) -> None:
    await migrate(database_url)
    assert await _tables(database_url) == TABLES


async def test_the_migrations_match_the_models(database_url: str) -> None:
    """Nothing in the models is missing from the migrations (Alembic's autogenerate finds no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import content.models  # noqa: F401  (registers the tables)

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), SQLModel.metadata)
            )
    finally:
        await engine.dispose()
    assert differences == []


async def test_0006_keeps_the_ssyk_groups_an_old_admin_stored_and_drops_what_is_no_code(database_url: str) -> None:
    from sqlalchemy import text

    await downgrade(database_url, "0005")
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            for slug, ssyk in (("a", "5321/5323"), ("b", "532"), ("c", "7212"), ("d", None), ("e", "8331 8331")):
                await connection.execute(
                    text(
                        "INSERT INTO occupation (slug, position, ssyk, name, search_terms) "
                        "VALUES (:s, 0, :k, '{}', '{}')"
                    ),
                    {"s": slug, "k": ssyk},
                )
        await migrate(database_url)
        async with engine.connect() as connection:
            rows = dict((await connection.execute(text("SELECT slug, ssyk FROM occupation ORDER BY slug"))).all())
    finally:
        await engine.dispose()
    assert rows == {"a": "5321, 5323", "b": None, "c": "7212", "d": None, "e": "8331"}
