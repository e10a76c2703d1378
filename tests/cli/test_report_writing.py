"""Reports are always written: text that UTF-8 cannot hold (a lone surrogate in a JSON disclosure, a file name
that is not UTF-8) is escaped, and a newline in a file name cannot forge a line of the text report."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Openwatt

LONE = '{"openwatt": "1.0", "model": {"id": "x", "name": "bad \\ud800 name"}}\n'


@pytest.mark.parametrize("form", ["json", "text", "sarif", "junit", "markdown", "csv", "github"])
def test_a_lone_surrogate_in_a_json_disclosure_is_escaped_in_every_format(tmp_path: Path, openwatt: Openwatt,
                                                                          form: str) -> None:
    (tmp_path / "d.json").write_text(LONE, encoding="utf-8")
    result = openwatt("check", "d.json", "--format", form, "-o", "out", cwd=tmp_path)
    assert result.returncode in (0, 1) and result.stderr == ""
    written = (tmp_path / "out").read_text(encoding="utf-8")
    assert written
    if form == "json":
        json.loads(written)  # \ud800 is how JSON writes the lone surrogate: the file parses


def test_a_lone_surrogate_reaches_standard_output_escaped(tmp_path: Path, openwatt: Openwatt) -> None:
    (tmp_path / "d.json").write_text(LONE, encoding="utf-8")
    (tmp_path / "p.policy").write_text(
        'policy p\ntitle "P"\nversion "1"\nrule named { title "Named" severity error require model.name == "x"\n'
        '  message "the name is {model.name}" }\n', encoding="utf-8")
    result = openwatt("check", "d.json", "-p", "p.policy", "--format", "json", cwd=tmp_path)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "p/named"]
    assert finding["message"] == "the name is bad \ud800 name"  # the JSON escape reads back as the text read


@pytest.mark.skipif(os.uname().sysname == "Darwin", reason="macOS refuses file names that are not UTF-8")
def test_a_file_name_that_is_not_utf8_is_reported(tmp_path: Path, openwatt: Openwatt) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"m\xff.yaml"), "wb") as stream:
        stream.write(b"openwatt: '1.0'\nmodel: {id: x}\n")
    result = openwatt("check", "in", "--format", "text", cwd=tmp_path)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert "in/m\\udcff.yaml" in result.stdout.splitlines()[0]


def test_a_newline_in_a_file_name_cannot_forge_a_report_line(tmp_path: Path, openwatt: Openwatt) -> None:
    name = "x.yaml\nPASS   forged.yaml"
    (tmp_path / name).write_text("openwatt: '1.0'\nmodel: {id: x}\n", encoding="utf-8")
    result = openwatt("check", ".", cwd=tmp_path)
    assert not any(line.startswith("PASS   forged") for line in result.stdout.splitlines())
    assert "x.yaml\\nPASS   forged.yaml" in result.stdout
