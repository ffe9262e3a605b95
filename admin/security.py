"""Headers, CSRF tokens and login throttling for the admin."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from aiohttp import web
from aiohttp_session import Session
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from content.models import utcnow
from content.repository.logins import failures_since, forget_failures, record_failure

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def csrf_token(session: Session) -> str:
    """Return the session's CSRF token, creating it on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


async def csrf_ok(request: web.Request, session: Session) -> bool:
    """Return whether a state-changing request carries the session's token (form field or header)."""
    expected = session.get(CSRF_FIELD)
    if not isinstance(expected, str):
        return False
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return sent is not None and hmac.compare_digest(sent.encode(), expected.encode())


class LoginThrottle:
    """Refuse logins for an address or from a client after `limit` failures within `window`.

    The failures are kept in the database (`loginfailure`), so the limit holds across every process of the service
    and after a restart; an address or a client address is stored only as a keyed hash, and every failure older
    than the window is deleted at the next failure.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        secret: bytes,
        *,
        limit: int = 5,
        window: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions, self.secret, self.limit, self.window, self.clock = sessions, secret, limit, window, clock

    def _hash(self, key: str) -> str:
        return hmac.new(self.secret, key.encode(), hashlib.sha256).hexdigest()

    async def blocked(self, *keys: str) -> bool:
        """Whether any of `keys` (an address, a client) has failed too often lately."""
        async with self.sessions() as session:
            worst = await failures_since(session, [self._hash(key) for key in keys], self.clock() - self.window)
        return worst >= self.limit

    async def failed(self, *keys: str) -> None:
        """Count a failed login for each of `keys`."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            await record_failure(session, [self._hash(key) for key in dict.fromkeys(keys)], now, now - self.window)

    async def succeeded(self, key: str) -> None:
        """Forget the failures of an address that logged in."""
        async with self.sessions() as session, session.begin():
            await forget_failures(session, self._hash(key))
