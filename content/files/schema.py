"""The content repository's file format as validated models (see docs/content-format.md).

The same models are the snapshots kept in revisions, so an export, a revision and a file all say the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from content.models import (
    ArticleKind,
    DemandLevel,
    PublicationStatus,
    Section,
    TranslationStatus,
)
from translations.languages import CODES, SOURCE_LANGUAGE

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")]
Text = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1)]
# Official codes: a municipality's (kommunkod, "2480"; its first two digits are its county's), and the SSYK 2012
# occupation groups an occupation covers ("8331, 8332").
MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]  # ASCII digits: "٢٤٨٠" is no code
SsykCodes = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}(, [0-9]{4})*$", max_length=200)]

V = TypeVar("V")

STARTS = re.compile(r"^(?:today\+(?P<days>\d{1,3})|(?P<date>\d{4}-\d{2}-\d{2})) (?P<time>\d{2}:\d{2})$")


def _check_languages(codes: Iterable[str]) -> None:
    unknown = [code for code in codes if code not in CODES]
    if unknown:
        raise ValueError(f"unknown language code(s) {', '.join(unknown)}; known: {', '.join(CODES)}")


def known_language(code: str) -> str:
    """Return `code` if it is one of the nine languages."""
    _check_languages([code])
    return code


LanguageCode = Annotated[str, AfterValidator(known_language)]


def in_registry_order(mapping: dict[str, V]) -> dict[str, V]:
    """Return `mapping` with its language keys in registry order, so every export is written the same way."""
    _check_languages(mapping)
    return dict(sorted(mapping.items(), key=lambda item: CODES.index(item[0])))


class FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    # Keys that files leave out, rather than write `null` (or an empty list or map), when they have no value.
    omit_if_none: ClassVar[frozenset[str]] = frozenset()
    omit_if_empty: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _omit_empty_keys(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for key in self.omit_if_none:
            if data.get(key, ...) is None:
                del data[key]
        for key in self.omit_if_empty:
            if key in data and not data[key]:
                del data[key]
        return data


# Per-language maps, checked for known codes and kept in registry order.
Names = Annotated[dict[str, Text], AfterValidator(in_registry_order)]
Descriptions = Annotated[dict[str, str], AfterValidator(in_registry_order)]
Terms = Annotated[dict[str, list[str]], AfterValidator(in_registry_order)]


def _checked_translations(translations: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
    """Check translations against the record's version (declared before them); return them in registry order."""
    version = info.data.get("version", 1)
    source = translations.get(SOURCE_LANGUAGE)
    if source is None or source.status != TranslationStatus.SOURCE:
        raise ValueError("translations need the Swedish source text under sv with status: source")
    for code, translation in translations.items():
        if code == SOURCE_LANGUAGE:
            continue
        if translation.status == TranslationStatus.SOURCE:
            raise ValueError(f"{code}: only the Swedish text can have status source")
        if translation.source_version is None or translation.source_version > version:
            raise ValueError(f"{code}: source_version must be between 1 and the record's version ({version})")
    return in_registry_order(translations)


class RegionFile(FileModel):
    slug: Slug
    name: Names
    description: Descriptions = Field(default_factory=dict)
    source: str | None = None

    @model_validator(mode="after")
    def _swedish_name(self) -> Self:
        if SOURCE_LANGUAGE not in self.name:
            raise ValueError("name needs a Swedish (sv) entry")
        return self


class MunicipalityFile(FileModel):
    omit_if_empty = frozenset({"names"})
    omit_if_none = frozenset({"code"})  # a repository from before the codes round-trips unchanged

    slug: Slug
    name: Text
    names: Names = Field(default_factory=dict)  # the name in other languages' scripts; `name` is the Swedish one
    region: Slug
    county: str | None = None
    code: MunicipalityCode | None = None
    website: str | None = None
    search_terms: Terms = Field(default_factory=dict)


Provenance = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TranslationFile(FileModel):
    omit_if_none = frozenset({"source_version", "translated_by", "reviewed_by"})  # the Swedish source has none

    status: TranslationStatus
    source_version: int | None = Field(default=None, ge=1)
    translated_by: Provenance | None = None  # who made the text: "team draft, needs native review", "machine: ..."
    reviewed_by: Provenance | None = None  # who checked it against the source, and whether a native speaker
    title: Text
    summary: str = ""
    body: str = ""
    keywords: list[str] = Field(default_factory=list)


