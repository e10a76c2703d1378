"""Loading documents: data as SafeLoader reads it, a source map, limits, and located errors for bad files."""

from __future__ import annotations

import datetime
import hashlib
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml

from openwatt.documents import (
    DEFAULT_LIMITS, Document, DocumentError, Format, Limits, discover, format_path, load_document, parse_document,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
ALL_SAMPLES = sorted(SAMPLES.glob("**/*.yaml"))
AURORA = SAMPLES / "aurora-7b.yaml"
FJORD = SAMPLES / "malformed" / "fjord-2b-malformed.yaml"
DEPTH_HINT = "a disclosure is a few levels deep; check for unclosed brackets or an alias that contains itself"
FINITE_HINT = "write a finite number, or leave the field out"
HINT_START = 'a disclosure is a mapping of fields that starts with openwatt: "1.0"'


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    return value.isoformat() if isinstance(value, datetime.date) else value


# --- data and source map ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sample", ALL_SAMPLES, ids=lambda p: p.name)
def test_data_is_what_safe_load_gives(sample: Path) -> None:
    document = load_document(sample)
    assert document.data == yaml.safe_load(sample.read_text(encoding="utf-8"))
    assert document.file == str(sample)
    assert document.format == Format.YAML == "yaml"
    assert document.digest == hashlib.sha256(sample.read_bytes()).hexdigest()


@pytest.mark.parametrize("sample", ALL_SAMPLES, ids=lambda p: p.name)
def test_every_position_points_at_its_key_or_item(sample: Path) -> None:
    lines = sample.read_text(encoding="utf-8").splitlines()
    document = load_document(sample)
    assert document.positions[()] == (1, 1)
    for path, (line, column) in document.positions.items():
        if not path:
            continue
        text = lines[line - 1][column - 1:]
        if isinstance(path[-1], str):
            assert text.startswith(f"{path[-1]}:"), (path, line, column)
        else:  # a list item: the item itself, after its dash (a mapping item starts at its first key)
            assert lines[line - 1][column - 3:column - 1] == "- " or lines[line - 1][column - 2] in "[ ", path


@pytest.mark.parametrize(("sample", "path", "expected"), [
    (AURORA, ("openwatt",), (16, 1)),
    (AURORA, ("model",), (18, 1)),
    (AURORA, ("model", "parameters"), (27, 3)),
    (AURORA, ("components", 1), (68, 5)),
    (AURORA, ("components", 1, "kind"), (68, 5)),
    (AURORA, ("data", "sources", 2, "name"), (194, 7)),
    (AURORA, ("energy",), (213, 1)),
    (AURORA, ("energy", "training"), (214, 3)),
    (AURORA, ("energy", "training", "energy"), (215, 5)),
    (AURORA, ("energy", "training", "emissions"), (237, 5)),
    (AURORA, ("energy", "fine_tuning", "energy"), (242, 5)),
    (AURORA, ("model", "modalities", "input", 0), (43, 13)),
    (SAMPLES / "borealis-13b-open-weights.yaml", ("energy", "training", "energy"), (105, 5)),
    (SAMPLES / "cirrus-70b-custom-licence.yaml", ("energy", "training", "energy"), (123, 5)),
    (SAMPLES / "delta-3b-estimated.yaml", ("energy", "training", "energy"), (83, 5)),
    (SAMPLES / "ember-1b-no-energy.yaml", ("model", "id"), (12, 3)),
    (FJORD, ("model", "parameters"), (20, 3)),
    (FJORD, ("components", 0, "licence"), (27, 5)),
    (FJORD, ("components", 1, "kind"), (28, 5)),
    (FJORD, ("energy", "training", "energy"), (35, 5)),
    (FJORD, ("energy", "training", "hardware", 0, "count"), (40, 9)),
    (FJORD, ("energy", "training", "emissions"), (43, 5)),
])
def test_locate(sample: Path, path: tuple[str | int, ...], expected: tuple[int, int]) -> None:
    assert load_document(sample).locate(path) == (*expected, path)


def test_locate_falls_back_to_the_nearest_present_parent() -> None:
    document = load_document(AURORA)
    assert document.locate(("energy", "training", "water_intensity")) == (214, 3, ("energy", "training"))
    assert document.locate(["components", 99, "license"]) == (62, 1, ("components",))
    assert document.locate(("nowhere", "at", "all")) == (1, 1, ())
    assert document.locate(()) == (1, 1, ())


def test_scalars_resolve_as_safe_loader_resolves_them() -> None:
    text = ("openwatt: '1.0'\nint: 42\nhex: 0x1F\nsexagesimal: 1:30\nfloat: 6.91e+9\nsignless: 2.1e9\n"
            "yes: yes\noff: off\nnull: ~\nempty:\ndate: 2025-09-16\n"
            "stamp: 2025-09-16 10:30:00+02:00\nquoted: '2025-09-16'\nfolded: >-\n  one\n  two\n")
    # `yes`, `off` and `null` as keys are not strings; quote them for this test
    text = text.replace("yes: yes", "'yes': yes").replace("off: off", "'off': off").replace("null: ~", "'null': ~")
    document = parse_document(text.encode(), "scalars.yaml")
    assert document.data == yaml.safe_load(text)
    assert document.data["sexagesimal"] == 90 and document.data["signless"] == "2.1e9"
    assert document.data["date"] == datetime.date(2025, 9, 16)


def test_a_remembered_scalar_resolves_the_same_the_second_time_and_quoted() -> None:
    # Plain scalars' tags are remembered across documents; a quoted one is a string whatever it says.
    text = "openwatt: '1.0'\na: [true, 1:30, 2025-09-16, ~, 0x1F, 6.91e+9, public]\nb: ['true', \"1:30\", '~']\n"
    first, second = (parse_document(text.encode(), "scalars.yaml").data for _ in range(2))
    assert first == second == yaml.safe_load(text)
    assert second["b"] == ["true", "1:30", "~"]


def test_merge_keys_work_as_in_safe_loader() -> None:
    text = "base: &b {x: 1, y: 2}\nmore: &m {z: 3, y: 5}\nm:\n  <<: [*b, *m]\n  y: 3\n"
    document = parse_document(text.encode(), "merge.yaml")
    assert document.data == yaml.safe_load(text) == {**document.data, "m": {"x": 1, "y": 3, "z": 3}}
    assert document.positions[("m", "y")] == (5, 3)
    assert document.positions[("m", "x")] == (1, 11)  # where the merged value is written
    assert document.positions[("m", "z")] == (2, 11)


def test_aliases_repeat_positions_of_their_anchor() -> None:
    document = parse_document(b"a: &x {k: 1}\nb: *x\n", "alias.yaml")
    assert document.data == {"a": {"k": 1}, "b": {"k": 1}}
    assert document.data["a"] is not document.data["b"]
    assert document.locate(("b", "k")) == (1, 8, ("b", "k"))


def test_json_and_yaml_give_the_same_data_and_paths(tmp_path: Path) -> None:
    yaml_document = load_document(AURORA)
    target = tmp_path / "aurora-7b.json"
    target.write_text(json.dumps(jsonable(yaml_document.data), indent=2, ensure_ascii=False), encoding="utf-8")
    json_document = load_document(target)
    assert json_document.format == Format.JSON
    assert json_document.data == jsonable(yaml_document.data)
    assert json_document.positions.keys() == yaml_document.positions.keys()
    assert json_document.locate(("model", "id")) == (4, 5, ("model", "id"))


def test_json_numbers_python_reads_are_kept() -> None:
    raw = b'{"big": ' + b"9" * 400 + b', "small": -0.0, "e": 1E+2, "s": "NaN"}'
    assert parse_document(raw, "n.json").data == {"big": int("9" * 400), "small": -0.0, "e": 100.0, "s": "NaN"}


def test_json_positions() -> None:
    raw = b'{\n  "openwatt": "1.0",\n  "model": {"id": "x", "distribution": ["a", "b"]}\n}\n'
    document = parse_document(raw, "d.json")
    assert document.positions == {(): (1, 1), ("openwatt",): (2, 3), ("model",): (3, 3), ("model", "id"): (3, 13),
                                  ("model", "distribution"): (3, 24), ("model", "distribution", 0): (3, 41),
                                  ("model", "distribution", 1): (3, 46)}


def test_json_that_yaml_cannot_read_keeps_the_root_position() -> None:
    key = "k" * 2000  # YAML's implicit keys stop at 1024 characters; JSON's do not
    document = parse_document(json.dumps({key: 1, "b": [1]}).encode(), "long.json")
    assert document.data == {key: 1, "b": [1]}
    assert document.positions == {(): (1, 1)}


def test_format_can_be_given() -> None:
    assert parse_document(b'{"a": 1}', "stdin", format="json").format == Format.JSON
    assert parse_document(b'{"a": 1}', "stdin").format == Format.YAML


def test_a_byte_order_mark_is_dropped() -> None:
    assert parse_document(b"\xef\xbb\xbfa: 1\n", "bom.yaml").data == {"a": 1}


def test_documents_and_errors_pickle() -> None:
    document = load_document(AURORA)
    assert pickle.loads(pickle.dumps(document)) == document
    error = DocumentError("x.yaml", 4, 3, "duplicate key 'energy' (first at line 2)", "merge them")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.file, copy.line, copy.column, copy.message, copy.hint) == (
        "x.yaml", 4, 3, "duplicate key 'energy' (first at line 2)", "merge them")
    assert str(copy) == "x.yaml:4:3: duplicate key 'energy' (first at line 2)"


