"""Hostile input through `openwatt check`: one located error finding per file, exit code 2, never a
traceback, and the batch goes on past every bad file."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Openwatt

ROOT = Path(__file__).resolve().parents[2]


def _cases() -> object:
    spec = importlib.util.spec_from_file_location("hostile_make", ROOT / "samples" / "hostile" / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile_make"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_every_hostile_file_is_one_finding_and_the_batch_goes_on(tmp_path: Path, openwatt: Openwatt) -> None:
    make = _cases()
    written = make.write(tmp_path)  # type: ignore[attr-defined]
    good = tmp_path / "good.yaml"
    good.write_text('openwatt: "1.0"\nmodel:\n  id: good\n', encoding="utf-8")
    paths = [str(p) for p in written] + [str(good)]
    result = openwatt("check", *paths, "--format", "json", cwd=tmp_path)  # an exception would fail the test
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    findings = json.loads(result.stdout)["findings"]
    by_file: dict[str, list[dict[str, object]]] = {}
    for finding in findings:
        if finding["policy"] == "openwatt":
            by_file.setdefault(str(finding["file"]), []).append(finding)
    for case, path in zip(make.CASES, written):  # type: ignore[attr-defined]
        problems = by_file.get(str(path), [])
        if case.outcome == "accepted":
            assert problems == [], case.name
            continue
        assert len(problems) == 1, (case.name, problems)
        [problem] = problems
        assert problem["rule"] == ("openwatt/load" if case.outcome == "error" else "openwatt/schema"), case.name
        assert problem["message"] == case.message, case.name
        assert (problem["location"]["line"], problem["location"]["column"]) == (case.line, case.column), case.name
    assert {f["rule"] for f in findings if f["file"] == str(good)} >= {"recommended/weights-public"}  # checked too


def test_a_licence_nested_3000_levels_deep_is_a_finding_not_a_recursion_error(tmp_path: Path,
                                                                               openwatt: Openwatt) -> None:
    deep = "(" * 3000 + "MIT" + ")" * 3000
    path = tmp_path / "nested.yaml"
    path.write_text(f"openwatt: '1.0'\nmodel:\n  id: example/nested\n  license: '{deep}'\ncomponents:\n"
                    "  - kind: parameters-final\n    availability: public\n    license: MIT\n", encoding="utf-8")
    result = openwatt("check", str(path), "--format", "json", cwd=tmp_path)  # a RecursionError would fail the test
    assert result.stderr == ""
    assert result.returncode == 1  # the default pack's failures, not an input that could not be read (2)
    findings = json.loads(result.stdout)["findings"]
    [finding] = [f for f in findings if f["rule"] == "recommended/licences-spdx"]
    assert (finding["status"], finding["location"]["line"], finding["location"]["column"]) == ("fail", 4, 3)
    assert finding["message"] == (f"model.license: '{'(' * 97}...' is not a valid SPDX licence expression: "
                                  "'(' at column 51 nests parentheses more than 50 levels deep")
