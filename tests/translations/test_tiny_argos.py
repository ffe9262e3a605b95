"""The real Argos Translate code path, offline, with a tiny package built at run time (see `tiny_argos`)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from types import ModuleType

from tests.translations.tiny_argos import build_package


def test_package_holds_one_folder_with_what_argos_loads(tmp_path: Path) -> None:
    path = build_package(tmp_path, "en", "sv", marker="[sv]")

    assert path == tmp_path / "en_sv.argosmodel"
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    assert {name.split("/")[0] for name in names} == {"translate-en_sv"}
    assert {
        "translate-en_sv/metadata.json",
        "translate-en_sv/sentencepiece.model",
        "translate-en_sv/model/model.bin",
        "translate-en_sv/model/config.json",
        "translate-en_sv/model/shared_vocabulary.json",
        "translate-en_sv/minisbd/sbd.onnx",
    } <= names
    assert path.stat().st_size < 200_000


def test_argos_translates_offline_with_a_marker_on_every_sentence(
    tmp_path: Path, argos: ModuleType, network_attempts: list[object]
) -> None:
    from argostranslate import package

    package.install_from_path(build_package(tmp_path, "en", "sv", marker="[sv]"))
    installed = package.get_installed_packages()

    assert [(pkg.from_code, pkg.to_code, pkg.package_path.parent) for pkg in installed] == [
        ("en", "sv", tmp_path / "packages")
    ]
    # Argos splits each line into sentences and translates each on its own: each gets the marker.
    assert argos.translate("Hello world. How are you?", "en", "sv") == "[sv] Hello world. [sv] How are you?"
    assert argos.translate("Hello world.\nPi is 3.14!", "en", "sv") == "[sv] Hello world.\n[sv] Pi is 3.14!"
    assert network_attempts == []


def test_without_a_marker_the_package_copies_cyrillic_arabic_and_digits(
    tmp_path: Path, argos: ModuleType, network_attempts: list[object]
) -> None:
    from argostranslate import package

    package.install_from_path(build_package(tmp_path, "uk", "ar"))
    text = "Привіт, світе! Як справи? مرحبا بالعالم؟ Tel. 112"

    assert argos.translate(text, "uk", "ar") == text
    assert network_attempts == []