def test_format_path() -> None:
    assert format_path(("components", 1, "kind")) == "components[1].kind"
    assert format_path(("energy", "training", "energy")) == "energy.training.energy"
    assert format_path(("a b", 'q"', 0)) == '["a b"]["q\\""][0]'
    assert format_path(()) == ""


# --- hostile and broken input ----------------------------------------------------------------------------

BOMB = b"a: &a [x,x,x,x,x,x,x,x,x,x]\n" + b"".join(
    b"%c: &%c [%s]\n" % (name, name, b",".join([b"*" + bytes([name - 1])] * 10)) for name in b"bcdefg")

HOSTILE: list[tuple[str, bytes, str, str | None]] = [
    ("latin1.yaml", "openwatt: '1.0'\nname: café\n".encode("latin-1"),
     "latin1.yaml:2:10: the file is not UTF-8: byte 0xe9 at offset 25", "save the file as UTF-8"),
    ("utf16.yaml", "openwatt: '1.0'\n".encode("utf-16"),
     "utf16.yaml:1:1: the file is UTF-16, not UTF-8", "save the file as UTF-8"),
    ("binary.yaml", b"a: 1\nb: \x00\x01\x02",
     "binary.yaml:2:4: the file is binary: a NUL byte at offset 8", "a disclosure is a YAML or JSON text file"),
    ("empty.yaml", b"", "empty.yaml:1:1: the file is empty", HINT_START),
    ("blank.yaml", b"\n   \n", "blank.yaml:1:1: the file is empty", HINT_START),
    ("comments.yaml", b"# nothing yet\n", "comments.yaml:1:1: the file holds only comments", HINT_START),
    ("two.yaml", b"openwatt: '1.0'\n---\nopenwatt: '1.0'\n",
     "two.yaml:2:1: the file holds more than one YAML document",
     "a disclosure is one document: remove the '---' line, or split the file"),
    ("syntax.yaml", b"model:\n  id: a: b\n", "syntax.yaml:2:8: mapping values are not allowed here",
     "quote a value that contains ': ', or check this line's indentation"),
    ("tabs.yaml", b"model:\n\tid: x\n", "tabs.yaml:2:1: found character '\\t' that cannot start any token",
     "indent with spaces: YAML does not allow tabs for indentation"),
    ("quote.yaml", b"model:\n  id: 'x\n", "quote.yaml:3:1: found unexpected end of stream "
     "(while scanning a quoted scalar at line 2)", "close the quote or bracket that is still open"),
    ("indent.yaml", b"model:\n  id: x\n name: y\n",
     "indent.yaml:3:2: expected <block end>, but found '<block mapping start>' (while parsing a block mapping "
     "at line 1)", "line up the keys of one mapping, and the items of one list, at one indentation"),
    ("alias.yaml", b"a: *nowhere\n", "alias.yaml:1:4: found undefined alias 'nowhere'",
     "define the anchor (&name) before the alias (*name) that repeats it"),
    ("control.yaml", b"a: b\x07\n", "control.yaml:1:5: character U+0007 is not allowed in YAML",
     "remove the control character, or write it as an escape in a quoted string"),
    ("dup.yaml", b"openwatt: '1.0'\nenergy: {}\nmodel:\n  id: x\nenergy: {}\n",
     "dup.yaml:5:1: duplicate key 'energy' (first at line 2)", "merge the two mappings or rename one key"),
    ("dupnested.yaml", b"model:\n  id: x\n  id: y\n", "dupnested.yaml:3:3: duplicate key 'id' (first at line 2)",
     "merge the two mappings or rename one key"),
    ("bomb.yaml", BOMB, "bomb.yaml:1:26: the document has more than 100000 values once aliases are expanded",
     "a disclosure has a few hundred values; use fewer aliases (*name)"),
    ("loop.yaml", b"a: &x [*x]\n", "loop.yaml:1:4: the document is nested more than 64 levels deep",
     DEPTH_HINT),
    ("mergeloop.yaml", b"a: &x {<<: *x}\n", "mergeloop.yaml:1:4: merges (<<) nest more than 64 levels deep",
     "check for a mapping that merges itself"),
    ("badmerge.yaml", b"a: {<<: 1}\n", "badmerge.yaml:1:9: a merge (<<) takes a mapping or a list of mappings",
     "merge an anchored mapping, e.g. <<: *defaults"),
    ("deep.yaml", b"a: " + b"[" * 65 + b"]" * 65 + b"\n",
     "deep.yaml:1:67: the document is nested more than 64 levels deep",
     DEPTH_HINT),
    ("deeper.yaml", b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "deeper.yaml:1:1003: the document is nested "
     "too deeply", "a disclosure is a few levels deep; check for unclosed brackets"),
    ("list.yaml", b"- openwatt: '1.0'\n",
     "list.yaml:1:1: a disclosure is a mapping at the top level; found a list", HINT_START),
    ("scalar.yaml", b"openwatt\n",
     "scalar.yaml:1:1: a disclosure is a mapping at the top level; found a string", HINT_START),
    ("null.yaml", b"~\n", "null.yaml:1:1: a disclosure is a mapping at the top level; found null", HINT_START),
    ("bool.yaml", b"yes\n", "bool.yaml:1:1: a disclosure is a mapping at the top level; found true or false",
     HINT_START),
    ("intkey.yaml", b"openwatt: '1.0'\n1: x\n", "intkey.yaml:2:1: key 1 is not a string (YAML reads it as "
     "a number)", 'quote the key: "1"'),
    ("boolkey.yaml", b"model:\n  on: x\n", "boolkey.yaml:2:3: key on is not a string (YAML reads it as "
     "true or false)", 'quote the key: "on"'),
    ("datekey.yaml", b"2025-01-01: x\n", "datekey.yaml:1:1: key 2025-01-01 is not a string (YAML reads it as "
     "a date)", 'quote the key: "2025-01-01"'),
    ("listkey.yaml", b"? [a, b]\n: x\n", "listkey.yaml:1:3: a key must be a string, not a list",
     "write each field as 'name: value'"),
    ("tag.yaml", b"a: !python/object x\n", "tag.yaml:1:4: unsupported tag !python/object",
     "remove the tag: a disclosure holds plain mappings, lists, strings, numbers, booleans and dates"),
    ("set.yaml", b"a: !!set {x, y}\n", "set.yaml:1:4: unsupported tag !!set",
     "remove the tag: a disclosure holds plain mappings, lists, strings, numbers, booleans and dates"),
    ("nan.yaml", b"a: .nan\n", "nan.yaml:1:4: .nan is not a finite number",
     "write a finite number, or leave the field out"),
    ("longint.yaml", b"a:\n  b: " + b"9" * 5000 + b"\n", "longint.yaml:2:6: a number of 5000 digits is too large",
     "write it with an exponent, e.g. 1.5e+30, or quote it to keep it as text"),
    ("baddate.yaml", b"model:\n  release_date: 2025-02-30\n", "baddate.yaml:2:17: 2025-02-30 is not a valid date: "
     "day is out of range for month", "write the date as YYYY-MM-DD, or quote it to keep it as text"),
    ("dup.json", b'{"openwatt": "1.0",\n "openwatt": "1.0"}',
     "dup.json:2:2: duplicate key 'openwatt' (first at line 1)", "merge the two mappings or rename one key"),
    ("nan.json", b'{"a": 1,\n "b": NaN}', "nan.json:2:7: NaN is not a finite number", FINITE_HINT),
    ("inf.json", b'{"a": [-Infinity]}', "inf.json:1:8: -Infinity is not a finite number", FINITE_HINT),
    ("huge.json", b'{"a": 1e999}', "huge.json:1:7: 1e999 is not a finite number", FINITE_HINT),
    ("longint.json", b'{"a": [1, -' + b"9" * 5000 + b']}', "longint.json:1:11: a number of 5000 digits is too large",
     "write it with an exponent, e.g. 1.5e+30, or quote it to keep it as text"),
    ("syntax.json", b'{"a": 1,\n "b" 2}', "syntax.json:2:6: expecting ':' delimiter",
     "check the commas, brackets and quotes just before this point"),
    ("trailing.json", b'{"a": 1,}', "trailing.json:1:9: expecting property name enclosed in double quotes",
     "check the commas, brackets and quotes just before this point"),
    ("list.json", b"[1, 2]", "list.json:1:1: a disclosure is a mapping at the top level; found a list", HINT_START),
]


