"""The content repository on disk: read and check every file, load all of it or nothing, export it back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.files.schema import ArticleFile, EventFile, FileModel, MunicipalityFile, OccupationFile, RegionFile
from content.files.yaml_io import ContentFileError, Document, Problem, dump_yaml, read_document
from content.models import Article, Event, Municipality, Occupation, Region
from content.repository.articles import ARTICLES
from content.repository.events import EVENTS
from content.repository.lookup import set_positions
from content.repository.occupations import OCCUPATIONS
from content.repository.places import MunicipalityAdapter, RegionAdapter
from content.repository.records import Adapter, save_record

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "data"
REGIONS, MUNICIPALITIES = RegionAdapter(), MunicipalityAdapter()
ADAPTERS: dict[str, Adapter] = {
    adapter.entity: adapter for adapter in (REGIONS, MUNICIPALITIES, ARTICLES, OCCUPATIONS, EVENTS)
}
M = TypeVar("M", bound=FileModel)


@dataclass(slots=True)
class Bundle:
    """Everything in a content repository, validated."""

    regions: list[RegionFile] = field(default_factory=list)
    municipalities: list[MunicipalityFile] = field(default_factory=list)
    articles: list[ArticleFile] = field(default_factory=list)
    occupations: list[OccupationFile] = field(default_factory=list)
    events: list[EventFile] = field(default_factory=list)


@dataclass(slots=True)
class LoadSummary:
    """How many records of each kind a load created, updated or left as they were."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, entity: str, outcome: str) -> None:
        self.counts.setdefault(entity, Counter())[outcome] += 1

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{entity}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for entity, c in self.counts.items()
        ]


