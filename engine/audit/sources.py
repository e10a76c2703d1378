"""The submissions of an audit: folders searched recursively, globs expanded, files as given, and manifests of
(id, path).

`submissions` is a generator: the inputs are never held in memory as a list. A path that is not there, a
symbolic link leading outside the SOURCE folder it was met in (not followed), and a manifest that cannot be
read are each yielded as a `Submission` carrying its load problem, so the audit records it and goes on.
"""

from __future__ import annotations

import csv
import fnmatch
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..documents.discovery import FOLDER_PATTERNS
from ..documents.problems import Problem, ProblemKind

__all__ = ["DEFAULT_INCLUDE", "Submission", "is_glob", "is_manifest", "submissions"]

DEFAULT_INCLUDE: tuple[str, ...] = tuple(FOLDER_PATTERNS[None])
"""The names a folder's files must match when no --include is given (those `check` searches for)."""

_OUTSIDE_HINT = "link the file inside the folder audited, or give the file it points to as a SOURCE itself"
_MANIFEST_HINT = ("a manifest is a CSV file with the header id,path or a JSON Lines file (.jsonl) of "
                  '{"id": ..., "path": ...} objects; a relative path is read from the manifest\'s folder')


@dataclass(frozen=True, slots=True, kw_only=True)
class Submission:
    """One input of an audit: its id (the manifest's, else the path), its path, and the problem that keeps
    it from being read at all (a symbolic link leading outside its SOURCE, a path that is not there)."""

    id: str
    path: str
    problem: Problem | None = None


def submissions(sources: Sequence[str], *, include: Sequence[str] = (),
                exclude: Sequence[str] = ()) -> Iterator[Submission]:
    """Each submission of `sources`, in order: a folder's files (recursively, sorted, hidden names left out)
    whose names match `include` (default DEFAULT_INCLUDE) and whose paths relative to the folder match no
    `exclude` glob; a manifest's entries; any other file as given; and the files a glob (`subs/**/*.yaml`,
    a SOURCE that is no path but has `*`, `?` or `[`) matches, searched as a folder is from the glob's
    fixed leading folders, their paths under it matching no `exclude` glob."""
    wanted = tuple(p.lower() for p in (include or DEFAULT_INCLUDE))
    for source in sources:
        path = Path(source)
        if path.is_dir():
            yield from _folder(path, _Names(wanted), tuple(exclude))
        elif is_manifest(path):
            yield from _manifest(path)
        elif path.exists() or path.is_symlink():
            yield Submission(id=source, path=source)
        elif is_glob(source):
            yield from _glob(source, tuple(exclude))
        else:
            yield _missing(source, source, "no such file or directory",
                           "check the path; give folders, disclosure files or a manifest")


def is_glob(source: str) -> bool:
    """A SOURCE with a wildcard: `*`, `**` (any number of folders), `?` or `[...]`."""
    return any(c in source for c in "*?[")


def is_manifest(path: Path) -> bool:
    """A JSON Lines file (.jsonl), or a CSV file whose header is exactly `id,path`."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return True
    if suffix != ".csv":
        return False
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle), None) == ["id", "path"]
    except (OSError, UnicodeDecodeError, csv.Error):
        return False


class _Names:
    """A folder's files wanted: those whose names match one of the --include globs, without regard to case, in
    folders whose names do not start with `.` (nor do theirs)."""

    def __init__(self, wanted: tuple[str, ...]) -> None:
        self.wanted = wanted

    def searches(self, relative: tuple[str, ...]) -> bool:
        return not relative[-1].startswith(".")  # every other folder may hold such a name

    def matches(self, relative: tuple[str, ...]) -> bool:
        name = relative[-1]
        return not name.startswith(".") and any(fnmatch.fnmatchcase(name.lower(), p) for p in self.wanted)


class _Pattern:
    """The files a glob matches under its fixed folder, one path segment against one pattern segment, as a
    shell does: `*`, `?` and `[...]` stay within a segment, a `**` segment stands for any number of folders,
    and a wildcard does not match a leading `.` (hidden names are left out, as in a folder)."""

    def __init__(self, segments: tuple[str, ...]) -> None:
        self.segments = segments

    def searches(self, relative: tuple[str, ...]) -> bool:
        return _match(self.segments, relative, prefix=True)

    def matches(self, relative: tuple[str, ...]) -> bool:
        return _match(self.segments, relative, prefix=False)


def _match(pattern: tuple[str, ...], path: tuple[str, ...], *, prefix: bool) -> bool:
    """Whether `path` matches `pattern` (or, with `prefix`, is a folder some of whose files may)."""
    if not path:
        return prefix or all(p == "**" for p in pattern)
    if not pattern:
        return False
    if pattern[0] == "**":
        return (_match(pattern[1:], path, prefix=prefix)
                or (not path[0].startswith(".") and _match(pattern, path[1:], prefix=prefix)))
    if path[0].startswith(".") and not pattern[0].startswith("."):
        return False
    return fnmatch.fnmatchcase(path[0], pattern[0]) and _match(pattern[1:], path[1:], prefix=prefix)


def _glob(source: str, exclude: tuple[str, ...]) -> Iterator[Submission]:
    """The files `source` matches, searched from its leading folders without a wildcard (the current folder
    when it starts with one), with a folder's rules for symbolic links; a glob matching nothing is a problem."""
    parts = Path(source).parts
    fixed = next(i for i, part in enumerate(parts) if is_glob(part))
    root = os.path.join(*parts[:fixed]) if fixed else ""
    found = False
    if os.path.isdir(root or os.curdir):
        for submission in _folder(Path(root or os.curdir), _Pattern(parts[fixed:]), exclude, shown=root):
            found = True
            yield submission
    if not found:
        yield _missing(source, source, "no file matches this glob",
                       "check the pattern (`*` stays within a folder, `**` stands for any number of folders), "
                       "and quote it so that openwatt, not the shell, expands it")


