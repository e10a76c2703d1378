"""Which files to read: the files given, and the disclosure files under the directories given.

A folder that cannot be read, or that holds disclosure files only under hidden names, is a problem to report,
never a silent "0 files checked": `survey` returns the files it found with the problems it met; `discover`
raises the first problem.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openwatt.documents.source import DocumentError

__all__ = ["SUFFIXES", "Survey", "discover", "survey"]

SUFFIXES = frozenset({".yaml", ".yml", ".json"})
_SHOWN = 3  # hidden names quoted in a problem; the rest are counted
_UNREADABLE_HINT = ("give the user running openwatt permission to read and enter the folder "
                    "(chmod u+rx), or leave it out of the paths checked")
_HIDDEN_HINT = ("names starting with '.' are left out of a folder's files; rename the files, or give a hidden "
                "file's path itself to check it")


@dataclass(frozen=True, slots=True)
class Survey:
    """The files to check, in order and each once, and the problems met finding them (each a DocumentError at
    0:0 naming the path: a path that does not exist, a folder that cannot be read, a folder whose disclosure
    files are all hidden)."""

    files: tuple[Path, ...]
    problems: tuple[DocumentError, ...]


def survey(paths: Sequence[str | os.PathLike[str]]) -> Survey:
    """Files as given, in the order given; each directory's *.yaml, *.yml and *.json files, recursively,
    sorted by path, leaving out hidden files and directories. A file reached twice is listed once.
    Every path that does not exist, and every folder that cannot be read, is a problem; so is a folder given
    whose only disclosure files (by their suffix) are hidden files. The readable files are listed all the same."""
    found: dict[Path, None] = {}  # ordered and free of repeats
    problems: list[DocumentError] = []
    for given in paths:
        path = Path(given)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as error:  # a folder on the way that cannot be entered
            problems.append(DocumentError(str(given), 0, 0, f"cannot reach the path: {_reason(error)}",
                                          _UNREADABLE_HINT))
            continue
        if is_dir:
            files, met = _walk(path)
            found.update(dict.fromkeys(files))
            problems.extend(met)
        elif exists:
            found[path] = None
        else:
            problems.append(DocumentError(str(given), 0, 0, "no such file or directory",
                                          "check the path; give disclosure files or directories that hold them"))
    return Survey(files=tuple(found), problems=tuple(problems))


def discover(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The files of `survey(paths)`; raises its first problem as a DocumentError, if there is one."""
    result = survey(paths)
    if result.problems:
        raise result.problems[0]
    return list(result.files)


def _walk(directory: Path) -> tuple[list[Path], list[DocumentError]]:
    files: list[Path] = []
    hidden: list[str] = []
    unreadable: list[OSError] = []
    # os.walk does not follow symbolic links to directories, so a link cycle cannot loop; without onerror it
    # would skip a folder it cannot list, silently.
    for root, dirs, names in os.walk(directory, onerror=unreadable.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if os.path.splitext(name)[1].lower() not in SUFFIXES:
                continue
            if name.startswith("."):
                hidden.append(os.path.join(root, name))
            else:
                files.append(Path(root, name))
    problems = [_unreadable(error, directory) for error in unreadable]
    if hidden and not files and not unreadable:
        problems.append(_only_hidden(directory, hidden))
    return sorted(files), problems


def _unreadable(error: OSError, directory: Path) -> DocumentError:
    folder = error.filename if error.filename is not None else str(directory)
    return DocumentError(os.fspath(folder), 0, 0, f"cannot read the folder: {_reason(error)}", _UNREADABLE_HINT)


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def _only_hidden(directory: Path, hidden: list[str]) -> DocumentError:
    names = sorted(os.path.relpath(h, directory) for h in hidden)
    shown = ", ".join(names[:_SHOWN]) + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")
    return DocumentError(str(directory), 0, 0, f"holds no disclosure files but hidden ones: {shown}", _HIDDEN_HINT)
