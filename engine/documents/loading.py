"""Bytes to Document: YAML and JSON within limits, with a source map and located errors for bad input."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from typing import Any, NoReturn

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from openwatt.documents.source import (DEFAULT_LIMITS, BinaryFileError, Document, DocumentError, Format, Limits,
                                      Path)
from openwatt.values.kinds import BOOLEAN, DATE, NULL, NUMBER, kind_in_words

__all__ = ["decode_text", "load_document", "parse_document", "parse_yaml", "read_file", "special_file_kind"]

# libyaml's composer when it is there (several times faster); the pure-Python one otherwise.
_LibYAML: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # type[SafeLoader]; Any, to derive from it
# Errors are re-read with the pure-Python parser, whose messages are the more specific ("found
# character '\t' ...", "found undefined alias 'x'"), and identical whether or not libyaml is installed;
# above this size the re-read would cost seconds, so the first message stands.
_REREAD_BYTES = 1024 * 1024

_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP, _MERGE = _TAG + "str", _TAG + "seq", _TAG + "map", _TAG + "merge"
_SCALAR_KINDS = {_TAG + "null": NULL, _TAG + "bool": BOOLEAN, _TAG + "int": NUMBER, _TAG + "float": NUMBER,
                 _TAG + "timestamp": DATE}
# SafeLoader's own constructors, so scalars resolve exactly as yaml.safe_load resolves them.
_CONSTRUCT = {tag: SafeConstructor.yaml_constructors[tag] for tag in _SCALAR_KINDS}
_CONSTRUCTOR = SafeConstructor()  # the scalar constructors keep no state, so one instance serves all

_EMPTY_HINT = 'a disclosure is a mapping of fields that starts with openwatt: "1.0"'
_SYNTAX_HINTS = (  # (words in the parser's problem, hint), first match wins
    ("'\\t'", "indent with spaces: YAML does not allow tabs for indentation"),
    ("mapping values are not allowed", "quote a value that contains ': ', or check this line's indentation"),
    ("undefined alias", "define the anchor (&name) before the alias (*name) that repeats it"),
    ("duplicate anchor", "give each anchor (&name) its own name"),
    ("end of stream", "close the quote or bracket that is still open"),
    ("could not find expected ':'", "write each field as 'key: value'"),
    ("expected <block end>", "line up the keys of one mapping, and the items of one list, at one indentation"),
    ("did not find expected key", "line up the keys of one mapping, and the items of one list, at one indentation"),
)
_SYNTAX_HINT = "check the indentation and quoting on this line and the one before"
_FINITE_HINT = "write a finite number, or leave the field out"
_DEPTH_HINT = "a disclosure is a few levels deep; check for unclosed brackets or an alias that contains itself"
_MANY_HINT = "a disclosure has a few hundred values; use fewer aliases (*name)"
_LONG_HINT = "write it with an exponent, e.g. 1.5e+30, or quote it to keep it as text"
_SPECIAL_HINT = ("openwatt reads only regular files: copy the contents into a file and give its path, or remove "
                 "this one from the folder")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?P<fraction>(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)")


def load_document(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read and parse the file at ``path``; JSON if it ends in .json, YAML otherwise.
    Raises DocumentError, with a location and a hint, for anything that is not a readable document."""
    file = os.fspath(path)
    return parse_document(read_file(file, limits=limits), file, limits=limits)


