"""The on-disk cache of parsed policies: hits skip Lark, and a bad cache never changes an answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from openwatt.language.cache import parse_policy_cached
from openwatt.language.errors import PolicyErrors
from openwatt.language.parser import parse_policy

SOURCE = 'policy p\ntitle "t"\nversion "1"\nrule r {\n  title "r"\n  severity info\n  require model.id exists\n}\n'


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENWATT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("OPENWATT_NO_CACHE", raising=False)
    return tmp_path


def test_a_hit_gives_the_same_tree(cache: Path) -> None:
    first = parse_policy_cached(SOURCE, "p.policy")
    [entry] = cache.glob("*.ast")
    assert parse_policy_cached(SOURCE, "p.policy") == first == parse_policy(SOURCE, "p.policy")
    assert list(cache.glob("*.ast")) == [entry]


def test_the_file_name_is_part_of_the_key(cache: Path) -> None:
    parse_policy_cached(SOURCE, "p.policy")
    tree = parse_policy_cached(SOURCE, "other/p.policy")
    assert tree.span.file == "other/p.policy"
    assert len(list(cache.glob("*.ast"))) == 2


def test_a_corrupt_entry_is_parsed_again(cache: Path) -> None:
    parse_policy_cached(SOURCE, "p.policy")
    [entry] = cache.glob("*.ast")
    entry.write_bytes(b"not a pickle")
    assert parse_policy_cached(SOURCE, "p.policy") == parse_policy(SOURCE, "p.policy")


def test_a_broken_policy_is_not_cached(cache: Path) -> None:
    with pytest.raises(PolicyErrors):
        parse_policy_cached(SOURCE.replace("severity info", "severity eror"), "p.policy")
    assert list(cache.glob("*.ast")) == []


def test_caching_can_be_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENWATT_NO_CACHE", "1")
    parse_policy_cached(SOURCE, "p.policy")
    assert list(cache.glob("*.ast")) == []


def test_an_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("OPENWATT_CACHE_DIR", str(blocker / "cache"))  # a folder under a file
    assert parse_policy_cached(SOURCE, "p.policy") == parse_policy(SOURCE, "p.policy")


def test_a_warm_check_does_not_import_lark(cache: Path) -> None:
    code = ("import sys; from openwatt.checking import Engine; Engine().policy('recommended'); "
            "print('lark' in sys.modules)")
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (cold.stdout, warm.stdout) == ("True\n", "False\n")


def test_old_entries_are_evicted(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("openwatt.language.cache._KEEP", 2)
    for i in range(4):
        parse_policy_cached(SOURCE, f"p{i}.policy")
    assert len(list(cache.glob("*.ast"))) == 2
