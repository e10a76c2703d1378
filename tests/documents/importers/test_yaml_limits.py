"""What the importers need from the loader: reading, decoding and YAML fragments within limits, and node
counting while composing, so that a wide file under the size limit is refused early."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from openwatt.documents import Limits, load_document, parse_document
from openwatt.documents.loading import decode_text, parse_yaml, read_file

from conftest import SAMPLES, error_of

AURORA = SAMPLES / "aurora-7b.yaml"


def test_read_file_and_decode_text(tmp_path: Path) -> None:
    target = tmp_path / "x.yaml"
    target.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_file(target) == b"\xef\xbb\xbfa: 1\n"
    assert decode_text(read_file(target), str(target)) == "a: 1\n"  # a UTF-8 byte-order mark is dropped
    assert error_of(read_file, target, limits=Limits(max_bytes=4)) == (
        f"{target}: the file is 8 bytes; the limit is 4\n"
        "a disclosure is a few tens of KiB; check that this is the right file")
    assert error_of(decode_text, b"abcdef", "x", limits=Limits(max_bytes=4)) == (
        "x: the file is 6 bytes; the limit is 4\n"
        "a disclosure is a few tens of KiB; check that this is the right file")


@pytest.mark.parametrize("raw", ["openwatt: '1.0'\n".encode("utf-32-le"), "openwatt: '1.0'\n".encode("utf-32"),
                                 b"\x00\x00\xfe\xff" + "openwatt: '1.0'\n".encode("utf-32-be")])
def test_utf32_is_named(raw: bytes) -> None:
    if not raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raw = b"\xff\xfe\x00\x00" + raw
    assert error_of(decode_text, raw, "x.yaml") == "x.yaml:1:1: the file is UTF-32, not UTF-8\nsave the file as UTF-8"


def test_parse_yaml_takes_any_shape() -> None:
    assert parse_yaml("- a\n- b\n", "x") == (["a", "b"], {(): (1, 1), (0,): (1, 3), (1,): (2, 3)})
    assert parse_yaml("# only a comment\n", "x") == (None, {(): (1, 1)})
    assert parse_yaml("\n\nkey: 1\n", "x") == ({"key": 1}, {(): (1, 1), ("key",): (3, 1)})
    assert error_of(parse_yaml, "a: 1\na: 2\n", "x") == ("x:2:1: duplicate key 'a' (first at line 1)\n"
                                                         "merge the two mappings or rename one key")


def test_counting_composer_reads_what_libyaml_reads() -> None:
    # Limits small enough that aurora-7b.yaml is longer than the node cap: the counting composer reads it.
    raw = AURORA.read_bytes()
    limits = Limits(max_nodes=2000)
    assert len(raw) > 2 * limits.max_nodes + 1
    counted, fast = parse_document(raw, str(AURORA), limits=limits), load_document(AURORA)
    assert counted.data == fast.data == yaml.safe_load(raw)
    assert counted.positions == fast.positions


def test_counting_composer_stops_early() -> None:
    raw = b"openwatt: '1.0'\nmodel:\n  distribution: [" + b"x," * 300 + b"x]\n"
    assert error_of(parse_document, raw, "wide.yaml", limits=Limits(max_nodes=100)) == (
        "wide.yaml:3:406: the document has more than 100 values once aliases are expanded\n"
        "a disclosure has a few hundred values; use fewer aliases (*name)")
    json_raw = b'{"openwatt": "1.0", "model": {"distribution": [' + b'"x", ' * 300 + b'"x"]}}'
    assert error_of(parse_document, json_raw, "wide.json", limits=Limits(max_nodes=100)).startswith(
        "wide.json:1:")


def test_counting_composer_keeps_syntax_errors_and_documents() -> None:
    limits = Limits(max_nodes=10)
    long_text = b"a: 1\n" + b"# padding\n" * 10
    assert error_of(parse_document, long_text + b"b: [1\n", "s.yaml", limits=limits).startswith("s.yaml:")
    assert error_of(parse_document, long_text + b"---\nb: 2\n", "d.yaml", limits=limits) == (
        "d.yaml:12:1: the file holds more than one YAML document\n"
        "a disclosure is one document: remove the '---' line, or split the file")
    assert error_of(parse_document, long_text + b"b: !!binary aGk=\n", "t.yaml", limits=limits) == (
        "t.yaml:12:4: unsupported tag !!binary\n"
        "remove the tag: a disclosure holds plain mappings, lists, strings, numbers, booleans and dates")
