"""The Argos provider with tiny packages built by the tests: install, list, pivot, batching, Markdown, offline."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from tests.translations.tiny_argos import build_package
from translations.machine.argos import ArgosProvider
from translations.machine.markdown import translate_markdown
from translations.machine.packages import install_package
from vagvisare.cli import app


@pytest.fixture
def provider(tmp_path: Path, argos: ModuleType) -> ArgosProvider:
    packages = tmp_path / "vagvisare-packages"
    for source, target in [("sv", "en"), ("en", "ar"), ("en", "uk")]:
        install_package(build_package(tmp_path, source, target, marker=f"[{target}]"), packages)
    return ArgosProvider(packages)


async def test_a_direct_pair_translates(provider: ArgosProvider, network_attempts: list[object]) -> None:
    assert await provider.translate(["Hej världen."], "sv", "en") == ["[en] Hej världen."]
    assert network_attempts == []


async def test_languages_without_a_direct_pair_pivot_through_english(provider: ArgosProvider) -> None:
    assert provider.can_translate("sv", "ar")
    assert not provider.can_translate("sv", "fa")
    assert provider.languages() == {"sv", "en", "ar", "uk"}
    assert await provider.translate(["Hej."], "sv", "ar") == ["[ar] [en] Hej."]


async def test_a_batch_comes_back_in_order(provider: ArgosProvider) -> None:
    texts = ["Ett.", "Två tre.", "Fyra. Fem."]
    assert await provider.translate(texts, "sv", "en") == ["[en] Ett.", "[en] Två tre.", "[en] Fyra. [en] Fem."]


async def test_markdown_survives_the_real_path(provider: ArgosProvider) -> None:
    body = "## Ring 112\n\n- Polisen: 114 14\n- Läs på [1177](https://www.1177.se/)."

    async def machine(texts: list[str]) -> list[str]:
        return await provider.translate(texts, "sv", "uk")

    (result,) = await translate_markdown([body], machine)
    assert result.startswith("## [uk] [en] Ring 112")
    assert "- [uk] [en] Polisen: 114 14" in result
    assert "](https://www.1177.se/)" in result


def test_list_shows_pairs_and_reachable_languages(tmp_path: Path, argos: ModuleType) -> None:
    env = {"VAGVISARE_DATA_DIR": str(tmp_path / "data")}
    runner = CliRunner()
    package = build_package(tmp_path, "sv", "en")
    installed = runner.invoke(app, ["translations", "install", str(package)], env=env)
    listing = runner.invoke(app, ["translations", "list"], env=env)
    assert installed.exit_code == 0, installed.output
    assert "Installed sv → en" in installed.stdout
    assert "sv → en" in listing.stdout
    assert "sv → en         English        reachable: yes" in listing.stdout
    assert "sv → ar         Arabic         reachable: no" in listing.stdout


def test_a_package_without_its_sentence_splitter_is_installed_but_not_used(tmp_path: Path, argos: ModuleType) -> None:
    source = build_package(tmp_path, "sv", "en")
    stripped = tmp_path / "no-sbd.argosmodel"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(stripped, "w") as new:
        for item in old.infolist():
            if "/minisbd/" not in item.filename:
                new.writestr(item, old.read(item.filename))
    info = install_package(stripped, tmp_path / "packages")
    provider = ArgosProvider(tmp_path / "packages")
    assert info.offline is False
    assert not provider.can_translate("sv", "en")
    assert json.loads((tmp_path / "packages" / info.folder / "metadata.json").read_text())["from_code"] == "sv"
