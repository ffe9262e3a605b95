"""Headers, CSRF tokens and login throttling for the admin."""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from dataclasses import dataclass, field

from aiohttp import web
from aiohttp_session import Session

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


@dataclass
class LoginThrottle:
    """Refuse logins for an address or from a client after `limit` failures within `window` seconds."""

    limit: int = 5
    window: float = 15 * 60
    most_keys: int = 10_000  # a flood of made-up addresses cannot grow the table without bound
    failures: dict[str, deque[float]] = field(default_factory=dict)

    def blocked(self, *keys: str, now: float | None = None) -> bool:
        """Return whether any of `keys` (an address, a client) has failed too often lately."""
        moment = time.monotonic() if now is None else now
        return any(len(self._recent(key, moment)) >= self.limit for key in keys if key in self.failures)

    def failed(self, *keys: str, now: float | None = None) -> None:
        """Count a failed login for each of `keys`."""
        moment = time.monotonic() if now is None else now
        for key in keys:
            if key not in self.failures and len(self.failures) >= self.most_keys:
                self._forget_stale(moment)
                if len(self.failures) >= self.most_keys:
                    self.failures.pop(next(iter(self.failures)))  # the oldest key
            self.failures.setdefault(key, deque())
            self._recent(key, moment).append(moment)

    def succeeded(self, key: str) -> None:
        """Forget the failures of an address that logged in."""
        self.failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self.failures[key]
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def _forget_stale(self, now: float) -> None:
        for key in [key for key, times in self.failures.items() if not times or now - times[-1] > self.window]:
            del self.failures[key]
