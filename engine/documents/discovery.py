"""Which files to read: the files given, and the files under the folders given that fit the input format.

A folder that cannot be read, or that holds disclosure files only under hidden names, is a problem to report,
never a silent "0 files checked": `survey` returns the files it found with the problems it met; `discover`
raises the first problem.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openwatt.documents.source import DocumentError

__all__ = ["FOLDER_PATTERNS", "Selection", "Survey", "discover", "select", "survey"]

_DISCLOSURES = ("*.yaml", "*.yml", "*.json")
FOLDER_PATTERNS: Mapping[str | None, tuple[str, ...]] = {
    None: _DISCLOSURES,  # detected per file: disclosures, and MOT files among them
    "disclosure": _DISCLOSURES,
    "mot": ("*.yaml", "*.yml"),
    "model-card": ("README.md",),  # a Hugging Face model card is its repository's README.md
    "codecarbon": ("*.csv",),
}
"""The file names searched for in a folder, by input format (matched without regard to case)."""
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


@dataclass(frozen=True, slots=True)
class Selection:
    """The inputs a list of paths selects: files (each once, in the order met, under the name first met by),
    the problems met finding them, and what was searched, to say so when nothing was found."""

    files: tuple[Path, ...]
    problems: tuple[DocumentError, ...]
    folders: tuple[str, ...]  # the folders searched
    patterns: tuple[str, ...]  # the names searched for in them

    @property
    def empty(self) -> bool:
        return not self.files and not self.problems

    def searched(self) -> str:
        """What was searched, in words: "samples/x for *.yaml, *.yml, *.json (hidden files left out)"."""
        where = ", ".join(self.folders) or "no folder"
        return f"{where} for {', '.join(self.patterns)} (hidden files and folders left out)"


def select(paths: Sequence[str | os.PathLike[str]], input_format: str | None = None) -> Selection:
    """Every input `paths` select for `input_format`: a file as given (whatever its name), a folder's files
    whose names fit FOLDER_PATTERNS. A file named twice (or named and inside a named folder) is selected
    once, under the name it was first met by; the problems are those of `survey`."""
    patterns = FOLDER_PATTERNS.get(input_format, _DISCLOSURES)
    found = survey(paths, patterns)
    files: dict[str, Path] = {}
    for file in found.files:
        files.setdefault(os.path.realpath(file), file)
    folders = tuple(os.fspath(given) for given in paths if _is_dir(Path(given)))
    return Selection(tuple(files.values()), found.problems, folders, patterns)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def survey(paths: Sequence[str | os.PathLike[str]], patterns: Sequence[str] = _DISCLOSURES) -> Survey:
    """Files as given, in the order given; each directory's files whose names fit `patterns` (default:
    *.yaml, *.yml and *.json), recursively, sorted by path, leaving out hidden files and directories. A file
    reached twice is listed once. Every path that does not exist, and every folder that cannot be read, is a
    problem; so is a folder given whose only matching files are hidden files. The readable files are listed
    all the same."""
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
            files, met = _walk(path, patterns)
            found.update(dict.fromkeys(files))
            problems.extend(met)
        elif exists:
            found[path] = None
        else:
            problems.append(DocumentError(str(given), 0, 0, "no such file or directory",
                                          "check the path; give disclosure files or directories that hold them"))
    return Survey(files=tuple(found), problems=tuple(problems))


def discover(paths: Sequence[str | os.PathLike[str]], patterns: Sequence[str] = _DISCLOSURES) -> list[Path]:
    """The files of `survey(paths, patterns)`; raises its first problem as a DocumentError, if there is one."""
    result = survey(paths, patterns)
    if result.problems:
        raise result.problems[0]
    return list(result.files)


def _walk(directory: Path, patterns: Sequence[str]) -> tuple[list[Path], list[DocumentError]]:
    wanted = tuple(p.lower() for p in patterns)
    files: list[Path] = []
    hidden: list[str] = []
    outside: list[Path] = []  # links to files outside the folder: reported, not read
    unreadable: list[OSError] = []
    # os.walk does not follow symbolic links to directories, so a link cycle cannot loop; without onerror it
    # would skip a folder it cannot list, silently.
    for root, dirs, names in os.walk(directory, onerror=unreadable.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if not any(fnmatch.fnmatchcase(name.lower(), p) for p in wanted):
                continue
            if name.startswith("."):
                hidden.append(os.path.join(root, name))
            elif leaves(directory, Path(root, name)):
                outside.append(Path(root, name))
            else:
                files.append(Path(root, name))
    problems = [_unreadable(error, directory) for error in unreadable]
    problems.extend(_link_out(directory, file) for file in sorted(outside))
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


def leaves(directory: Path, file: Path) -> bool:
    """Whether `file`, found under `directory`, is a symbolic link to a file outside it (or a link that
    cannot be resolved): it is not read, and `select` reports it."""
    try:
        root = os.path.realpath(directory)
        return os.path.commonpath([root, os.path.realpath(file)]) != root
    except (OSError, ValueError):  # a link loop
        return True


def _link_out(directory: Path, file: Path) -> DocumentError:
    return DocumentError(os.fspath(file), 0, 0,
                         f"is a symbolic link to a file outside {os.fspath(directory)}; not read",
                         "copy the file into the folder, or give its path directly")
