"""Parsed policies cached on disk, so a pre-commit hook does not pay for Lark on every run.

A policy's syntax tree depends only on its text, its file name (spans carry it) and the parser, so
the cache key is the sha256 of those. Entries live in $OPENWATT_CACHE_DIR, else
$XDG_CACHE_HOME/openwatt, else ~/.cache/openwatt; OPENWATT_NO_CACHE=1 turns the cache off. A cache
that cannot be read or written is ignored: it only ever saves time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from . import ast
from .cache_folder import cache_dir

_PARSER_FILES = ("grammar.lark", "parser.py", "ast.py")


@functools.cache
def _parser_digest() -> bytes:
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _PARSER_FILES:
        digest.update((here / name).read_bytes())
    return digest.digest()


def parse_policy_cached(source: str, file: str) -> ast.PolicyFile:
    """parse_policy(source, file), from the cache when this exact text was parsed before."""
    folder = cache_dir()
    key = hashlib.sha256(_parser_digest() + file.encode("utf-8") + b"\0" + source.encode("utf-8")).hexdigest()
    entry = folder / f"{key}.ast" if folder is not None else None
    if entry is not None:
        try:
            tree = pickle.loads(entry.read_bytes())
            if isinstance(tree, ast.PolicyFile):
                return tree
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
            pass  # absent or unusable: parse again
    from .parser import parse_policy  # Lark is only imported when a policy is parsed for real

    tree = parse_policy(source, file)  # raises PolicyErrors: a broken policy is never cached
    if entry is not None:
        _store(entry, pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL))
    return tree


def _store(entry: Path, data: bytes) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False) as stream:
            stream.write(data)
        os.replace(stream.name, entry)  # atomic: a concurrent reader sees the old entry or the new one
        _evict(entry.parent)
    except OSError:
        pass


_KEEP = 256  # entries; each edit of a policy leaves one behind


def _evict(folder: Path) -> None:
    """Forget the least recently written entries beyond _KEEP (only when writing, so hits stay cheap)."""
    entries = sorted(folder.glob("*.ast"), key=lambda p: p.stat().st_mtime)
    for stale in entries[:-_KEEP]:
        stale.unlink(missing_ok=True)