@pytest.mark.parametrize(("name", "raw", "rendered", "hint"), HOSTILE, ids=[case[0] for case in HOSTILE])
def test_hostile_input(tmp_path: Path, name: str, raw: bytes, rendered: str, hint: str | None) -> None:
    (tmp_path / name).write_bytes(raw)
    with pytest.raises(DocumentError) as caught:
        load_document(tmp_path / name)
    error = caught.value
    assert str(error) == f"{tmp_path}/{rendered}"
    assert error.hint == hint


def test_json_nan_without_a_yaml_reading_is_reported_at_the_start() -> None:
    raw = b'{"' + b"k" * 2000 + b'": NaN}'
    with pytest.raises(DocumentError) as caught:
        parse_document(raw, "nan.json")
    assert str(caught.value) == "nan.json:1:1: NaN is not a finite number"


def test_size_limit(tmp_path: Path) -> None:
    target = tmp_path / "big.yaml"
    target.write_bytes(b"openwatt: '1.0'\n" + b"# padding\n" * 10)
    limits = Limits(max_bytes=100)
    with pytest.raises(DocumentError) as caught:
        load_document(target, limits=limits)
    assert str(caught.value) == f"{target}: the file is 116 bytes; the limit is 100"
    assert caught.value.hint == "a disclosure is a few tens of KiB; check that this is the right file"
    with pytest.raises(DocumentError):
        parse_document(target.read_bytes(), str(target), limits=limits)
    assert DEFAULT_LIMITS == Limits(10 * 1024 * 1024, 64, 100_000)


