"""What the forms for places, occupations and events share: reading fields, refusing bad input, saving records."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy
from pydantic import ValidationError

from admin.render import SERVICES
from content.files.schema import FileModel
from content.repository.records import Adapter, SaveResult, save_record
from translations.catalogs import N_
from translations.languages import CODES, LANGUAGES

Form = MultiDictProxy[Any]
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")
TERM_SEPARATORS = re.compile(r"[,،]")
LIMIT = 2000  # characters in a one-line field; longer input is refused, never cut silently
STALE = N_(
    "Someone else saved this while you were editing it. Your changes are below, not saved yet: "
    "compare them with the current version, then save again."
)


class Invalid(Exception):
    """Input that cannot be saved: an English message id and its placeholder values, shown above the form."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.values = {key: str(value) for key, value in values.items()}


def posted(form: Form, name: str) -> str:
    """Return a field exactly as sent, to show it again in a refused form."""
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def text(form: Form, name: str, *, limit: int = LIMIT) -> str:
    """Return a field's text without surrounding blanks ('' when absent)."""
    value = form.get(name, "")
    value = value.strip() if isinstance(value, str) else ""
    if len(value) > limit:
        raise Invalid(N_("A field is too long (at most {limit} characters)."), limit=limit)
    return value


def optional(form: Form, name: str, *, limit: int = LIMIT) -> str | None:
    """Return a field's text, or None when it is empty."""
    return text(form, name, limit=limit) or None


def checked(form: Form, name: str) -> bool:
    """Return whether a checkbox was ticked."""
    return name in form


def whole_number(form: Form, name: str, *, minimum: int, maximum: int, message: str) -> int | None:
    """Return an optional whole number from `minimum` to `maximum`; anything else is refused with `message`."""
    raw = text(form, name)
    if not raw:
        return None
    try:
        number = int(raw)
    except ValueError:
        raise Invalid(message) from None
    if not minimum <= number <= maximum:
        raise Invalid(message)
    return number


def slug_of_new(form: Form) -> str:
    """Return the slug typed for a new record, refusing one that files and buttons could not carry."""
    slug = text(form, "slug").lower()
    if not SLUG.match(slug):
        raise Invalid(
            N_("The slug must be 1 to 48 lowercase letters a-z, digits or hyphens, not starting or ending with one.")
        )
    return slug


def per_language(form: Form, prefix: str, *, limit: int = LIMIT) -> dict[str, str]:
    """Return the non-empty `prefix-<code>` fields as a language -> text map, in registry order."""
    return {code: value for code in CODES if (value := text(form, f"{prefix}-{code}", limit=limit))}


def terms(form: Form, prefix: str) -> dict[str, list[str]]:
    """Return comma-separated search terms per language (Arabic commas too), blanks dropped."""
    found = {}
    for code, line in per_language(form, prefix).items():
        words = [word.strip() for word in TERM_SEPARATORS.split(line) if word.strip()]
        if words:
            found[code] = words
    return found


def terms_text(mapping: dict[str, list[str]]) -> dict[str, str]:
    """Return search terms as the comma-separated lines the form shows."""
    return {code: ", ".join(words) for code, words in mapping.items()}


def expected_revision(form: Form) -> int:
    """Return the revision the editor started from (hidden in the form); a forged value simply fails as stale."""
    try:
        return int(text(form, "revision"))
    except ValueError:
        return -1


def validated(model: type[FileModel], data: dict[str, Any]) -> FileModel:
    """Validate a record in its file form; the first problem becomes the message shown to the editor."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        detail = error.errors()[0]
        where = ".".join(str(part) for part in detail["loc"])
        problem = detail["msg"].removeprefix("Value error, ")
        raise Invalid(N_("Not saved: {problem}"), problem=f"{where}: {problem}" if where else problem) from None


async def save(
    request: web.Request, adapter: Adapter, data: FileModel, *, actor: str, note: str, revision: int | None
) -> SaveResult:
    """Save a record (revision and audit entry) in its own transaction, and tell this process's readers.

    `revision` is the one the editor started from (a newer one raises `StaleEditError`); None creates a record,
    refused when the slug is taken.
    """
    services = request.app[SERVICES]
    slug: str = data.slug  # type: ignore[attr-defined]
    async with services.sessions() as session, session.begin():
        if revision is None and await adapter.read(session, slug) is not None:
            raise Invalid(N_("The slug {slug} is already used; choose another."), slug=slug)
        result = await save_record(
            adapter, session=session, data=data, actor=actor, note=note, expected_revision=revision
        )
    services.cache.changed()
    return result


def languages_for_forms() -> list[dict[str, Any]]:
    """The content languages as templates need them: code, name and writing direction."""
    return [
        {"code": language.code, "name": language.english_name, "dir": "rtl" if language.rtl else "ltr"}
        for language in LANGUAGES
    ]
