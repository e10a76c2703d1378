"""Import chains and many imports: a located error past MAX_IMPORT_DEPTH, never a RecursionError; the search path
listed once per loader, so that many imports take linear time; special files and link loops as policy files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from openwatt.language.errors import PolicyErrors, render_errors
from openwatt.language.loader import MAX_IMPORT_DEPTH, PolicyLoader

ROOT = Path(__file__).resolve().parents[2]
RULE = 'rule r {\n  title "Named"\n  severity error\n  require model.id exists\n}\n'
HINT = "import the policies you need side by side in one policy, not each through the one before"


def _policy(folder: Path, policy_id: str, imports: list[str], rule: bool = False) -> Path:
    path = folder / f"{policy_id}.policy"
    lines = [f"policy {policy_id}", f'title "{policy_id}"', 'version "1.0"', "", *(f"import {i}" for i in imports)]
    path.write_text("\n".join(lines) + "\n" + (RULE if rule else ""), encoding="utf-8")
    return path


def _chain(folder: Path, length: int) -> Path:
    """p0 imports p1, which imports p2, … up to p{length-1}: `length` policies on one chain."""
    for i in range(length):
        _policy(folder, f"p{i}", [f"p{i + 1}"] if i + 1 < length else [], rule=i + 1 == length)
    return folder / "p0.policy"


def _errors(path: Path, **options: object) -> PolicyErrors:
    with pytest.raises(PolicyErrors) as caught:
        PolicyLoader(**options).load(path)  # type: ignore[arg-type]
    return caught.value


def test_a_chain_of_the_limit_compiles(tmp_path: Path) -> None:
    policy = PolicyLoader().load(_chain(tmp_path, MAX_IMPORT_DEPTH))
    assert [r.id for r in policy.rules] == ["p49/r"]


def test_a_500_deep_chain_is_a_located_error_not_a_recursion_error(tmp_path: Path) -> None:
    [error] = _errors(_chain(tmp_path, 500)).errors
    assert (error.code, error.span.file, error.span.line, error.hint) == ("OW038", f"{tmp_path}/p49.policy", 5, HINT)
    assert error.message == f"imports nested more than {MAX_IMPORT_DEPTH} deep: p0 -> p1 -> p2 -> … -> p49 -> p50"


def test_the_longest_chain_counts_even_when_the_reading_went_shallow(tmp_path: Path) -> None:
    # p0 imports p60 … p1 (p60 first), and each p{i} imports p{i+1}: read from p0, every policy is one import
    # away, but compiling p1 needs p2 first, and so on: a chain of 61.
    for i in range(1, 61):
        _policy(tmp_path, f"p{i}", [f"p{i + 1}"] if i < 60 else [], rule=i == 60)
    root = _policy(tmp_path, "p0", [f"p{i}" for i in range(60, 0, -1)])
    [error] = _errors(root).errors
    assert error.code == "OW038" and error.message.endswith("-> p49 -> p50")
    assert (error.span.file, error.span.line) == (f"{tmp_path}/p49.policy", 5)


def test_a_deep_chain_through_the_command_line_exits_2_without_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "openwatt", "check", "-p", str(_chain(tmp_path, 500)),
                             str(ROOT / "samples" / "aurora-7b.yaml")], capture_output=True, text=True,
                            timeout=300, cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "OW038 imports nested more than 50 deep" in result.stderr


def test_the_search_path_is_listed_once_per_loader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Listing it per import made 2,000 imports take 16 s: each import listed 2,000 files.
    for i in range(200):
        _policy(tmp_path, f"leaf{i}", [], rule=True)
    root = _policy(tmp_path, "wide", [f"leaf{i}" for i in range(200)])
    listed: list[Path] = []
    glob = Path.glob

    def counting(self: Path, pattern: str) -> Iterator[Path]:
        if pattern.endswith(".policy"):  # not the parse cache's own listing
            listed.append(self)
        return glob(self, pattern)

    monkeypatch.setattr(Path, "glob", counting)
    loader = PolicyLoader()
    assert len(loader.load(root).rules) == 200
    assert len(listed) == len(loader.search_path)  # each folder once
    loader.load(root)
    assert len(listed) == len(loader.search_path)  # and not again for the next policy


class _Hung(Exception):
    pass


def _hung(signum: int, frame: FrameType | None) -> None:
    raise _Hung


def test_a_named_pipe_as_a_policy_file_is_refused_without_waiting(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.policy"
    os.mkfifo(pipe)
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(20)  # a regression fails here instead of hanging the suite
    try:
        errors = _errors(pipe)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert render_errors(errors) == (f"{pipe}: OW050 cannot read policy file: it is a named pipe, not a regular "
                                     "file\n    hint: give the path of a .policy file")


def test_a_loop_of_symbolic_links_is_a_policy_error(tmp_path: Path) -> None:
    (tmp_path / "a.policy").symlink_to("b.policy")
    (tmp_path / "b.policy").symlink_to("a.policy")
    [error] = _errors(tmp_path / "a.policy").errors
    assert (error.code, error.message) == ("OW050", "cannot read policy file: Too many levels of symbolic links")
    root = _policy(tmp_path, "root", ["a"])  # found on the search path, by id
    [error] = _errors(root).errors
    assert (error.code, error.message) == ("OW050", "cannot read policy file: Too many levels of symbolic links")
