"""Installing Argos packages from files, after checking them: no zip slip, no links, one folder, metadata."""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_UNPACKED = 4 * 1024**3  # a real model is a few hundred MB; refuse archives that unpack to more than 4 GB


class PackageError(Exception):
    """The file is not an Argos package that can be installed safely; the message says why."""


@dataclass(frozen=True, slots=True)
class PackageInfo:
    folder: str
    from_code: str
    to_code: str
    version: str
    offline: bool  # ships its MiniSBD sentence-splitter model (minisbd/*.onnx): runs without any download


def runs_offline(package_dir: Path) -> bool:
    """Return whether an installed package ships the sentence-splitter model Argos would otherwise download."""
    return any((package_dir / "minisbd").glob("*.onnx"))


def inspect_package(path: Path) -> PackageInfo:
    """Check an .argosmodel file without unpacking it; raise `PackageError` naming the first problem."""
    if not path.is_file():
        raise PackageError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise PackageError(f"{path}: not a zip archive (an .argosmodel file is one)")
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        for member in members:
            _check_member(path, member)
        if sum(member.file_size for member in members) > MAX_UNPACKED:
            raise PackageError(f"{path}: would unpack to more than {MAX_UNPACKED // 1024**3} GB")
        tops = {PurePosixPath(member.filename).parts[0] for member in members if member.filename.strip("/")}
        if len(tops) != 1:
            raise PackageError(f"{path}: must hold exactly one top-level folder, found {len(tops)}")
        (folder,) = tops
        metadata = _metadata(path, archive, folder)
        offline = any(name.startswith(f"{folder}/minisbd/") and name.endswith(".onnx") for name in archive.namelist())
    return PackageInfo(
        folder,
        str(metadata["from_code"]),
        str(metadata["to_code"]),
        str(metadata.get("package_version", "")),
        offline,
    )


def _check_member(path: Path, member: zipfile.ZipInfo) -> None:
    name = PurePosixPath(member.filename)
    if member.filename.startswith(("/", "\\")) or (name.parts and ":" in name.parts[0]):
        raise PackageError(f"{path}: refuses the absolute path {member.filename!r}")
    if ".." in name.parts or "\\" in member.filename:
        raise PackageError(f"{path}: refuses the path {member.filename!r} (it leaves the package folder)")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise PackageError(f"{path}: refuses the link {member.filename!r}")


def _metadata(path: Path, archive: zipfile.ZipFile, folder: str) -> dict[str, object]:
    try:
        metadata = json.loads(archive.read(f"{folder}/metadata.json"))
    except KeyError:
        raise PackageError(f"{path}: {folder}/metadata.json is missing") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise PackageError(f"{path}: metadata.json is not valid JSON ({error})") from error
    if not isinstance(metadata, dict) or not all(isinstance(metadata.get(k), str) for k in ("from_code", "to_code")):
        raise PackageError(f"{path}: metadata.json needs text fields from_code and to_code")
    return metadata


def install_package(path: Path, packages_dir: Path) -> PackageInfo:
    """Install a checked package into `packages_dir`, replacing an installed one with the same folder name."""
    info = inspect_package(path)
    packages_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=packages_dir, prefix=".installing-") as staging:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(staging)  # names were checked above: nothing lands outside `staging`
        target = packages_dir / info.folder
        if target.exists():
            shutil.rmtree(target)
        (Path(staging) / info.folder).rename(target)
    return info