def test_node_and_depth_limits_are_configurable() -> None:
    raw = b"a: [1, 2, 3]\nb: {c: {d: 1}}\n"
    assert parse_document(raw, "ok.yaml", limits=Limits(max_nodes=8, max_depth=3)).data["b"] == {"c": {"d": 1}}
    with pytest.raises(DocumentError) as caught:
        parse_document(raw, "n.yaml", limits=Limits(max_nodes=7))
    assert str(caught.value) == "n.yaml:2:12: the document has more than 7 values once aliases are expanded"
    with pytest.raises(DocumentError) as caught:
        parse_document(raw, "d.yaml", limits=Limits(max_depth=2))
    assert str(caught.value) == "d.yaml:2:8: the document is nested more than 2 levels deep"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        load_document(tmp_path / "nope.yaml")
    assert str(caught.value) == f"{tmp_path}/nope.yaml: no such file or directory"
    with pytest.raises(DocumentError) as caught:
        load_document(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory, not a file"


# --- discovery -------------------------------------------------------------------------------------------

def test_discover(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.json", "sub/c.yml", "sub/deeper/d.YAML", "sub-x.yaml", "notes.txt",
                 ".hidden.yaml", ".git/e.yaml", "sub/.cache/f.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a: 1\n")
    found = discover([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.json", "b.yaml", "sub/c.yml", "sub/deeper/d.YAML", "sub-x.yaml"]
    # files as given and in the order given, even without a known suffix; repeats listed once
    given = discover([tmp_path / "notes.txt", str(tmp_path / "sub"), tmp_path / "sub" / "c.yml"])
    assert [p.relative_to(tmp_path).as_posix() for p in given] == ["notes.txt", "sub/c.yml", "sub/deeper/d.YAML"]
    assert discover([tmp_path]) == found


def test_discover_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        discover([tmp_path / "missing"])
    assert str(caught.value) == f"{tmp_path}/missing: no such file or directory"
    assert caught.value.hint == "check the path; give disclosure files or directories that hold them"


def test_discover_samples() -> None:
    assert discover([SAMPLES]) == sorted(ALL_SAMPLES) and isinstance(discover([SAMPLES])[0], Path)


def test_document_is_frozen() -> None:
    document = load_document(AURORA)
    with pytest.raises(AttributeError):
        document.data = {}  # type: ignore[misc]
    assert isinstance(document, Document)


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_a_large_file_nested_hundreds_deep_is_refused_not_a_recursion_error(suffix: str) -> None:
    # Over 200,001 characters, so the counting composer reads it; 400 levels of lists.
    text = '{"openwatt": "1.0", "padding": "' + "x" * 210_000 + '", "deep": ' + "[" * 400 + "]" * 400 + "}\n"
    with pytest.raises(DocumentError) as caught:
        parse_document(text.encode(), f"deep.{suffix}")
    error = caught.value
    assert (error.line, error.message, error.hint) == (1, "the document is nested more than 64 levels deep",
                                                        DEPTH_HINT)
