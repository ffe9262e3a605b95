"""Who may use which route: every handler declares its roles, and a route that declares nothing is refused.

`allow(...)` marks a handler with the roles that may use it; the middleware in `admin.auth` checks the mark on
every request, on the server. Routes added by others (the bot's web channel, the Telegram webhook) are declared
by path with `declare`. The role matrix test walks the router and checks every route against this table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from aiohttp import web

from content.models import Role

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
H = TypeVar("H", bound=Handler)

ALL_ROLES = frozenset(Role)
EDITING = frozenset({Role.ADMINISTRATOR, Role.EDITOR})
TRANSLATING = frozenset({Role.ADMINISTRATOR, Role.EDITOR, Role.TRANSLATOR})
ADMINISTRATION = frozenset({Role.ADMINISTRATOR})
BROADCASTING = frozenset({Role.ADMINISTRATOR, Role.BROADCASTER})
STAFF = frozenset({Role.ADMINISTRATOR, Role.EDITOR, Role.BROADCASTER})  # who answers the staff inbox


@dataclass(frozen=True, slots=True)
class Access:
    """Who may call a route: anyone (`public`), or a logged-in account with one of `roles`; CSRF-checked or not."""

    roles: frozenset[Role] = ADMINISTRATION
    public: bool = False
    csrf: bool = True


PUBLIC = Access(public=True)
DECLARED = web.AppKey("declared_access", dict[str, Access])


def allow(roles: frozenset[Role] | None = None, *, public: bool = False, csrf: bool = True) -> Callable[[H], H]:
    """Declare who may call the decorated handler (`roles`, or `public=True` for anyone)."""
    access = Access(roles=roles or frozenset(), public=public, csrf=csrf)

    def mark(handler: H) -> H:
        handler.access = access  # type: ignore[attr-defined]
        return handler

    return mark


def declare(app: web.Application, path: str, access: Access) -> None:
    """Declare the access of a route added without `allow` (by its path as registered)."""
    app.setdefault(DECLARED, {})[path] = access


def access_of(request: web.Request) -> Access:
    """Return the access the matched route declared; undeclared routes are for nobody."""
    handler = request.match_info.handler
    access = getattr(handler, "access", None)
    if isinstance(access, Access):
        return access
    resource = request.match_info.route.resource
    if isinstance(resource, web.StaticResource):
        return PUBLIC
    declared = request.app.get(DECLARED, {})
    if resource is not None and resource.canonical in declared:
        return declared[resource.canonical]
    return Access(roles=frozenset())  # not declared: nobody (the matrix test catches this)
