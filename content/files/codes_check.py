"""The mapping check: every municipality and occupation of the content carries the official code that open data
is published by (docs/open-data-sources.md), and the codes agree with each other.

A municipality's code (kommunkod) is four digits whose first two are its county's code (länskod, Statistics
Sweden's), so "2480" belongs to Västerbottens län (24); two municipalities never share one. An occupation names
the SSYK 2012 groups it covers ("8331, 8332"), each once.
"""

from __future__ import annotations

from dataclasses import dataclass

from content.files.repository import Bundle

# Statistics Sweden's county codes (länskod), by the county's name as the content writes it.
COUNTY_CODES = {
    "Stockholms län": "01",
    "Uppsala län": "03",
    "Södermanlands län": "04",
    "Östergötlands län": "05",
    "Jönköpings län": "06",
    "Kronobergs län": "07",
    "Kalmar län": "08",
    "Gotlands län": "09",
    "Blekinge län": "10",
    "Skåne län": "12",
    "Hallands län": "13",
    "Västra Götalands län": "14",
    "Värmlands län": "17",
    "Örebro län": "18",
    "Västmanlands län": "19",
    "Dalarnas län": "20",
    "Gävleborgs län": "21",
    "Västernorrlands län": "22",
    "Jämtlands län": "23",
    "Västerbottens län": "24",
    "Norrbottens län": "25",
}


@dataclass(frozen=True, slots=True)
class CodeProblem:
    """A record without its code (`missing`), or a code that cannot be right."""

    text: str
    missing: bool = False

    def __str__(self) -> str:
        return self.text


def check_codes(bundle: Bundle) -> list[CodeProblem]:
    """Every problem with the official codes of `bundle`'s municipalities and occupations (none: all mapped)."""
    problems = []
    seen: dict[str, str] = {}
    for town in bundle.municipalities:
        if town.code is None:
            problems.append(CodeProblem(f"municipality {town.slug}: no official municipality code (code)", True))
            continue
        first = seen.setdefault(town.code, town.slug)
        if first != town.slug:
            problems.append(CodeProblem(f"municipality {town.slug}: code {town.code} is also {first}'s"))
        county = COUNTY_CODES.get(town.county or "")
        if town.county is None:
            problems.append(CodeProblem(f"municipality {town.slug}: no county to check its code against", True))
        elif county is None:
            problems.append(CodeProblem(f"municipality {town.slug}: unknown county {town.county!r}"))
        elif not town.code.startswith(county):
            wrong = f"municipality {town.slug}: code {town.code} is not in {town.county} ({county})"
            problems.append(CodeProblem(wrong))
    for occupation in bundle.occupations:
        if occupation.ssyk is None:
            problems.append(CodeProblem(f"occupation {occupation.slug}: no SSYK 2012 occupation group (ssyk)", True))
            continue
        groups = occupation.ssyk.split(", ")
        if len(set(groups)) != len(groups):
            problems.append(CodeProblem(f"occupation {occupation.slug}: an SSYK group twice in {occupation.ssyk!r}"))
    return problems
