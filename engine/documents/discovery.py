"""Which files to read: the files given, and the files under the folders given that fit the input format."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openwatt.documents.source import DocumentError

__all__ = ["FOLDER_PATTERNS", "SUFFIXES", "Selection", "discover", "select"]

SUFFIXES = frozenset({".yaml", ".yml", ".json"})
_DISCLOSURES = ("*.yaml", "*.yml", "*.json")
FOLDER_PATTERNS: Mapping[str | None, tuple[str, ...]] = {
    None: _DISCLOSURES,  # detected per file: disclosures, and MOT files among them
    "disclosure": _DISCLOSURES,
    "mot": ("*.yaml", "*.yml"),
    "model-card": ("README.md",),  # a Hugging Face model card is its repository's README.md
    "codecarbon": ("*.csv",),
}
"""The file names searched for in a folder, by input format (matched without regard to case)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """The inputs a list of paths selects: files (each once, in the order met), the paths that are not
    there, and what was searched, to say so when nothing was found."""

    files: tuple[Path, ...]
    missing: tuple[DocumentError, ...]
    folders: tuple[str, ...]  # the folders searched
    patterns: tuple[str, ...]  # the names searched for in them

    @property
    def empty(self) -> bool:
        return not self.files and not self.missing

    def searched(self) -> str:
        """What was searched, in words: "samples/x for *.yaml, *.yml, *.json (hidden files left out)"."""
        where = ", ".join(self.folders) or "no folder"
        return f"{where} for {', '.join(self.patterns)} (hidden files and folders left out)"


def select(paths: Sequence[str | os.PathLike[str]], input_format: str | None = None) -> Selection:
    """Every input `paths` select for `input_format`: a file as given (whatever its name), a folder's files
    whose names fit FOLDER_PATTERNS. A file named twice (or named and inside a named folder) is selected
    once, under the name it was first met by; a path that is not there, and a link in a folder to a file
    outside that folder (not read), are DocumentErrors in `missing`."""
    patterns = FOLDER_PATTERNS.get(input_format, _DISCLOSURES)
    files: dict[str, Path] = {}
    missing: list[DocumentError] = []
    folders: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            folders.append(os.fspath(given))
            missing.extend(_link_out(path, file) for file in _walk(path, patterns) if leaves(path, file))
        try:
            for file in discover([path], patterns):
                files.setdefault(os.path.realpath(file), file)
        except DocumentError as error:
            missing.append(error)
    return Selection(tuple(files.values()), tuple(missing), tuple(folders), patterns)


def discover(paths: Sequence[str | os.PathLike[str]], patterns: Sequence[str] = _DISCLOSURES) -> list[Path]:
    """Files as given, in the order given; each directory's files whose names fit `patterns` (default:
    *.yaml, *.yml and *.json), recursively, sorted by path, leaving out hidden files and directories and
    links to files outside the directory (`leaves`). A file reached twice is listed once. A path that does not exist raises DocumentError."""
    found: dict[Path, None] = {}  # ordered and free of repeats
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.update(dict.fromkeys(file for file in _walk(path, patterns) if not leaves(path, file)))
        elif path.exists():
            found[path] = None
        else:
            raise DocumentError(str(given), 0, 0, "no such file or directory",
                                "check the path; give disclosure files or directories that hold them")
    return list(found)


def _walk(directory: Path, patterns: Sequence[str]) -> list[Path]:
    wanted = tuple(p.lower() for p in patterns)
    files = []
    # os.walk does not follow symbolic links to directories, so a link cycle cannot loop.
    for root, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(Path(root, name) for name in names
                     if not name.startswith(".") and any(fnmatch.fnmatchcase(name.lower(), p) for p in wanted))
    return sorted(files)


def leaves(directory: Path, file: Path) -> bool:
    """Whether `file`, found under `directory`, is a symbolic link to a file outside it (or a link that
    cannot be resolved): it is not read, and `select` reports it."""
    try:
        root = os.path.realpath(directory)
        return os.path.commonpath([root, os.path.realpath(file)]) != root
    except (OSError, ValueError):  # a link loop
        return True


def _link_out(directory: Path, file: Path) -> DocumentError:
    return DocumentError(os.fspath(file), 0, 0, f"is a symbolic link to a file outside {os.fspath(directory)}; not read",
                         "copy the file into the folder, or give its path directly")