class _Reader:
    """Collects problems across all files, so one run reports everything wrong at once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def document(self, path: Path) -> Document | None:
        try:
            return read_document(path)
        except ContentFileError as error:
            self.problems.extend(error.problems)
            return None

    def validate(self, document: Document, model: type[M], data: Any, location: list[str | int]) -> M | None:
        try:
            return model.model_validate(data)
        except ValidationError as error:
            for detail in error.errors():
                loc = [*location, *detail["loc"]]
                self.problems.append(
                    Problem(
                        self._relative(document.path),
                        document.line_of(loc),
                        ".".join(str(part) for part in loc),
                        detail["msg"].removeprefix("Value error, "),
                    )
                )
            return None

    def records(self, name: str, model: type[M]) -> list[tuple[M, Document, int]]:
        path = self.root / name
        if not path.exists():
            return []
        document = self.document(path)
        if document is None:
            return []
        if document.data is None:
            return []
        if not isinstance(document.data, list):
            self.fail(document, [], "the file must be a list of entries (each starting with '- ')")
            return []
        found = []
        for index, item in enumerate(document.data):
            record = self.validate(document, model, item, [index])
            if record is not None:
                found.append((record, document, index))
        return found

    def articles(self) -> list[tuple[ArticleFile, Document, int | None]]:
        found: list[tuple[ArticleFile, Document, int | None]] = []
        for path in sorted((self.root / "articles").glob("*.yaml")):
            document = self.document(path)
            if document is None:
                continue
            record = self.validate(document, ArticleFile, document.data, [])
            if record is None:
                continue
            if record.slug != path.stem:
                self.fail(document, ["slug"], f"the slug must match the file name ({path.stem!r})")
                continue
            found.append((record, document, None))
        return found

    def fail(self, document: Document, location: Sequence[str | int], message: str) -> None:
        field_name = ".".join(str(part) for part in location)
        line = document.line_of(location)
        self.problems.append(Problem(self._relative(document.path), line, field_name, message))

    def _relative(self, path: Path) -> Path:
        try:
            return path.relative_to(self.root.parent)
        except ValueError:
            return path


def read_bundle(root: Path = DEFAULT_ROOT) -> Bundle:
    """Read and check every file under `root`; raise `ContentFileError` listing every problem found."""
    if not root.is_dir():
        raise ContentFileError([Problem(root, None, "", "no such content directory")])
    reader = _Reader(root)
    regions = reader.records("regions.yaml", RegionFile)
    municipalities = reader.records("municipalities.yaml", MunicipalityFile)
    articles = reader.articles()
    occupations = reader.records("occupations.yaml", OccupationFile)
    events = reader.records("events.yaml", EventFile)

    for entries in (regions, municipalities, occupations, events, articles):
        _check_unique(reader, entries)
    _check_references(reader, regions, municipalities, articles, occupations, events)
    if reader.problems:
        raise ContentFileError(reader.problems)
    return Bundle(
        regions=[r for r, _, _ in regions],
        municipalities=[m for m, _, _ in municipalities],
        articles=[a for a, _, _ in articles],
        occupations=[o for o, _, _ in occupations],
        events=[e for e, _, _ in events],
    )


def without_examples(bundle: Bundle) -> Bundle:
    """Return `bundle` without its made-up parts: example articles, example events and example demand rows."""
    return Bundle(
        regions=bundle.regions,
        municipalities=bundle.municipalities,
        articles=[article for article in bundle.articles if not article.example],
        occupations=[
            occupation.model_copy(update={"demand": [row for row in occupation.demand if not row.example]})
            for occupation in bundle.occupations
        ],
        events=[event for event in bundle.events if not event.example],
    )


def _check_unique(reader: _Reader, entries: Sequence[tuple[Any, Document, int | None]]) -> None:
    seen: set[str] = set()
    for record, document, index in entries:
        if record.slug in seen:
            reader.fail(document, _at(index, "slug"), f"the slug {record.slug!r} is used twice")
        seen.add(record.slug)


def _check_references(
    reader: _Reader,
    regions: Sequence[tuple[RegionFile, Document, int]],
    municipalities: Sequence[tuple[MunicipalityFile, Document, int]],
    articles: Sequence[tuple[ArticleFile, Document, int | None]],
    occupations: Sequence[tuple[OccupationFile, Document, int]],
    events: Sequence[tuple[EventFile, Document, int]],
) -> None:
    """Report references to regions, municipalities and articles that the repository does not define."""
    region_slugs = {r.slug for r, _, _ in regions}
    towns = {m.slug for m, _, _ in municipalities}
    for municipality, document, index in municipalities:
        if municipality.region not in region_slugs:
            reader.fail(document, _at(index, "region"), f"no region {municipality.region!r} in regions.yaml")
    referring: list[tuple[ArticleFile | EventFile, Document, int | None]] = [*articles, *events]
    for record, document, where in referring:
        if record.municipality and record.municipality not in towns:
            reader.fail(document, _at(where, "municipality"), f"no municipality {record.municipality!r}")
    _check_related(reader, articles, {path.stem for path in (reader.root / "articles").glob("*.yaml")})
    for occupation, document, index in occupations:
        for row, demand in enumerate(occupation.demand):
            if demand.municipality and demand.municipality not in towns:
                reader.fail(document, _at(index, "demand", row, "municipality"), "no such municipality")
            if demand.region and demand.region not in region_slugs:
                reader.fail(document, _at(index, "demand", row, "region"), "no such region")


def _check_related(
    reader: _Reader, articles: Sequence[tuple[ArticleFile, Document, int | None]], files: set[str]
) -> None:
    # An article whose own file has a problem is still there: only a missing file is a broken reference.
    slugs = {a.slug for a, _, _ in articles} | files
    for article, document, where in articles:
        for position, slug in enumerate(article.related):
            if slug not in slugs:
                reader.fail(document, _at(where, "related", position), f"no article {slug!r}")


def _at(index: int | None, *rest: str | int) -> list[str | int]:
    return [*([] if index is None else [index]), *rest]


async def apply_bundle(*, session: AsyncSession, bundle: Bundle, actor: str, note: str = "content load") -> LoadSummary:
    """Create or update every record of `bundle` (keeping revisions); records not in it are left alone.

    The caller commits, so a failure part-way leaves the database as it was.
    """
    summary = LoadSummary()
    groups: list[tuple[Adapter, Sequence[FileModel]]] = [
        (REGIONS, bundle.regions),
        (MUNICIPALITIES, bundle.municipalities),
        (ARTICLES, bundle.articles),
        (OCCUPATIONS, bundle.occupations),
        (EVENTS, bundle.events),
    ]
    for adapter, records in groups:
        for record in records:
            result = await save_record(adapter, session=session, data=record, actor=actor, note=note)
            outcome = "created" if result.created else "updated" if result.changed else "unchanged"
            summary.add(adapter.entity, outcome)
    await set_positions(session, Region, [r.slug for r in bundle.regions])
    await set_positions(session, Municipality, [m.slug for m in bundle.municipalities])
    await set_positions(session, Occupation, [o.slug for o in bundle.occupations])
    await session.flush()
    return summary


async def export_files(*, session: AsyncSession) -> dict[str, str]:
    """Return the database's content as repository files: relative path -> YAML text."""

    async def dump_all(adapter: Adapter, model: Any, order: Sequence[Any]) -> list[dict[str, Any]]:
        slugs = (await session.exec(select(model.slug).order_by(*order))).all()
        records = [await adapter.read(session, slug) for slug in slugs]
        return [record.model_dump() for record in records if record is not None]

    files: dict[str, str] = {}
    lists: list[tuple[str, Adapter, Any, Sequence[Any]]] = [
        ("regions.yaml", REGIONS, Region, (col(Region.position), col(Region.slug))),
        ("municipalities.yaml", MUNICIPALITIES, Municipality, (col(Municipality.position), col(Municipality.slug))),
        ("occupations.yaml", OCCUPATIONS, Occupation, (col(Occupation.position), col(Occupation.slug))),
        ("events.yaml", EVENTS, Event, (col(Event.slug),)),
    ]
    for name, adapter, model, order in lists:
        records = await dump_all(adapter, model, order)
        if records:
            files[name] = dump_yaml(records)
    for record in await dump_all(ARTICLES, Article, (col(Article.slug),)):
        files[f"articles/{record['slug']}.yaml"] = dump_yaml(record)
    return files


def write_files(root: Path, files: dict[str, str]) -> list[Path]:
    """Write exported files under `root`, removing article files of articles that no longer exist."""
    (root / "articles").mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = root / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for stale in (root / "articles").glob("*.yaml"):
        if f"articles/{stale.name}" not in files:
            stale.unlink()
    return written
