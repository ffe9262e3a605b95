"""Argos Translate as a provider: packages installed from files, run in a worker thread, never online.

The `argostranslate` module reads its settings from the environment when first imported and keeps its packages
directory, thread counts and sentence-splitting mode as module attributes; the provider sets those attributes
itself, so one process can use any packages directory. Sentence splitting uses MiniSBD with the ONNX model a
package ships under `minisbd/` (the "MINISBD" chunk type): the stanza splitter of the published packages would try
to download resources at run time.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Any

from translations.languages import CODES
from translations.machine.packages import runs_offline
from translations.machine.provider import CannotTranslate

log = logging.getLogger(__name__)
PIVOT = "en"


class ArgosProvider:
    """Translates with the Argos packages installed in `packages_dir`."""

    def __init__(self, packages_dir: Path, *, threads: int = 1) -> None:
        self.packages_dir = packages_dir
        # On a small machine one thread per translation is faster than CTranslate2's default (reported ~20× for real
        # models on 2 cores), and the work runs in a single worker thread so the bot and admin stay responsive.
        self.threads = threads
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="argos")
        self._installed: tuple[str, ...] | None = None

    @cached_property
    def _argos(self) -> tuple[Any, Any, Any]:
        # argostranslate creates its data, config and cache folders when imported: keep them beside the packages
        # (a service user may have no writable home), unless the environment already says where they go.
        home = self.packages_dir.parent / "argos-home"
        for variable, folder in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
            os.environ.setdefault(variable, str(home / folder))
        os.environ.setdefault("ARGOS_PACKAGES_DIR", str(self.packages_dir))
        os.environ.setdefault("ARGOS_CHUNK_TYPE", "MINISBD")
        import argostranslate.package
        import argostranslate.settings
        import argostranslate.translate

        return argostranslate.settings, argostranslate.package, argostranslate.translate

    def _configure(self) -> Any:
        settings, _, translate = self._argos
        self.packages_dir.mkdir(parents=True, exist_ok=True)
        installed = tuple(sorted(path.name for path in self.packages_dir.iterdir() if path.is_dir()))
        if settings.package_dirs != [self.packages_dir] or installed != self._installed:
            settings.package_data_dir = self.packages_dir
            settings.package_dirs = [self.packages_dir]
            translate.get_installed_languages.cache_clear()  # packages were installed or removed
            self._installed = installed
        settings.inter_threads = 1
        settings.intra_threads = self.threads
        settings.chunk_type = settings.ChunkType.MINISBD
        return translate

    def installed_pairs(self) -> list[tuple[str, str, str, bool]]:
        """Return (from, to, package version, runs offline) of every installed package."""
        self._configure()
        _, package, _ = self._argos
        return sorted(
            (pkg.from_code, pkg.to_code, str(pkg.package_version), runs_offline(Path(pkg.package_path)))
            for pkg in package.get_installed_packages(path=[self.packages_dir])
        )

    def _direct(self) -> set[tuple[str, str]]:
        # A package without its sentence-splitter model would download one at run time: it is not used.
        pairs = set()
        for source, target, _, offline in self.installed_pairs():
            if offline:
                pairs.add((source, target))
            else:
                log.warning(
                    "Not using the %s→%s package: it has no minisbd/*.onnx and would go online.", source, target
                )
        return pairs

    def languages(self) -> set[str]:
        return {code for pair in self._direct() for code in pair if code in CODES}

    def can_translate(self, source: str, target: str) -> bool:
        pairs = self._direct()
        return (source, target) in pairs or ((source, PIVOT) in pairs and (PIVOT, target) in pairs)

    async def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        if not self.can_translate(source, target):
            raise CannotTranslate(f"no installed Argos package leads from {source} to {target}")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._translate, texts, source, target)

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        translate = self._configure()
        languages = {language.code: language for language in translate.get_installed_languages()}
        steps = [(source, target)] if (source, target) in self._direct() else [(source, PIVOT), (PIVOT, target)]
        for step_from, step_to in steps:
            translation = languages[step_from].get_translation(languages[step_to])
            texts = _batched(translation, texts)
        return texts


def _batched(translation: Any, texts: list[str]) -> list[str]:
    """Translate single-line texts in one call (Argos translates line by line and batches the sentences)."""
    if all("\n" not in text for text in texts):
        joined = translation.translate("\n".join(texts)).split("\n")
        if len(joined) == len(texts):
            return [str(line) for line in joined]
    return [str(translation.translate(text)) for text in texts]
