"""The content repository files: load all or nothing, idempotently, and export them back byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.repository import DEFAULT_ROOT, read_bundle
from content.files.yaml_io import ContentFileError, dump_yaml
from content.loading import export_repository, load_repository
from content.models import Article, Revision
from content.repository.articles import get_article_file
from content.repository.events import EventAdapter
from content.repository.records import list_revisions
from tests.factories import make_article, make_municipality, make_region

Sessions = async_sessionmaker[AsyncSession]


def _write_repository(root: Path) -> Path:
    (root / "articles").mkdir(parents=True)
    (root / "regions.yaml").write_text(dump_yaml([make_region().model_dump()]))
    (root / "municipalities.yaml").write_text(dump_yaml([make_municipality().model_dump()]))
    (root / "articles" / "sfi.yaml").write_text(dump_yaml(make_article().model_dump()))
    return root


async def _count(sessions: Sessions, model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_loading_twice_changes_nothing_the_second_time(sessions: Sessions, tmp_path: Path) -> None:
    root = _write_repository(tmp_path / "repo")
    first = await load_repository(sessions, root=root)
    revisions = await _count(sessions, Revision)
    second = await load_repository(sessions, root=root)
    assert (first.changed, second.changed) == (3, 0)
    assert await _count(sessions, Revision) == revisions


async def test_a_changed_file_updates_its_article_and_keeps_a_revision(sessions: Sessions, tmp_path: Path) -> None:
    root = _write_repository(tmp_path / "repo")
    await load_repository(sessions, root=root)
    path = root / "articles" / "sfi.yaml"
    path.write_text(path.read_text().replace("Svenska för invandrare", "Svenska för invandrare (sfi)"))
    summary = await load_repository(sessions, root=root)
    async with sessions() as session:
        article = await get_article_file(session=session, slug="sfi")
        revisions = await list_revisions(session=session, entity="article", slug="sfi")
    assert summary.counts["article"]["updated"] == 1
    assert article is not None
    assert article.translations["sv"].title == "Svenska för invandrare (sfi)"
    assert [r.number for r in revisions] == [2, 1]


async def test_export_after_load_reproduces_the_files_byte_for_byte(sessions: Sessions, tmp_path: Path) -> None:
    root = _write_repository(tmp_path / "repo")
    await load_repository(sessions, root=root)
    out = tmp_path / "out"
    await export_repository(sessions, root=out)
    assert _tree(out) == _tree(root)


async def test_the_starter_content_round_trips_byte_for_byte(sessions: Sessions, tmp_path: Path) -> None:
    await load_repository(sessions, root=DEFAULT_ROOT)
    out = tmp_path / "out"
    await export_repository(sessions, root=out)
    assert _tree(out) == _tree(DEFAULT_ROOT)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


BAD_FILES = [
    (
        "articles/sfi.yaml",
        "slug: sfi\nkind: introduction\nsource: x\ntranslations:\n  sv: [oops\n",
        6,
        "",
        "flow sequence on line 5",
    ),
    (
        "articles/sfi.yaml",
        "slug: sfi\nkind: recipe\nsource: x\ntranslations:\n  sv:\n    status: source\n    title: T\n",
        2,
        "kind",
        "Input should be",
    ),
    (
        "articles/sfi.yaml",
        "slug: sfi\nkind: faq\nsource: x\ntranslations:\n  sv:\n    status: source\n    title: ''\n",
        7,
        "translations.sv.title",
        "at least 1 character",
    ),
    (
        "articles/sfi.yaml",
        "slug: sfi\nkind: faq\nsource: x\ntranslations:\n  en:\n    status: reviewed\n    source_version: 1\n"
        "    title: T\n",
        5,
        "translations",
        "Swedish source text",
    ),
    (
        "articles/sfi.yaml",
        "slug: other\nkind: faq\nsource: x\ntranslations:\n  sv:\n    status: source\n    title: T\n",
        1,
        "slug",
        "must match the file name",
    ),
    (
        "articles/sfi.yaml",
        "slug: sfi\nkind: faq\nsource: x\nsearch_terms:\n  xx: [a]\ntranslations:\n  sv:\n    status: source\n"
        "    title: T\n",
        5,
        "search_terms",
        "unknown language code(s) xx",
    ),
    ("municipalities.yaml", "- slug: testby\n  name: Testby\n  region: nowhere\n", 3, "0.region", "no region"),
    ("municipalities.yaml", "slug: testby\n", 1, "", "must be a list"),
]


@pytest.mark.parametrize(("name", "text", "line", "field", "message"), BAD_FILES)
async def test_an_invalid_file_is_reported_with_file_line_and_field_and_nothing_is_loaded(
    sessions: Sessions, tmp_path: Path, name: str, text: str, line: int, field: str, message: str
) -> None:
    root = _write_repository(tmp_path / "repo")
    (root / "articles" / "extra.yaml").write_text(dump_yaml(make_article(slug="extra").model_dump()))
    (root / name).write_text(text)
    with pytest.raises(ContentFileError) as raised:
        await load_repository(sessions, root=root)
    problems = [(p.path.name, p.line, p.field) for p in raised.value.problems]
    assert (Path(name).name, line, field) in problems
    assert message in str(raised.value)
    assert await _count(sessions, Article) == 0


async def test_a_failure_while_writing_rolls_everything_back(
    sessions: Sessions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _write_repository(tmp_path / "repo")
    await load_repository(sessions, root=root)
    (root / "articles" / "sfi.yaml").write_text(
        dump_yaml(make_article(source="https://example.org/changed").model_dump())
    )
    (root / "events.yaml").write_text(
        "- slug: e\n  starts: 2030-01-01 18:00\n  translations:\n    sv: {status: source, title: T}\n"
    )

    async def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(EventAdapter, "write", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        await load_repository(sessions, root=root)
    async with sessions() as session:
        article = await get_article_file(session=session, slug="sfi")
    assert article == make_article()


def test_the_starter_content_is_valid_and_complete() -> None:
    bundle = read_bundle(DEFAULT_ROOT)
    slugs = {a.slug for a in bundle.articles}
    topics = {
        "sfi", "samhallsorientering", "etableringsprogrammet", "validering", "digital-kompetens", "halsa",
        "flyktingguide", "foreningsliv", "bostad", "jobbsok", "starta-foretag", "skola-forskola",
        "asylprocessen", "tillfalligt-skydd", "ambassadorer", "nodnummer",
    }  # fmt: skip
    municipalities = {
        "umea", "vannas", "bjurholm", "nordmaling", "vindeln", "robertsfors", "norsjo", "mala", "arvidsjaur",
        "smedjebacken", "vansbro", "sater", "falun", "borlange", "karlskrona", "karlshamn", "ronneby",
        "olofstrom", "solvesborg", "astorp", "sundsvall", "skelleftea", "boden", "gallivare", "kiruna",
    }  # fmt: skip
    assert topics <= slugs
    assert municipalities <= {m.slug for m in bundle.municipalities}
    assert len(bundle.occupations) >= 15
    for article in bundle.articles:
        assert {"sv", "en"} <= set(article.translations), article.slug
        assert article.source, article.slug
    for occupation in bundle.occupations:
        for demand in occupation.demand:
            assert demand.source or demand.example, occupation.slug
    assert all(event.example for event in bundle.events if event.starts.startswith("today"))