def read_file(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of the file at ``path``, refusing files over ``limits.max_bytes`` before reading them.
    DocumentError (at 0:0) for a file that is missing, a directory, not a regular file (a named pipe, a socket,
    a device: reading one could wait for ever or never end), unreadable or too large."""
    file = os.fspath(path)
    try:
        # O_NONBLOCK: opening a named pipe would otherwise wait for a writer; for a regular file it changes nothing.
        descriptor = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise DocumentError(file, 0, 0, "no such file or directory", "check the path") from None
    except OSError as error:
        _refuse_special(file)  # a socket cannot be opened at all (ENXIO): say what it is
        raise DocumentError(file, 0, 0, f"cannot read the file: {error.strerror or error}".lower(), None) from None
    except ValueError:  # a path with a NUL character
        raise DocumentError(file.replace("\0", "\\0"), 0, 0, "the path has a NUL character", "check the path") from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise DocumentError(file, 0, 0, "is a directory, not a file", "give the path of a disclosure file")
        raise DocumentError(file, 0, 0, f"is {special_file_kind(status.st_mode)}, not a regular file", _SPECIAL_HINT)
    with os.fdopen(descriptor, "rb") as stream:
        if status.st_size > limits.max_bytes:
            _too_big(file, status.st_size, limits)
        try:
            return stream.read(limits.max_bytes + 1)  # the file may grow after fstat
        except OSError as error:
            raise DocumentError(file, 0, 0, f"cannot read the file: {error.strerror or error}".lower(), None) from None


def _refuse_special(file: str) -> None:
    try:
        mode = os.stat(file).st_mode
    except OSError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise DocumentError(file, 0, 0, f"is {special_file_kind(mode)}, not a regular file", _SPECIAL_HINT)


def special_file_kind(mode: int) -> str:
    """What a file that is not a regular file or a directory is, in words: "a named pipe", "a socket", …"""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


@dataclass(frozen=True, slots=True)
class Expected:
    """What a document is meant to be, as errors about its top level name it."""

    noun: str  # "a disclosure"
    hint: str  # what such a document looks like


DISCLOSURE = Expected("a disclosure", _EMPTY_HINT)


def parse_document(raw: bytes, file: str, *, limits: Limits = DEFAULT_LIMITS,
                   format: Format | str | None = None, expected: Expected = DISCLOSURE) -> Document:
    """Parse ``raw`` as the contents of ``file``; ``format`` defaults to JSON for a .json name, else YAML.
    ``expected`` names what the document should be in errors about its top level (empty, not a mapping)."""
    syntax = Format(format) if format is not None else (
        Format.JSON if file.lower().endswith(".json") else Format.YAML)
    text = decode_text(raw, file, limits=limits)
    if not text.strip():
        raise DocumentError(file, 1, 1, "the file is empty", expected.hint)
    if syntax is Format.JSON:
        data, positions = _parse_json(text, file, limits)
    else:
        data, positions = _Builder(file, limits).document(_compose(text, file, limits), expected)
    if not isinstance(data, dict):
        found = kind_in_words(data)
        raise DocumentError(file, 1, 1, f"{expected.noun} is a mapping at the top level; found {found}",
                            expected.hint)
    return Document(file, data, positions, hashlib.sha256(raw).hexdigest(), syntax)


def decode_text(raw: bytes, file: str, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """``raw`` as text: UTF-8, within the size limit, without NUL bytes. A UTF-8 byte-order mark is
    dropped (editors on Windows write one, and it carries no meaning); UTF-16 and UTF-32 are refused."""
    if len(raw) > limits.max_bytes:
        _too_big(file, len(raw), limits)
    return _decode(raw, file)


def parse_yaml(text: str, file: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, dict[Path, tuple[int, int]]]:
    """One YAML document, of any shape, to (data, source map) with every limit and check of
    parse_document; (None, {(): (1, 1)}) for text that holds only comments. Importers use it for
    YAML inside other files: lines are counted from the start of ``text``."""
    root = _compose(text, file, limits)
    if root is None:
        return None, {(): (1, 1)}
    return _Builder(file, limits).document(root)


def _too_big(file: str, size: int, limits: Limits) -> NoReturn:
    raise DocumentError(file, 0, 0, f"the file is {size} bytes; the limit is {limits.max_bytes}",
                        "a disclosure is a few tens of KiB; check that this is the right file")


def _decode(raw: bytes, file: str) -> str:
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: FF FE starts both
        raise DocumentError(file, 1, 1, "the file is UTF-32, not UTF-8", "save the file as UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(file, 1, 1, "the file is UTF-16, not UTF-8", "save the file as UTF-8")
    if (nul := raw.find(b"\0")) >= 0:
        line, column = _byte_location(raw, nul)
        raise BinaryFileError(file, line, column, f"the file is binary: a NUL byte at offset {nul}",
                            "a disclosure is a YAML or JSON text file")
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark is harmless, so it is dropped
    except UnicodeDecodeError as error:
        line, column = _byte_location(raw, error.start)
        raise DocumentError(file, line, column,
                            f"the file is not UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start}",
                            "save the file as UTF-8") from None


def _byte_location(raw: bytes, offset: int) -> tuple[int, int]:
    start = raw.rfind(b"\n", 0, offset) + 1
    # The bytes before the offset on its line decode (they precede the first bad byte), so the column
    # counts characters as an editor does.
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8", "replace")) + 1


def _text_location(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


# The tag of each short plain scalar resolved so far ("public", "true", "74 MWh", "2025-09-16"): the resolver
# tries up to eight regular expressions per scalar, and a disclosure repeats most of its words. Bounded:
# past _RESOLVED_MAX entries, new values are resolved each time.
_RESOLVED: dict[str, str] = {}
_RESOLVED_MAX, _RESOLVED_LENGTH = 8192, 64


class _FastLoader(_LibYAML):
    """libyaml's loader, remembering the tags of plain scalars (SafeLoader resolves by value alone)."""

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not ScalarNode:  # SafeLoader has no path resolvers: a list or a mapping is what it is
            return _SEQ if kind is SequenceNode else _MAP
        if not implicit[0]:  # quoted, or tagged '!': a string
            return _STR
        if (tag := _RESOLVED.get(value)) is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < _RESOLVED_MAX and len(value) <= _RESOLVED_LENGTH:
                _RESOLVED[value] = tag
        return tag


class _CountingLoader(Composer, _FastLoader):
    """The pure-Python composer over the fast parser's events, counting nodes as it goes.

    libyaml composes a whole document before the builder can count anything, and a 10 MiB file of
    `[0,0,0,...]` is five million nodes (gigabytes, and tens of seconds). Counting while composing
    stops such a file after ``cap`` nodes. Used only for text long enough to hold that many."""

    def __init__(self, text: str, cap: int, max_depth: int) -> None:
        _LibYAML.__init__(self, text)
        Composer.__init__(self)
        self.cap, self.count, self.max_depth, self.depth = cap, 0, max_depth, 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self.count += 1
        if self.count > self.cap:
            raise _TooManyNodes(self.peek_event().start_mark)
        self.depth += 1  # the composer recurses: stop before Python's stack does
        if self.depth > self.max_depth + 1:  # as the builder counts: a scalar may sit max_depth down
            raise _TooDeep(self.peek_event().start_mark)
        try:
            return Composer.compose_node(self, parent, index)
        finally:
            self.depth -= 1


class _TooManyNodes(Exception):
    """More nodes than the builder could ever accept, found while composing."""

    def __init__(self, mark: Mark) -> None:
        super().__init__(mark)
        self.mark = mark

    def refusal(self, file: str, limits: Limits) -> DocumentError:
        return _too_many(file, self.mark, limits)


class _TooDeep(_TooManyNodes):
    """Nesting deeper than the builder could ever accept, found while composing."""

    def refusal(self, file: str, limits: Limits) -> DocumentError:
        return _too_deep(file, self.mark, limits)


def _node_cap(limits: Limits) -> int:
    # Composed nodes are keys and values, one key per value at most, so more than 2 * max_nodes + 1
    # of them means more than max_nodes values for certain; the builder reports every case below.
    return 2 * limits.max_nodes + 1


def _loader(text: str, limits: Limits) -> yaml.SafeLoader:
    # A composed node takes at least one character, so short text cannot exceed the cap: it keeps
    # libyaml's composer, several times faster than the counting one.
    if len(text) <= _node_cap(limits):
        return _FastLoader(text)
    return _CountingLoader(text, _node_cap(limits), limits.max_depth)


def _compose(text: str, file: str, limits: Limits = DEFAULT_LIMITS) -> Node | None:
    try:
        return _loader(text, limits).get_single_node()
    except _TooManyNodes as error:
        raise error.refusal(file, limits) from None
    except yaml.YAMLError as error:
        if len(text) <= _REREAD_BYTES and _LibYAML is not yaml.SafeLoader:
            try:
                yaml.SafeLoader(text).get_single_node()
            except yaml.YAMLError as clearer:
                error = clearer
            except RecursionError:
                pass
        raise _syntax_error(error, text, file) from None


def _too_deep(file: str, mark: Mark, limits: Limits) -> DocumentError:
    return DocumentError(file, mark.line + 1, mark.column + 1,
                         f"the document is nested more than {limits.max_depth} levels deep", _DEPTH_HINT)


def _too_many(file: str, mark: Mark, limits: Limits) -> DocumentError:
    return DocumentError(file, mark.line + 1, mark.column + 1,
                         f"the document has more than {limits.max_nodes} values once aliases are expanded",
                         _MANY_HINT)


def _syntax_error(error: yaml.YAMLError, text: str, file: str) -> DocumentError:
    if isinstance(error, yaml.reader.ReaderError):
        line, column = _text_location(text, error.position)
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return DocumentError(file, line, column, f"character U+{code:04X} is not allowed in YAML",
                             "remove the control character, or write it as an escape in a quoted string")
    problem = getattr(error, "problem", None) or "the file is not valid YAML"
    context = getattr(error, "context", None) or ""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if "another document" in problem:
        return DocumentError(file, line, column, "the file holds more than one YAML document",
                             "a disclosure is one document: remove the '---' line, or split the file")
    if "maximum nesting depth" in problem:
        return DocumentError(file, line, column, "the document is nested too deeply",
                             "a disclosure is a few levels deep; check for unclosed brackets")
    context_mark = getattr(error, "context_mark", None)
    if context and context_mark is not None and context_mark.line + 1 != line:
        problem = f"{problem} ({context} at line {context_mark.line + 1})"
    hint = next((hint for words, hint in _SYNTAX_HINTS if words in problem), _SYNTAX_HINT)
    return DocumentError(file, line, column, problem, hint)


class _Builder:
    """Walks a composed YAML node tree once, building plain data and the source map together.

    The walk, not the composer, enforces the limits: aliases share nodes, so a small tree can expand
    to billions of values; every value is counted as it is built. In ``json`` mode it only maps
    positions and finds what JSON refuses but YAML allows (non-finite numbers), for JSON text."""

    __slots__ = ("file", "limits", "json", "positions", "nodes", "merges")

    def __init__(self, file: str, limits: Limits, *, json: bool = False) -> None:
        self.file, self.limits, self.json = file, limits, json
        self.positions: dict[Path, tuple[int, int]] = {(): (1, 1)}
        self.nodes = 0
        self.merges = 0  # merges being built, one inside another; a mapping can merge itself

    def document(self, root: Node | None,
                 expected: Expected = DISCLOSURE) -> tuple[Any, dict[Path, tuple[int, int]]]:
        if root is None:
            raise DocumentError(self.file, 1, 1, "the file holds only comments", expected.hint)
        return self.build(root, ()), self.positions

    def fail(self, node: Node, message: str, hint: str | None) -> NoReturn:
        raise DocumentError(self.file, node.start_mark.line + 1, node.start_mark.column + 1, message, hint)

    def build(self, node: Node, path: Path) -> Any:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise _too_many(self.file, node.start_mark, self.limits)
        if isinstance(node, ScalarNode):
            if node.tag == _STR and not self.json:  # most values: no constructor to look up
                return node.value
            return self.scalar(node)
        if len(path) >= self.limits.max_depth:
            raise _too_deep(self.file, node.start_mark, self.limits)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self.unsupported(node)
            items = []
            for index, item in enumerate(node.value):
                child = (*path, index)
                self.positions[child] = (item.start_mark.line + 1, item.start_mark.column + 1)
                items.append(self.build(item, child))
            return items
        if node.tag != _MAP:
            self.unsupported(node)
        assert isinstance(node, MappingNode)  # the tag says so
        return self.mapping(node, path, frozenset())

    def mapping(self, node: MappingNode, path: Path, skip: frozenset[str]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first: dict[str, int] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            tag = key_node.tag
            if tag == _STR and isinstance(key_node, ScalarNode):  # most keys
                key = key_node.value
            elif tag == _MERGE and not self.json:
                merges.append(value_node)
                continue
            else:
                key = self.key(key_node)
            mark = key_node.start_mark
            line = mark.line + 1
            if key in first:
                self.fail(key_node, f"duplicate key {key!r} (first at line {first[key]})",
                          "merge the two mappings or rename one key")
            first[key] = line
            if key in skip:  # a merged-in key the mapping merging it also sets
                continue
            child = (*path, key)
            self.positions[child] = (line, mark.column + 1)
            if value_node.tag == _STR and type(value_node) is ScalarNode and not self.json:  # most values, as build
                self.nodes += 1  # takes them, without the call
                if self.nodes > self.limits.max_nodes:
                    raise _too_many(self.file, value_node.start_mark, self.limits)
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node, child)
        # YAML 1.1 merge keys, as SafeLoader reads them: the mapping's own keys win, then earlier merges.
        for value_node in merges:
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode) or source.tag != _MAP:
                    self.fail(source, "a merge (<<) takes a mapping or a list of mappings",
                              "merge an anchored mapping, e.g. <<: *defaults")
                self.merges += 1
                if self.merges > self.limits.max_depth:
                    self.fail(source, f"merges (<<) nest more than {self.limits.max_depth} levels deep",
                              "check for a mapping that merges itself")
                result.update(self.mapping(source, path, skip | result.keys()))
                self.merges -= 1
        return result

    def key(self, node: Node) -> str:
        if not isinstance(node, ScalarNode):
            found = "a list" if isinstance(node, SequenceNode) else "a mapping"
            self.fail(node, f"a key must be a string, not {found}", "write each field as 'name: value'")
        if node.tag == _STR:
            return node.value
        if (kind := _SCALAR_KINDS.get(node.tag)) is not None:
            self.fail(node, f"key {node.value or '(empty)'} is not a string (YAML reads it as {kind})",
                      f'quote the key: "{node.value}"')
        self.unsupported(node)

    def scalar(self, node: ScalarNode) -> Any:
        if self.json:
            # JSON's NaN, Infinity, numbers too large for a float and integers too long to convert are
            # plain scalars to YAML (style None from PyYAML, '' from libyaml): find them to locate them.
            if not node.style and (number := _JSON_NUMBER.fullmatch(node.value)):
                try:
                    _finite(node.value) if number["fraction"] else _integer(node.value)
                except _Refused as refused:
                    self.fail(node, *refused.args)
            elif not node.style and node.value.lstrip("-") in ("NaN", "Infinity"):
                self.fail(node, f"{node.value} is not a finite number", _FINITE_HINT)
            return None
        if node.tag == _STR:
            return node.value
        if (construct := _CONSTRUCT.get(node.tag)) is None:
            self.unsupported(node)
        try:
            value = construct(_CONSTRUCTOR, node)
        except ValueError as error:  # 2025-02-30, or an integer longer than Python converts to text
            if node.tag != _TAG + "int":
                self.fail(node, f"{_clip(node.value)} is not a valid date: {error}",
                          "write the date as YYYY-MM-DD, or quote it to keep it as text")
            self.fail(node, f"a number of {sum(c.isdigit() for c in node.value)} digits is too large", _LONG_HINT)
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(node, f"{_clip(node.value)} is not a finite number", _FINITE_HINT)
        return value

    def unsupported(self, node: Node) -> NoReturn:
        tag = node.tag.replace(_TAG, "!!")
        self.fail(node, f"unsupported tag {tag}", "remove the tag: a disclosure holds plain mappings, lists, "
                                                  "strings, numbers, booleans and dates")


