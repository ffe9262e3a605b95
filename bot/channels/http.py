"""python-telegram-bot's HTTP requests made with aiohttp, the HTTP library the service already runs on.

python-telegram-bot talks HTTP through its `BaseRequest` interface, with httpx as the default. Profiling the bot
under load (benchmarks/bot_latency.py with cProfile) put httpx, httpcore, h11 and anyio at about 30 % of the bot's
CPU time per update; aiohttp's client, with its C HTTP parser, does the same requests for a fraction of that. This
module is only the adapter: python-telegram-bot still builds the requests and reads the answers.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

JSON = {"Content-Type": "application/json"}
UNREAD = ("reply_markup", "entities")  # of a pressed button's message: the bot edits it by its id, reads neither
DONE = b'{"ok":true,"result":true}'


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` over one aiohttp `ClientSession` with a bounded connection pool.

    Timeouts: `read_timeout` bounds the wait for each chunk of the answer (a long poll adds its own poll timeout,
    as python-telegram-bot does for httpx); `connect_timeout` and `pool_timeout` together bound getting a
    connection. aiohttp has no separate write timeout; the read timeout covers a request that cannot be sent.

    `results_unused` names Bot API methods whose successful result the caller never reads: their answer is
    handed on as plain `true`, as Telegram itself answers an edit of an inline message, and python-telegram-bot
    returns `True` instead of turning the whole message back into objects. For `editMessageText` that object
    (the edited text and its keyboard) took about 0.45 ms per button press to build on the benchmark machine,
    a tenth of the bot's time for the press. Errors are passed on untouched.
    """

    def __init__(
        self,
        *,
        connection_pool_size: int = 64,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        results_unused: Collection[str] = (),
    ) -> None:
        self._pool_size = connection_pool_size
        self._results_unused = frozenset(results_unused)
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                raise_for_status=False,
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            data, headers = _body(request_data)
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                body = await response.read()  # read whole, so the connection goes back to the pool
                if response.status == 200 and url.rpartition("/")[2] in self._results_unused:
                    return 200, DONE  # Telegram answers 200 only with "ok": true
                return response.status, body
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


class UpdatesRequest(AiohttpRequest):
    """The long poll's request: updates come back as `drop_unread` leaves them."""

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        data = BaseRequest.parse_json_payload(payload)
        result = data.get("result")
        if isinstance(result, list):
            for update in result:
                drop_unread(update)
        return data


def drop_unread(update: Any) -> None:
    """Drop the keyboard and formatting of a pressed button's message from a raw update, in place.

    Telegram sends the whole message under the button with every button press; the bot only needs to know which
    message to edit. python-telegram-bot turns everything it gets into objects: for a screen with a dozen buttons
    that took 0.23 ms per press on the benchmark machine, 0.11 ms without these two parts.
    """
    query = update.get("callback_query") if isinstance(update, dict) else None
    message = query.get("message") if isinstance(query, dict) else None
    if isinstance(message, dict):
        for key in UNREAD:
            message.pop(key, None)


def _body(request_data: RequestData | None) -> tuple[bytes | aiohttp.FormData | None, dict[str, str] | None]:
    """A JSON body (the Bot API takes one for every method), or multipart when files go along.

    JSON rather than python-telegram-bot's usual form fields: percent-encoding a reply in Arabic script byte by byte
    took 0.17 ms (JSON: 0.01 ms) and made the body two and a half times its UTF-8 size.
    """
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        payload = json.dumps(request_data.parameters, ensure_ascii=False, separators=(",", ":"))
        return payload.encode(), JSON
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, mimetype = part
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, None
