"""Check the interface catalogues: run by `make lint` and the tests (`python -m translations.check`).

Fails on: a catalogue that claims to be complete but misses strings, fuzzy entries, entries whose message id the
code no longer uses (stale), placeholders that differ from the message id, and a template (`bot.pot`) that is out
of date with the code.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from translations.catalogs import catalogue_path
from translations.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
# Where each domain's strings live, and how Babel finds them (Python, and the admin's Jinja templates).
DOMAINS = {
    "bot": (ROOT / "bot", [("**.py", "python")]),
    "admin": (ROOT / "admin", [("**.py", "python"), ("templates/**.html", "jinja2")]),
}
# The admin speaks Swedish and English (the message ids); the bot speaks every registry language.
ADMIN_LANGUAGES = ("sv",)
# `flash(request, message)` and `refuse(request, status, message)` take message ids too.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "flash": (2,), "refuse": (3,)}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def code_messages(domain: str) -> set[str]:
    """Return the message ids the code of `domain` uses."""
    directory, method_map = DOMAINS[domain]
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(directory), method_map=method_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def problems(domain: str = "bot") -> list[str]:
    """Return every problem found in the catalogues of `domain` (empty when all is well)."""
    found: list[str] = []
    used = code_messages(domain)
    template = ROOT / "translations" / f"{domain}.pot"
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _load(template) if m.id}
    if ids != used:
        missing, extra = sorted(used - ids)[:3], sorted(ids - used)[:3]
        found.append(f"{template.name} is out of date (missing {missing}, unused {extra}): run `make catalogues`")
    for language in LANGUAGES:
        if language.code == "en" or (domain == "admin" and language.code not in ADMIN_LANGUAGES):
            continue  # English is the message ids themselves
        path = catalogue_path(language.code, domain)
        if not path.exists():
            found.append(f"{language.code}: no catalogue at {path.relative_to(ROOT)}")
            continue
        found += [f"{language.code}: {p}" for p in _catalogue_problems(_load(path), used, language.ui_complete)]
    return [f"{domain}: {problem}" for problem in found]


def _catalogue_problems(catalog: Catalog, used: set[str], complete: bool) -> list[str]:
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids: tuple[str, ...] = tuple(message.id) if isinstance(message.id, tuple | list) else (str(message.id),)
        texts: tuple[str, ...] = (
            tuple(message.string) if isinstance(message.string, tuple | list) else (str(message.string or ""),)
        )
        if message.fuzzy:
            found.append(f"fuzzy entry {ids[0]!r}")
        if ids[0] not in used:
            found.append(f"stale entry {ids[0]!r} (the code no longer uses it)")
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        optional = {"count"} if len(ids) > 1 else set()  # a plural form may spell the number out
        for text in filter(None, texts):
            have = set(PLACEHOLDER.findall(text))
            if have - wanted or wanted - optional - have:
                found.append(f"placeholders of {ids[0]!r} differ: {text!r}")
        if complete and not all(texts):
            found.append(f"missing translation of {ids[0]!r}")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    if complete:
        found += [f"missing entry {message!r}" for message in sorted(used - translated)]
    return found


def main() -> int:
    found = [problem for domain in DOMAINS for problem in problems(domain)]
    for problem in found:
        print(problem, file=sys.stderr)
    print("Catalogues OK." if not found else f"{len(found)} problem(s) in the catalogues.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
