"""`openwatt policy lint`: each fixture policy and its exact output; every warning code documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from openwatt.language.lint import WARNINGS

if TYPE_CHECKING:
    from conftest import Openwatt

LINT = Path(__file__).parent / "lint"
FIXTURES = sorted(p.stem for p in LINT.glob("*.policy"))
DOCS = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


@pytest.mark.parametrize("stem", FIXTURES)
def test_lint_output(stem: str, openwatt: Openwatt) -> None:
    result = openwatt("policy", "lint", f"{stem}.policy", cwd=LINT)
    assert (result.stdout, result.stderr) == ((LINT / f"{stem}.txt").read_text(encoding="utf-8"), "")
    assert result.returncode == (0 if stem == "clean" else 1)


def test_every_fixture_has_its_output_and_every_warning_a_fixture() -> None:
    assert sorted(p.stem for p in LINT.glob("*.txt")) == FIXTURES
    assert sorted({stem[:5] for stem in FIXTURES if stem.startswith("OW")}) == sorted(WARNINGS)


def test_every_warning_is_documented() -> None:
    documented = set(re.findall(r"^## (OW1\d\d) \S", DOCS.read_text(encoding="utf-8"), re.MULTILINE))
    assert sorted(documented) == sorted(WARNINGS)


def test_several_files_and_folders(openwatt: Openwatt) -> None:
    result = openwatt("policy", "lint", "clean.policy", ".", cwd=LINT)
    assert result.returncode == 1
    assert result.stdout.endswith("3 errors, 10 warnings in 10 files\n")


def test_the_shipped_packs_are_clean(openwatt: Openwatt) -> None:
    root = Path(__file__).resolve().parents[2]
    result = openwatt("policy", "lint", "policies", cwd=root)
    assert (result.returncode, result.stdout, result.stderr) == (0, "0 errors, 0 warnings in 11 files\n", "")


def test_an_unreadable_file_exits_2(openwatt: Openwatt, tmp_path: Path) -> None:
    (tmp_path / "bad.policy").write_bytes(b"policy bad\n\xff\n")
    result = openwatt("policy", "lint", "bad.policy", "missing.policy", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "openwatt: error: missing.policy: no such file or folder\n" \
        "    hint: give .policy files or folders that hold them\n"
    result = openwatt("policy", "lint", "bad.policy", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "openwatt: error: cannot read bad.policy: not UTF-8 text\n")
