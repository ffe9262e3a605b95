"""The provider interface every machine translation engine implements."""

from __future__ import annotations

from typing import Protocol


class TranslationProvider(Protocol):
    """Translates batches of plain-text segments between language codes of the registry."""

    def languages(self) -> set[str]:
        """Return the registry codes this provider can translate from or to."""
        ...

    def can_translate(self, source: str, target: str) -> bool:
        """Return whether `source` can be translated into `target` (directly or through a pivot)."""
        ...

    async def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate each text; the result has the same length and order. Runs off the event loop."""
        ...


class CannotTranslate(Exception):
    """The provider has no way from the source to the target language."""


class FakeProvider:
    """For fast unit tests: "translates" by prefixing the target code, e.g. "[ar] Hej"."""

    def __init__(self, pairs: set[tuple[str, str]] | None = None) -> None:
        self.pairs = pairs
        self.calls: list[tuple[int, str, str]] = []

    def languages(self) -> set[str]:
        if self.pairs is None:
            return {"sv", "en", "ar", "fa", "uk", "ru"}
        return {code for pair in self.pairs for code in pair}

    def can_translate(self, source: str, target: str) -> bool:
        if self.pairs is None:
            return source != target and {source, target} <= self.languages()
        return (source, target) in self.pairs

    async def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not self.can_translate(source, target):
            raise CannotTranslate(f"no way from {source} to {target}")
        self.calls.append((len(texts), source, target))
        return [f"[{target}] {text}" if text.strip() else text for text in texts]
