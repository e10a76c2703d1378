"""`openwatt policy fmt [--check]`: rewrites in place, or lists what would change (exit 1), like black."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Openwatt


FMT = Path(__file__).resolve().parents[1] / "language" / "fmt"
ROOT = Path(__file__).resolve().parents[2]


def _copy(tmp_path: Path) -> None:
    shutil.copy(FMT / "layout.policy", tmp_path / "layout.policy")
    shutil.copy(FMT / "imports.policy.formatted", tmp_path / "imports.policy")


def test_check_lists_the_files_that_would_change_and_changes_nothing(openwatt: Openwatt, tmp_path: Path) -> None:
    _copy(tmp_path)
    before = (tmp_path / "layout.policy").read_text(encoding="utf-8")
    result = openwatt("policy", "fmt", "--check", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "would reformat layout.policy\n"
        "1 file would be reformatted, 1 already formatted\n", "")
    assert (tmp_path / "layout.policy").read_text(encoding="utf-8") == before


def test_fmt_rewrites_in_place_then_check_is_clean(openwatt: Openwatt, tmp_path: Path) -> None:
    _copy(tmp_path)
    result = openwatt("policy", "fmt", "layout.policy", "imports.policy", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "reformatted layout.policy\n1 file reformatted, 1 already formatted\n")
    assert (tmp_path / "layout.policy").read_text(encoding="utf-8") == \
        (FMT / "layout.policy.formatted").read_text(encoding="utf-8")
    result = openwatt("policy", "fmt", "--check", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "0 files would be reformatted, 2 already formatted\n")


def test_the_shipped_packs_are_formatted(openwatt: Openwatt) -> None:
    result = openwatt("policy", "fmt", "--check", "policies", cwd=ROOT)
    assert (result.returncode, result.stdout) == (0, "0 files would be reformatted, 11 already formatted\n")


def test_a_policy_with_a_syntax_error_is_left_alone_and_exits_2(openwatt: Openwatt, tmp_path: Path) -> None:
    (tmp_path / "bad.policy").write_text("policy bad\ntitle 'x'\n", encoding="utf-8")
    result = openwatt("policy", "fmt", "bad.policy", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("bad.policy:2:7: OW002 ")
    assert result.stderr.endswith("\n1 error in policy bad.policy: not formatted\n")
    assert (tmp_path / "bad.policy").read_text(encoding="utf-8") == "policy bad\ntitle 'x'\n"


def test_a_missing_path_exits_2(openwatt: Openwatt, tmp_path: Path) -> None:
    result = openwatt("policy", "fmt", "nowhere.policy", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == ("openwatt: error: nowhere.policy: no such file or folder\n"
                             "    hint: give .policy files or folders that hold them\n")
