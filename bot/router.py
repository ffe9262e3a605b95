"""From a route (a button's callback data) to the screen that answers it."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from bot.context import Context
from bot.reply import Reply
from bot.routes import deep_link_route
from bot.screens import articles, ask, events, home, places, settings, staff, topics
from bot.screens.common import stale
from translations.catalogs import Translator
from translations.languages import CODES

Screen = Callable[..., Reply | Awaitable[Reply | None] | None]

SCREENS: dict[str, Screen] = {
    "home": home.menu,
    "lang": lambda ctx: home.choose_language(ctx, ctx.lang),
    "priv": home.privacy_full,
    "sit": lambda ctx, mode="0", then="": home.situation(ctx, mode, then),
    "regions": places.regions,
    "r": places.region,
    "m": places.municipality,
    "fol": places.follow,
    "cmp": places.compare_pick,
    "vs": places.compare,
    "work": topics.work,
    "o": topics.occupation,
    "intro": topics.introduction,
    "path": topics.path,
    "paths": topics.path_choice,
    "a": articles.article,
    "orig": articles.original,
    "tfol": articles.follow_topic,
    "fb": articles.feedback,
    "ev": events.events,
    "e": events.event_card,
    "reg": events.register_screen,
    "unreg": events.cancel_screen,
    "ask": ask.ask_prompt,
    "staff": staff.offer,
    "rorig": staff.original,
    "unsub": staff.unsubscribe,
    "help": home.help_screen,
    "set": settings.settings,
    "fols": settings.followed,
    "ann": settings.announcements,
    "mydata": settings.mydata,
    "forget": lambda ctx, confirmed="": settings.forget(ctx) if confirmed == "yes" else settings.forget_confirm(ctx),
}


async def open_route(ctx: Context, name: str, args: list[str]) -> Reply:
    """Open the screen `name` with `args`; anything unknown or out of date gets the polite stale screen."""
    name = name.lstrip("!")  # "!": the same screen, sent as a new message (see bot.outbox.messages)
    if name == "L":
        return await _language_chosen(ctx, *args)
    if name == "S":
        return await _situation_chosen(ctx, *args)
    screen = SCREENS.get(name)
    if screen is None or not _accepts(screen, len(args)):
        return stale(ctx)
    result = screen(ctx, *args)
    if inspect.isawaitable(result):
        result = await result
    return result if result is not None else stale(ctx)


def _accepts(screen: Screen, count: int) -> bool:
    try:
        _signature(screen).bind(None, *([""] * count))
    except TypeError:
        return False
    return True


@functools.cache
def _signature(screen: Screen) -> inspect.Signature:
    return inspect.signature(screen)  # reading it costs more than the rest of a simple screen


async def open_deep_link(ctx: Context, payload: str) -> Reply | None:
    """Open what a /start payload points at; None when the payload is not a deep link."""
    target = deep_link_route(payload)
    if target is None:
        return None
    return await open_route(ctx, *target)


async def _language_chosen(ctx: Context, code: str = "", then: str = "", *_: Any) -> Reply:
    if code not in CODES:
        return stale(ctx)
    first_time = ctx.user.lang is None
    await home.set_language(ctx, code)
    ctx.t = Translator(code)  # the rest of this answer is in the new language
    if first_time:
        return home.privacy(ctx, then=then)
    if then:
        return await open_deep_link(ctx, then) or home.menu(ctx)
    return home.menu(ctx)


async def _situation_chosen(ctx: Context, code: str = "", mode: str = "0", then: str = "", *_: Any) -> Reply:
    result = await home.set_situation(ctx, code, mode)
    if result is None:
        return stale(ctx)
    if then:
        return await open_deep_link(ctx, then) or result
    return result
