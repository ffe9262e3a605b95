"""Interface strings through gettext: English message ids in the code, one catalogue per language and domain.

Catalogues are `.po` files under `translations/locale/<code>/LC_MESSAGES/<domain>.po`; they are compiled in memory
with Babel when first used, so no generated `.mo` files live in git. A string missing from a catalogue falls back
to the next language of the fallback chain and finally to the English message id, never to an empty message.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from translations.languages import BY_CODE, get_language

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def catalogue_path(code: str, domain: str) -> Path:
    """Return where the catalogue of `domain` in language `code` lives."""
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{domain}.po"


@cache
def _compiled(code: str, domain: str) -> gettext.NullTranslations:
    path = catalogue_path(code, domain)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code.split("-")[0], domain=domain)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def translations(code: str, domain: str) -> gettext.NullTranslations:
    """Return the translations of `domain` for `code`, falling back per string along the language's chain."""
    get_language(code)
    chain = [c for c in _chain(code) if c != "en"]
    if not chain:
        return gettext.NullTranslations()
    first = _copy(_compiled(chain[0], domain))
    for fallback in chain[1:]:
        first.add_fallback(_copy(_compiled(fallback, domain)))
    return first


def _chain(code: str) -> list[str]:
    # Easy Swedish falls back to Swedish; every language falls back to English (the message ids themselves).
    return [code, "sv"] if code == "sv-x-easy" else [code]


def _copy(source: gettext.NullTranslations) -> gettext.NullTranslations:
    # add_fallback mutates; cached catalogues are shared, so chain fresh wrappers around them.
    if isinstance(source, gettext.GNUTranslations):
        clone = gettext.GNUTranslations()
        clone._catalog = source._catalog  # type: ignore[attr-defined]
        clone.plural = source.plural  # type: ignore[attr-defined]
        clone._charset = source._charset  # type: ignore[attr-defined]
        clone._info = source._info  # type: ignore[attr-defined]
        return clone
    return gettext.NullTranslations()


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; it is translated where it is shown."""
    return message


class Translator:
    """Interface strings in one language; placeholders are isolated in right-to-left languages."""

    def __init__(self, code: str, domain: str = "bot") -> None:
        self.code = code
        self.rtl = BY_CODE[code].rtl
        self._translations = translations(code, domain)

    def gettext(self, message: str, /, **values: object) -> str:
        """Return `message` in this language, with `{name}` placeholders filled in."""
        return self._format(self._translations.gettext(message), values)

    def ngettext(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """Return the singular or plural form for `count` (available as `{count}`)."""
        return self._format(self._translations.ngettext(singular, plural, count), {"count": count, **values})

    def _format(self, text: str, values: dict[str, object]) -> str:
        if not values:
            return text
        if self.rtl:
            values = {key: f"\u2068{value}\u2069" for key, value in values.items()}
        return text.format(**values)
