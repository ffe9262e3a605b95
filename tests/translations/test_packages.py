"""Installing Argos packages from files: bad files are refused before anything is unpacked."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translations.machine.packages import PackageError, inspect_package, install_package
from vagvisare.cli import app

METADATA = json.dumps({"package_version": "1.0", "from_code": "sv", "to_code": "en"})


def _zip(path: Path, members: dict[str, str], links: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


def test_a_good_package_installs_into_the_packages_directory(tmp_path: Path) -> None:
    package = _zip(tmp_path / "sv_en.argosmodel", {"sv_en/metadata.json": METADATA, "sv_en/model/x.bin": "x"})
    info = install_package(package, tmp_path / "packages")
    assert (info.from_code, info.to_code, info.version) == ("sv", "en", "1.0")
    assert (tmp_path / "packages" / "sv_en" / "model" / "x.bin").read_text() == "x"
    install_package(package, tmp_path / "packages")  # installing again replaces it
    assert sorted(p.name for p in (tmp_path / "packages").iterdir()) == ["sv_en"]


@pytest.mark.parametrize(
    ("members", "links", "reason"),
    [
        ({"sv_en/metadata.json": METADATA, "sv_en/../../evil.py": "x"}, (), "leaves the package folder"),
        ({"sv_en/metadata.json": METADATA, "/etc/cron.d/evil": "x"}, (), "absolute path"),
        ({"sv_en/metadata.json": METADATA}, ("sv_en/model",), "link"),
        ({"sv_en/metadata.json": METADATA, "other/file": "x"}, (), "exactly one top-level folder"),
        ({"sv_en/model.bin": "x"}, (), "metadata.json is missing"),
        ({"sv_en/metadata.json": "{not json"}, (), "not valid JSON"),
        ({"sv_en/metadata.json": json.dumps({"from_code": "sv"})}, (), "from_code and to_code"),
    ],
)
def test_unsafe_or_broken_packages_are_refused(
    tmp_path: Path, members: dict[str, str], links: tuple[str, ...], reason: str
) -> None:
    package = _zip(tmp_path / "bad.argosmodel", members, links)
    with pytest.raises(PackageError, match=reason):
        install_package(package, tmp_path / "packages")
    assert not (tmp_path / "evil.py").exists()
    assert not (tmp_path / "packages").exists() or list((tmp_path / "packages").iterdir()) == []


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    not_zip = tmp_path / "model.argosmodel"
    not_zip.write_text("hello")
    with pytest.raises(PackageError, match="not a zip archive"):
        inspect_package(not_zip)


def test_the_install_command_names_the_problem(tmp_path: Path) -> None:
    package = _zip(tmp_path / "bad.argosmodel", {"a/metadata.json": METADATA, "b/x": "y"})
    result = CliRunner().invoke(
        app, ["translations", "install", str(package)], env={"VAGVISARE_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 1
    assert "exactly one top-level folder" in result.stderr
