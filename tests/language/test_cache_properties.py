"""Property tests of the policy cache: every shipped tree round-trips, and no bytes as an entry change an answer.

Fast by default; OPENWATT_FUZZ_EXAMPLES=2000 (say) runs longer (one profile, in tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openwatt.language import cache as cache_module
from openwatt.language import cache_folder
from openwatt.language.ast import PolicyFile
from openwatt.language.cache import parse_policy_cached
from openwatt.language.parser import parse_policy
from openwatt.language.serial import Codec, SerialError

POLICIES = sorted((Path(__file__).parents[2] / "policies").glob("*.policy"))
FUZZ = settings()  # the shared profile of tests/conftest.py (OPENWATT_FUZZ_EXAMPLES)


@functools.cache
def parsed(path: Path) -> tuple[str, PolicyFile]:
    source = path.read_text(encoding="utf-8")
    return source, parse_policy(source, path.name)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENWATT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OPENWATT_NO_CACHE", raising=False)
    return tmp_path / "cache"


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.stem)
def test_every_shipped_tree_round_trips(path: Path) -> None:
    _, tree = parsed(path)
    assert cache_folder._CODEC.loads(cache_folder._CODEC.dumps(tree)) == tree


def _entry(cache: Path, path: Path) -> tuple[Path, bytes, str, PolicyFile]:
    source, tree = parsed(path)
    parse_policy_cached(source, path.name)
    entry = cache / cache_folder.entry_name("policy", cache_module.policy_key(source, path.name))
    return entry, entry.read_bytes(), source, tree


@FUZZ
@given(path=st.sampled_from(POLICIES), data=st.data())
def test_a_damaged_entry_never_changes_the_tree(cache: Path, path: Path, data: st.DataObject) -> None:
    entry, genuine, source, tree = _entry(cache, path)
    damage = data.draw(st.sampled_from(["flip", "truncate", "replace", "splice"]))
    if damage == "flip":
        at = data.draw(st.integers(0, len(genuine) - 1))
        bit = data.draw(st.integers(0, 7))
        planted = genuine[:at] + bytes([genuine[at] ^ (1 << bit)]) + genuine[at + 1:]
    elif damage == "truncate":
        planted = genuine[:data.draw(st.integers(0, len(genuine) - 1))]
    elif damage == "replace":
        planted = data.draw(st.binary(max_size=2000))
    else:  # the genuine header over other bytes: the digest no longer matches
        header = genuine.partition(b"\n")[0] + b"\n"
        planted = header + data.draw(st.binary(max_size=2000))
    entry.write_bytes(planted)
    assert parse_policy_cached(source, path.name) == tree


@FUZZ
@given(payload=st.binary(max_size=4000))
def test_random_bytes_as_an_entry_are_parsed_again(cache: Path, payload: bytes) -> None:
    entry, genuine, source, tree = _entry(cache, POLICIES[0])
    entry.write_bytes(payload)
    assert parse_policy_cached(POLICIES[0].read_text(encoding="utf-8"), POLICIES[0].name) == tree


PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.dates(),
    lambda inner: (st.lists(inner, max_size=4).map(tuple) | st.lists(inner, max_size=4)
                   | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4)),
    max_leaves=30,
)


@FUZZ
@given(value=PLAIN)
def test_plain_data_round_trips(value: object) -> None:
    codec = Codec(())
    assert codec.loads(codec.dumps(value)) == value
    assert repr(codec.loads(codec.dumps(value))) == repr(value)  # tuples stay tuples, lists lists


@FUZZ
@given(raw=st.binary(max_size=500) | st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_reading_any_bytes_gives_a_value_or_a_serial_error(raw: bytes) -> None:
    try:
        cache_folder._CODEC.loads(raw)
    except SerialError:
        pass


def test_a_date_is_not_confused_with_its_text() -> None:
    codec = Codec(())
    assert codec.loads(codec.dumps((dt.date(2025, 8, 2), "2025-08-02"))) == (dt.date(2025, 8, 2), "2025-08-02")


class Kind(enum.StrEnum):
    ALL = "all"


class Other(enum.StrEnum):
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Node:
    kind: Kind
    text: str


def test_a_str_enum_comes_back_as_its_enum_not_as_text() -> None:
    codec = Codec((Kind, Node))
    back = codec.loads(codec.dumps(Node(kind=Kind.ALL, text="all")))
    assert back == Node(kind=Kind.ALL, text="all")
    assert (type(back.kind), type(back.text)) == (Kind, str)


@pytest.mark.parametrize(("raw", "message"), [
    (b'{"@":"PolicyFile","span":null}', "unknown class 'PolicyFile'"),
    (b'{"@":"Node","kind":{"@enum":"Kind","value":"any"}}', "'any' is not a Kind"),
    (b'{"@":"Node","kind":{"@enum":"Kind","value":"all"}}', "the fields of Node do not match"),
    (b'{"@enum":"Other","value":"all"}', "unknown enum 'Other'"),
    (b'{"@date":"2025-02-30"}', "'2025-02-30' is not a date"),
    (b'{"@dict":[[[],1]]}', "a dict key that cannot be one"),
    (b'{"x":1}', "unknown tag 'x'"),
    (b'[' * 100000, "nested too deeply to read"),
    (b'\xff', "not JSON: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
])
def test_what_the_codec_did_not_write_is_refused(raw: bytes, message: str) -> None:
    with pytest.raises(SerialError) as caught:
        Codec((Kind, Node)).loads(raw)
    assert str(caught.value) == message


def test_an_unregistered_value_is_not_written() -> None:
    with pytest.raises(SerialError, match="^enum Other is not registered$"):
        Codec((Kind, Node)).dumps(Other.ALL)
    with pytest.raises(SerialError, match="^cannot write a set$"):
        Codec(()).dumps({1})
