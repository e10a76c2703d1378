"""Any exception no command expected ends as exit 2 ("could not check") with a short message, never a
traceback and never exit 1 ("findings failed") (docs/security.md, "Trust in what is applied")."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from openwatt.version import __version__

if TYPE_CHECKING:
    from conftest import Openwatt

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "glacier-1b.yaml"


@pytest.mark.parametrize("error", [RuntimeError("boom"), RecursionError("maximum recursion depth exceeded"),
                                   KeyError("x"), ValueError("\x1b[2Jcleared")])
def test_an_unexpected_exception_is_exit_2_without_a_traceback(error: Exception, openwatt: Openwatt,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("openwatt.checking.Engine.stream", broken)
    monkeypatch.delenv("OPENWATT_TRACEBACK", raising=False)
    result = openwatt("check", str(SAMPLE))
    what = f"{type(error).__name__}: {error}".replace("\x1b", "\\x1b")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"openwatt: internal error: {what}\n"
        f"    nothing was concluded (exit 2). This is a bug in openwatt {__version__}: please report it with the "
        "command you ran and, if you can, the input; OPENWATT_TRACEBACK=1 shows the traceback\n")


def test_running_out_of_memory_is_exit_2_with_what_to_do(openwatt: Openwatt,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise MemoryError()

    monkeypatch.setattr("openwatt.checking.Engine.stream", broken)
    result = openwatt("check", str(SAMPLE))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "openwatt: error: out of memory: the inputs' findings do not fit in memory for one report\n"
        "    hint: check fewer inputs at a time (a folder per run), or write --format json to a file\n")


def test_the_traceback_is_there_when_asked_for(openwatt: Openwatt, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("openwatt.checking.Engine.stream", broken)
    result = openwatt("check", str(SAMPLE), env={"OPENWATT_TRACEBACK": "1"})
    assert result.returncode == 2
    assert "Traceback (most recent call last):" in result.stderr and result.stderr.endswith("RuntimeError: boom\n")
