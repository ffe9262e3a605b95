"""The admin's own interface strings: the `admin` gettext domain, in Swedish (the default) and English."""

from __future__ import annotations

from translations.catalogs import Translator

LANGUAGES = {"sv": "Svenska", "en": "English"}
DEFAULT = "sv"


def admin_translator(code: str | None) -> Translator:
    """Return the admin's translator for `code` (Swedish when unknown)."""
    return Translator(code if code in LANGUAGES else DEFAULT, domain="admin")
