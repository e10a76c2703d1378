"""Which files to read: the files given, and the disclosure files under the directories given."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from openwatt.documents.source import DocumentError

__all__ = ["SUFFIXES", "discover"]

SUFFIXES = frozenset({".yaml", ".yml", ".json"})


def discover(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Files as given, in the order given; each directory's *.yaml, *.yml and *.json files, recursively,
    sorted by path, leaving out hidden files and directories. A file reached twice is listed once.
    A path that does not exist raises DocumentError."""
    found: dict[Path, None] = {}  # ordered and free of repeats
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.update(dict.fromkeys(_walk(path)))
        elif path.exists():
            found[path] = None
        else:
            raise DocumentError(str(given), 0, 0, "no such file or directory",
                                "check the path; give disclosure files or directories that hold them")
    return list(found)


def _walk(directory: Path) -> list[Path]:
    files = []
    # os.walk does not follow symbolic links to directories, so a link cycle cannot loop.
    for root, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(Path(root, name) for name in names
                     if not name.startswith(".") and os.path.splitext(name)[1].lower() in SUFFIXES)
    return sorted(files)