def _clip(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:37]}..."


class _Refused(ValueError):
    """Something JSON's parser accepts and openwatt does not (duplicate keys, NaN)."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"duplicate key {key!r}", "merge the two mappings or rename one key")
            seen.add(key)
    return result


def _constant(name: str) -> NoReturn:
    raise _Refused(f"{name} is not a finite number", _FINITE_HINT)


def _finite(text: str) -> float:
    if not math.isfinite(number := float(text)):
        raise _Refused(f"{_clip(text)} is not a finite number", _FINITE_HINT)
    return number


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # over sys.get_int_max_str_digits(), Python's guard against slow conversions
        raise _Refused(f"a number of {len(text.lstrip('-'))} digits is too large", _LONG_HINT) from None


def _parse_json(text: str, file: str, limits: Limits) -> tuple[Any, dict[Path, tuple[int, int]]]:
    refused: _Refused | None = None
    try:
        data = json.loads(text, object_pairs_hook=_unique, parse_constant=_constant, parse_float=_finite,
                          parse_int=_integer)
    except json.JSONDecodeError as error:
        raise DocumentError(file, error.lineno, error.colno, error.msg[:1].lower() + error.msg[1:],
                            "check the commas, brackets and quotes just before this point") from None
    except _Refused as error:
        refused, data = error, None
    except RecursionError:
        raise DocumentError(file, 1, 1, "the document is nested too deeply",
                            "a disclosure is a few levels deep; check for unclosed brackets") from None
    # JSON is (almost) YAML: composing the same text gives the positions, and locates duplicate keys,
    # NaN and limit breaches, which raise from the builder. Text YAML cannot read (keys over 1024
    # characters) keeps only the root's position.
    builder = _Builder(file, limits, json=True)
    try:
        if (root := _loader(text, limits).get_single_node()) is not None:
            builder.build(root, ())
    except _TooManyNodes as error:
        raise error.refusal(file, limits) from None
    except yaml.YAMLError:
        builder.positions = {(): (1, 1)}
        _check_limits(data, file, limits)
    if refused is not None:
        raise DocumentError(file, 1, 1, *refused.args)
    return data, builder.positions


def _check_limits(data: Any, file: str, limits: Limits) -> None:
    pending, nodes = [(data, 1)], 0
    while pending:
        value, depth = pending.pop()
        nodes += 1
        container = isinstance(value, (dict, list))
        if (container and depth > limits.max_depth) or nodes > limits.max_nodes:
            raise DocumentError(file, 1, 1, "the document is larger or deeper than a disclosure can be",
                                f"the limits are {limits.max_nodes} values and {limits.max_depth} levels")
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        pending.extend((child, depth + 1) for child in children)

