"""A polite HTTP client for the agencies' open APIs: a timeout, retries with backoff, a steady rate, a name."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import Any

import aiohttp

from content.opendata.rows import FetchError, Params

log = logging.getLogger(__name__)


def user_agent(contact: str | None = None) -> str:
    """Who is asking: the program, its version, and the installation's contact address when one is set."""
    try:
        version = metadata.version("vagvisare")
    except metadata.PackageNotFoundError:
        version = "dev"
    about = "open-source information service for asylum seekers; open-data refresh"
    return f"Vagvisare/{version} ({about}{'; ' + contact if contact else ''})"


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Politeness:
    """How hard a source may be asked: one request at a time, at most `rate` a second, `retries` retries."""

    timeout: float = 30.0  # seconds for one request, connecting and reading
    retries: int = 4
    backoff: float = 1.0  # seconds before the first retry; doubled before each next one
    max_wait: float = 120.0  # the longest wait a Retry-After may ask for before the fetch gives up
    rate: float = 2.0  # requests per second


class PoliteClient:
    """GET JSON or bytes: one request at a time, spaced by the rate, retried on 429, 5xx and timeouts."""

    def __init__(
        self,
        politeness: Politeness | None = None,
        *,
        contact: str | None = None,
        secret_headers: Mapping[str, str] | None = None,
    ) -> None:
        self.politeness = politeness or Politeness()
        self._headers = {"User-Agent": user_agent(contact)}
        # An API key goes with each request, never to a redirect's host: a request that carries it follows no
        # redirect (aiohttp would pass a custom header on to another host).
        self._secret = dict(secret_headers or {})
        self._session: aiohttp.ClientSession | None = None
        self._last = 0.0
        self.requests = 0

    async def __aenter__(self) -> PoliteClient:
        timeout = aiohttp.ClientTimeout(total=self.politeness.timeout)
        self._session = aiohttp.ClientSession(headers=self._headers, timeout=timeout, raise_for_status=False)
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def get_json(self, url: str, params: Params = None) -> Any:
        """The JSON document at `url`; a FetchError when it is not JSON."""
        body = await self.get_bytes(url, params, accept="application/json")
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise FetchError(f"{_plain(url)} did not answer with valid JSON ({error})") from None

    async def get_bytes(self, url: str, params: Params = None, *, accept: str = "*/*") -> bytes:
        """The body at `url`, after as many retries as the politeness allows."""
        assert self._session is not None, "use the client as `async with PoliteClient() as client`"
        wait = self.politeness.backoff
        for attempt in range(self.politeness.retries + 1):
            await self._space()
            self.requests += 1
            try:
                headers = {"Accept": accept, **self._secret}
                redirects = not self._secret
                async with self._session.get(
                    url, params=params, headers=headers, allow_redirects=redirects
                ) as response:
                    if response.status == 200:
                        return await response.read()
                    problem = f"HTTP {response.status}"
                    if response.status not in RETRY_STATUSES:
                        raise FetchError(f"{_plain(url)} answered {problem}")
                    asked = _retry_after(response.headers.get("Retry-After"))
            except (TimeoutError, aiohttp.ClientError) as error:
                problem, asked = _describe(error), None
            if attempt == self.politeness.retries:
                break
            pause = wait if asked is None else asked
            if pause > self.politeness.max_wait:
                raise FetchError(f"{_plain(url)} asked to wait {pause:.0f} s ({problem}); try again later")
            log.info("%s: %s; trying again in %.1f s", _plain(url), problem, pause)
            await asyncio.sleep(pause)
            wait *= 2
        raise FetchError(f"{_plain(url)}: {problem} after {self.politeness.retries + 1} attempts")

    async def _space(self) -> None:
        gap = 1.0 / self.politeness.rate - (time.monotonic() - self._last)
        if gap > 0:
            await asyncio.sleep(gap)
        self._last = time.monotonic()


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds, or an HTTP date (RFC 9110, 10.2.3)."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "no answer in time"
    return f"{type(error).__name__}: {error}".rstrip(": ")


def _plain(url: str) -> str:
    """The URL without its query (which may hold a key)."""
    return url.split("?", 1)[0]