def _folder(root: Path, names: _Names | _Pattern, exclude: tuple[str, ...],
            shown: str | None = None) -> Iterator[Submission]:
    """The files under `root` that `names` wants, their paths shown under `shown` (default: the root)."""
    real_root = os.path.realpath(root)
    base = str(root) if shown is None else shown
    # os.walk does not follow symbolic links to folders, so a link cycle cannot loop.
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        under = _relative(folder, root)
        kept = []
        for name in dirs:
            if not names.searches((*under, name)):
                continue
            link = os.path.join(folder, name)
            if os.path.islink(link) and not _inside(link, real_root):
                yield _outside(os.path.join(base, *under, name), link, root)
            else:
                kept.append(name)
        dirs[:] = kept  # a link to a folder inside the root is not followed either: its files are met there
        for name in sorted(files):
            relative = (*under, name)
            if not names.matches(relative):
                continue
            if any(fnmatch.fnmatchcase("/".join(relative), p) for p in exclude):
                continue
            file, met = os.path.join(base, *relative), os.path.join(folder, name)
            if os.path.islink(met) and not _inside(met, real_root):
                yield _outside(file, met, root)
            else:  # only files: os.walk lists folders, and links to folders, in `dirs`
                yield Submission(id=file, path=file)


def _relative(folder: str, root: Path) -> tuple[str, ...]:
    relative = os.path.relpath(folder, root)
    return () if relative == os.curdir else Path(relative).parts


def _inside(link: str, real_root: str) -> bool:
    target = os.path.realpath(link)
    return target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)


def _outside(shown: str, link: str, root: Path) -> Submission:
    target = os.readlink(link)
    return _missing(shown, shown, f"symbolic link to {target} leads outside {root}; not followed", _OUTSIDE_HINT)


def _missing(id: str, path: str, message: str, hint: str) -> Submission:
    problem = Problem(kind=ProblemKind.LOAD, file=path, line=0, column=0, message=message, hint=hint)
    return Submission(id=id, path=path, problem=problem)


def _manifest(manifest: Path) -> Iterator[Submission]:
    base = manifest.parent
    try:
        with manifest.open(encoding="utf-8", newline="") as handle:
            if manifest.suffix.lower() == ".jsonl":
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        yield _entry(manifest, base, number, _json_entry(line))
            else:
                reader = csv.reader(handle)
                next(reader, None)
                for row in reader:
                    yield _entry(manifest, base, reader.line_num, (row[0], row[1]) if len(row) == 2 else None)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        yield _missing(str(manifest), str(manifest), f"cannot read the manifest: {error}", _MANIFEST_HINT)


def _json_entry(line: str) -> tuple[str, str] | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    if isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("path"), str):
        return entry["id"], entry["path"]
    return None


def _entry(manifest: Path, base: Path, line: int, entry: tuple[str, str] | None) -> Submission:
    if entry is None or not entry[0] or not entry[1]:
        problem = Problem(kind=ProblemKind.LOAD, file=str(manifest), line=line, column=1,
                          message="not a manifest entry: expected an id and a path", hint=_MANIFEST_HINT)
        return Submission(id=f"{manifest}:{line}", path=f"{manifest}:{line}", problem=problem)
    id, given = entry
    path = given if os.path.isabs(given) else os.path.join(base, given)
    return Submission(id=id, path=path)
