"""Where openwatt keeps what it caches (Lark's parser tables, parsed policies), and how an entry is read
and written safely: the storage under `cache.py` (parsed policies) and `parser.py` (Lark's tables), on
its own so that neither of those imports the other. The rules it keeps are in cache.py's docstring."""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import ast
from .serial import Codec, SerialError

FORMAT = 1  # bump when the header or the payload's layout changes: old entries are then never read
MAGIC = b"openwatt-cache"
MAX_ENTRY_BYTES = 16 * 1024 * 1024  # larger entries are neither written nor read
_SUFFIX = ".owcache"
_NAME = re.compile(r"(policy|lark-tables)-[0-9a-f]{64}\.owcache")

# Everything an entry can hold, by class name: node classes and enums named in ast.py join by themselves.
_CODEC = Codec(obj for obj in vars(ast).values()
               if isinstance(obj, type) and (dataclasses.is_dataclass(obj) or issubclass(obj, enum.Enum)))


def cache_dir() -> Path | None:
    """Where parsed policies are kept, or None when caching is off."""
    if os.environ.get("OPENWATT_NO_CACHE") or not _POSIX:
        return None
    if explicit := os.environ.get("OPENWATT_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "openwatt"


_POSIX = all(hasattr(os, name) for name in ("geteuid", "O_NOFOLLOW", "O_NONBLOCK", "O_DIRECTORY"))


def entry_name(kind: str, key: str) -> str:
    """The file name of the entry (kind, key) in the cache folder."""
    return f"{kind}-{key}{_SUFFIX}"


# ---- entries ---------------------------------------------------------------------------------


def load(kind: str, key: str) -> Any | None:
    """The value stored under (kind, key), or None when there is none that can be trusted."""
    with _folder(create=False) as folder:
        if folder is None:
            return None
        raw = _read_regular(entry_name(kind, key), folder, MAX_ENTRY_BYTES)
        if raw is None:
            return None
        header, newline, payload = raw.partition(b"\n")
        expected = b"%s %d %s %s" % (MAGIC, FORMAT, kind.encode(), hashlib.sha256(payload).hexdigest().encode())
        if not newline or header != expected:
            return None  # another format or kind, truncated, or a flipped bit: the digest tells
        try:
            return _CODEC.loads(payload)
        except SerialError:
            return None
    return None


def store(kind: str, key: str, value: object) -> None:
    """Keep `value` under (kind, key); quietly nothing when the cache is off or cannot be written."""
    try:
        payload = _CODEC.dumps(value)
    except SerialError:
        return
    data = b"%s %d %s %s\n" % (MAGIC, FORMAT, kind.encode(), hashlib.sha256(payload).hexdigest().encode()) + payload
    if len(data) > MAX_ENTRY_BYTES:
        return
    with _folder(create=True) as folder:
        if folder is None:
            return
        temporary = f".tmp-{os.urandom(8).hex()}{_SUFFIX}"
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                         dir_fd=folder)
            try:
                with open(fd, "wb", closefd=False) as stream:
                    stream.write(data)
            finally:
                os.close(fd)
            # atomic: a concurrent reader sees the old entry or the new one
            os.replace(temporary, entry_name(kind, key), src_dir_fd=folder, dst_dir_fd=folder)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=folder)
            return
        _evict(folder)


@contextlib.contextmanager
def _folder(*, create: bool) -> Iterator[int | None]:
    """The cache folder, open, when it is this user's and only this user can write to it; else None."""
    path = cache_dir()
    if path is None:
        yield None
        return
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                path.mkdir(mode=0o700)
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except (OSError, ValueError):  # ValueError: a NUL character in the configured path
        yield None
        return
    try:
        yield fd if _trusted(os.fstat(fd)) else None
    finally:
        os.close(fd)


def _trusted(info: os.stat_result) -> bool:
    """Owned by this user and not writable by anyone else: nobody else can have put anything there."""
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read_regular(name: str, folder: int, limit: int, *, head: bool = False) -> bytes | None:
    """A trusted regular file in `folder`: whole (None if over `limit` bytes), or its first `limit` bytes."""
    try:
        # O_NOFOLLOW: a link is refused; O_NONBLOCK: opening a FIFO returns at once, and fstat refuses it
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _trusted(info) or (info.st_size > limit and not head):
            return None
        chunks, left = [], limit if head else limit + 1  # one byte more tells a file that grew
        while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data if head or len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


_KEEP = 256  # entries; each edit of a policy leaves one behind


def _evict(folder: int) -> None:
    """Forget the least recently written entries beyond _KEEP (only when writing, so hits stay cheap).

    Only files named as this cache names them, holding its header, are ever deleted: a shared or
    misconfigured folder keeps everything else."""
    try:
        with os.scandir(folder) as listing:
            ours = [(entry.stat(follow_symlinks=False).st_mtime, entry.name) for entry in listing
                    if _NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)]
    except OSError:
        return
    ours.sort()
    for _, name in ours[:-_KEEP]:
        head = _read_regular(name, folder, len(MAGIC) + 1, head=True)
        if head == MAGIC + b" ":
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=folder)