class ArticleFile(FileModel):
    omit_if_empty = frozenset({"related"})

    slug: Slug
    kind: ArticleKind
    municipality: Slug | None = None
    section: Section | None = None
    status: PublicationStatus = PublicationStatus.DRAFT
    source: Text
    verified_at: date | None = None
    review_due: date | None = None
    example: bool = False
    version: int = Field(default=1, ge=1)
    search_terms: Terms = Field(default_factory=dict)
    related: list[Slug] = Field(default_factory=list)  # articles a reader is offered next, in order
    translations: dict[str, TranslationFile]

    @field_validator("translations")
    @classmethod
    def _checked(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        return _checked_translations(value, info)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind == ArticleKind.MUNICIPALITY and (self.municipality is None or self.section is None):
            raise ValueError("an article of kind municipality needs both municipality and section")
        if self.kind != ArticleKind.MUNICIPALITY and self.section is not None:
            raise ValueError("section is only for articles of kind municipality")
        if self.slug in self.related or len(set(self.related)) != len(self.related):
            raise ValueError("related lists other articles, each once")
        return self


class DemandFile(FileModel):
    omit_if_none = frozenset({"municipality", "region", "note"})  # one of the two places is given

    municipality: Slug | None = None
    region: Slug | None = None
    level: DemandLevel
    source: str | None = None
    verified_at: date | None = None
    example: bool = False
    note: str | None = None  # an editor's local note, in Swedish ("the employment unit looks for welders")

    @model_validator(mode="after")
    def _place_and_source(self) -> Self:
        if (self.municipality is None) == (self.region is None):
            raise ValueError("give exactly one of municipality or region")
        if not self.source and not self.example:
            raise ValueError("a demand row without a source must be marked example: true")
        return self


class OccupationFile(FileModel):
    slug: Slug
    ssyk: SsykCodes | None = None
    name: Names
    search_terms: Terms = Field(default_factory=dict)
    demand: list[DemandFile] = Field(default_factory=list)

    @model_validator(mode="after")
    def _swedish_name(self) -> Self:
        if SOURCE_LANGUAGE not in self.name:
            raise ValueError("name needs a Swedish (sv) entry")
        return self


class EventTranslationFile(FileModel):
    omit_if_none = frozenset({"source_version", "translated_by", "reviewed_by"})

    status: TranslationStatus
    source_version: int | None = Field(default=None, ge=1)
    translated_by: Provenance | None = None
    reviewed_by: Provenance | None = None
    title: Text
    body: str = ""


class EventFile(FileModel):
    slug: Slug
    example: bool = False
    municipality: Slug | None = None
    starts: str
    duration_minutes: int | None = Field(default=None, gt=0)
    place: str = ""
    capacity: int | None = Field(default=None, ge=0)
    languages: list[str] = Field(default_factory=list)
    interpreter: bool = False
    status: PublicationStatus = PublicationStatus.DRAFT
    registration_open: bool = True
    version: int = Field(default=1, ge=1)
    translations: dict[str, EventTranslationFile]

    @field_validator("translations")
    @classmethod
    def _checked(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        return _checked_translations(value, info)

    @field_validator("starts")
    @classmethod
    def _starts_format(cls, value: str) -> str:
        match = STARTS.match(value)
        if not match:
            raise ValueError("write the start as 'YYYY-MM-DD HH:MM' or, for examples, 'today+N HH:MM'")
        if match["date"]:
            datetime.strptime(f"{match['date']} {match['time']}", "%Y-%m-%d %H:%M")
        else:
            datetime.strptime(match["time"], "%H:%M")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _check_languages(self.languages)
        if self.starts.startswith("today") and not self.example:
            raise ValueError("only example events may be dated relative to today")
        return self

    def local_start(self, today: date) -> datetime:
        """Return the naive local (Europe/Stockholm) start time, anchoring relative dates at `today`."""
        match = STARTS.match(self.starts)
        assert match is not None
        day = today + timedelta(days=int(match["days"])) if match["days"] else date.fromisoformat(match["date"])
        hour, minute = (int(part) for part in match["time"].split(":"))
        return datetime(day.year, day.month, day.day, hour, minute)
