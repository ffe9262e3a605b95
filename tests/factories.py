"""Builders for content records in their file form; override any field."""

from __future__ import annotations

from typing import Any

from content.files.schema import ArticleFile, MunicipalityFile, RegionFile


def make_region(**overrides: Any) -> RegionFile:
    data: dict[str, Any] = {"slug": "testregionen", "name": {"sv": "Testregionen", "en": "Test region"}}
    return RegionFile.model_validate(data | overrides)


def make_municipality(**overrides: Any) -> MunicipalityFile:
    data: dict[str, Any] = {"slug": "testby", "name": "Testby", "region": "testregionen"}
    return MunicipalityFile.model_validate(data | overrides)


def make_article(*, sv_body: str | None = None, **overrides: Any) -> ArticleFile:
    data: dict[str, Any] = {
        "slug": "sfi",
        "kind": "introduction",
        "status": "published",
        "source": "https://www.skolverket.se/",
        "translations": {
            "sv": {
                "status": "source",
                "title": "Svenska för invandrare",
                "summary": "Gratis undervisning i svenska för vuxna.",
                "body": "## Vem kan gå?\n\nVuxna som bor i en kommun.",
                "keywords": ["sfi", "svenska"],
            },
            "en": {
                "status": "reviewed",
                "source_version": 1,
                "title": "Swedish for immigrants",
                "summary": "Free Swedish tuition for adults.",
                "body": "## Who can attend?\n\nAdults living in a municipality.",
                "keywords": ["sfi", "swedish"],
            },
        },
    }
    if sv_body is not None:
        data["translations"]["sv"]["body"] = sv_body
    return ArticleFile.model_validate(data | overrides)
