"""Callback data: every button carries its destination, so the bot keeps no per-chat navigation state.

A route is `name` or `name:arg[:arg...]`, at most 64 bytes (Telegram's limit for callback data).
"""

from __future__ import annotations

import re

MAX_BYTES = 64
_ROUTE = re.compile(r"^[A-Za-z!]{1,8}(?::[A-Za-z0-9_-]{1,48}){0,3}$")
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def route(name: str, *args: object) -> str:
    """Build the callback data for a screen."""
    data = ":".join([name, *(str(arg) for arg in args)])
    if len(data.encode()) > MAX_BYTES or not _ROUTE.match(data):
        raise ValueError(f"route too long or malformed: {data!r}")
    return data


def parse(data: str | None) -> tuple[str, list[str]] | None:
    """Split callback data into a screen name and its arguments; None for anything malformed."""
    if not data or len(data.encode()) > MAX_BYTES or not _ROUTE.match(data):
        return None
    name, *args = data.split(":")
    return name, args


# Deep links: t.me/<bot>?start=<payload>, payload `<kind>_<slug>`.
DEEP_LINK_KINDS = {"m": "m", "e": "e", "t": "a", "l": "L"}


def deep_link_route(payload: str | None) -> tuple[str, list[str]] | None:
    """Turn a /start payload (m_umea, e_<event>, t_sfi, l_ar) into a route; None if it is not one."""
    if not payload or not _PAYLOAD.match(payload) or "_" not in payload:
        return None
    kind, slug = payload.split("_", 1)
    if kind not in DEEP_LINK_KINDS or not slug:
        return None
    return parse(route(DEEP_LINK_KINDS[kind], slug)) if _ROUTE.match(f"x:{slug}") else None


def deep_link(bot_username: str, kind: str, slug: str) -> str:
    """Return the t.me link that opens a municipality (m), event (e), topic (t) or language (l)."""
    payload = f"{kind}_{slug}"
    if kind not in DEEP_LINK_KINDS or not _PAYLOAD.match(payload):
        raise ValueError(f"not a deep link: {payload!r}")
    return f"https://t.me/{bot_username}?start={payload}"
