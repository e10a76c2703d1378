"""Parsed policies (and Lark's parse tables) cached on disk, so a pre-commit hook does not pay for Lark on every run.

The cache only ever saves time; it must never change an answer or run code. So:
- entries are JSON data (serial.py), never pickle: reading one can only build syntax-tree nodes;
- each entry starts with a header line holding the format version, its kind and the sha256 of the
  rest, checked before the rest is parsed, and a policy entry records the sha256 and file name of the
  text it was parsed from, checked against the text being compiled: the rules evaluated always come
  from the text whose digest the report states;
- the folder and each entry must belong to the current user and not be writable by group or others
  (anyone who can write there could otherwise choose our rules), the folder is created 0700 and
  entries 0600; only regular files are read (O_NOFOLLOW | O_NONBLOCK, so a FIFO or a link is refused,
  never waited on), at most MAX_ENTRY_BYTES;
- any unusable entry is ignored and the policy parsed again: never a traceback;
- eviction deletes only files with this cache's names and header, never someone else's files;
- OPENWATT_NO_CACHE=1 means no cache file is read or written anywhere (Lark's tables included: Lark's
  own cache, which unpickles and falls back to the shared temporary folder, is never used).

Entries live in $OPENWATT_CACHE_DIR, else $XDG_CACHE_HOME/openwatt, else ~/.cache/openwatt, named
`<kind>-<sha256 of the key>.owcache`. docs/security.md has the threat model.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from . import ast
from .cache_folder import FORMAT, MAGIC, load, store

_PARSER_FILES = ("grammar.lark", "parser.py", "ast.py", "serial.py")


@functools.cache
def _parser_digest() -> bytes:
    """The parser's own digest: a changed grammar, parser or node class never reads an older entry."""
    here = Path(__file__).parent
    digest = hashlib.sha256(b"%s %d\0" % (MAGIC, FORMAT))
    for name in _PARSER_FILES:
        digest.update((here / name).read_bytes())
    return digest.digest()


def parse_policy_cached(source: str, file: str) -> ast.PolicyFile:
    """parse_policy(source, file), from the cache when this exact text was parsed before."""
    source_digest = _sha256(source)
    key = policy_key(source, file)
    stored = load("policy", key)
    if (isinstance(stored, dict) and stored.keys() == {"source_sha256", "file", "tree"}
            and stored["source_sha256"] == source_digest and stored["file"] == file
            and isinstance(stored["tree"], ast.PolicyFile)):
        return stored["tree"]
    from .parser import parse_policy  # Lark is only imported when a policy is parsed for real

    tree = parse_policy(source, file)  # raises PolicyErrors: a broken policy is never cached
    store("policy", key, {"source_sha256": source_digest, "file": file, "tree": tree})
    return tree


def policy_key(source: str, file: str) -> str:
    """The key of (source, file): the parser's digest, the file name (spans hold it) and the text's digest."""
    return hashlib.sha256(_parser_digest() + _sha256(file).encode() + _sha256(source).encode()).hexdigest()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
