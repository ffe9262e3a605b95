"""The content repository as a .zip file: the files `vagvisare content export` writes, and their careful unpacking.

An uploaded archive is untrusted: only plain files with the repository's names are unpacked (no absolute paths,
no `..`, no links), and sizes are limited before anything is decompressed, so a zip bomb or a zip slip gets a
polite refusal instead of a full disk or a file outside the folder.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

MAX_FILES = 5_000
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
TOP_FILES = frozenset({"regions.yaml", "municipalities.yaml", "occupations.yaml", "events.yaml"})
ARTICLE_FILE = re.compile(r"^articles/[A-Za-z0-9_-]{1,48}\.yaml$")
# What zip tools add on their own: ignored rather than refused.
IGNORED_PARTS = frozenset({"__MACOSX", ".DS_Store", "Thumbs.db"})


class ArchiveError(Exception):
    """The upload is not a usable content archive; the message says why (English, for people)."""


def zip_files(files: dict[str, str]) -> bytes:
    """Return a .zip holding `files` (relative path -> text) exactly as an export writes them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name].encode("utf-8"))
    return buffer.getvalue()


def unpack_zip(data: bytes, root: Path) -> list[str]:
    """Check the archive `data` and write its content files under `root`; return the names written.

    A single enclosing folder (as when a repository folder is zipped) is taken off.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise ArchiveError("This is not a .zip file.") from error
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not _ignored(m.filename)]
        if len(members) > MAX_FILES:
            raise ArchiveError(f"The archive has more than {MAX_FILES} files.")
        names = _names(members)
        if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
            raise ArchiveError(f"The archive unpacks to more than {MAX_TOTAL_BYTES // 1024 // 1024} MB.")
        written = []
        for member, name in zip(members, names, strict=True):
            if name is None:
                continue
            if member.file_size > MAX_FILE_BYTES:
                raise ArchiveError(f"{name} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source:
                content = source.read(MAX_FILE_BYTES + 1)  # the header's size could lie
            if len(content) > MAX_FILE_BYTES:
                raise ArchiveError(f"{name} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
            target.write_bytes(content)
            written.append(name)
    if not written:
        raise ArchiveError("The archive holds no content files (regions.yaml, articles/*.yaml, ...).")
    return written


def _ignored(name: str) -> bool:
    return any(part in IGNORED_PARTS or part.startswith("._") for part in name.split("/"))


def _names(members: list[zipfile.ZipInfo]) -> list[str | None]:
    """The repository name of each member (None: not a .yaml file, ignored); refuse unsafe or unknown paths."""
    paths = []
    for member in members:
        name = member.filename
        mode = member.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ArchiveError(f"{name} is a link; the archive may hold only plain files.")
        path = PurePosixPath(name)
        if "\\" in name or path.is_absolute() or ".." in path.parts or ":" in name:
            raise ArchiveError(f"{name} points outside the archive's folder.")
        paths.append(path)
    prefix = _common_folder(paths)
    names: list[str | None] = []
    for path in paths:
        relative = PurePosixPath(*path.parts[len(prefix) :]).as_posix()
        if not relative.endswith(".yaml"):
            names.append(None)
        elif relative in TOP_FILES or ARTICLE_FILE.match(relative):
            names.append(relative)
        else:
            raise ArchiveError(f"{path.as_posix()} is not a file of a content repository.")
    return names


def _common_folder(paths: list[PurePosixPath]) -> tuple[str, ...]:
    """One folder that encloses every file (`data/regions.yaml`, `data/articles/...`), or none."""
    if not paths or any(len(p.parts) < 2 for p in paths):
        return ()
    first = paths[0].parts[0]
    if first == "articles" or any(p.parts[0] != first for p in paths):
        return ()
    return (first,)
