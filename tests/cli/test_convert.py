"""`openwatt convert` and `openwatt init --from`: other formats as disclosures that check the same."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

if TYPE_CHECKING:
    from conftest import Command, Openwatt

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ["samples/model-cards/glacier-1b-instruct/README.md", "samples/mot/glacier-1b-mot.yaml",
          "samples/evidence/emissions.csv", "samples/delta-3b-estimated.yaml"]


@pytest.fixture
def openwatt(openwatt: Openwatt) -> Command:
    """The `openwatt` command, run in-process in the repository's root unless `cwd` says otherwise."""
    return functools.partial(openwatt, cwd=ROOT)


def outcomes(openwatt: Command, path: str, cwd: Path = ROOT) -> list[tuple[str, str, str, str | None, str]]:
    result = openwatt("check", path, "-p", "recommended", "-p", "hf-model-card", "--format", "json", cwd=cwd)
    findings = json.loads(result.stdout)["findings"]
    return sorted((f["policy"], f["rule"], f["status"], f["reason"], f["message"]) for f in findings)


@pytest.mark.parametrize("source", INPUTS)
def test_convert_then_check_gives_the_same_findings(source: str, tmp_path: Path, openwatt: Command) -> None:
    target = tmp_path / "converted.yaml"
    assert openwatt("convert", source, "-o", str(target)).returncode == 0
    assert outcomes(openwatt, str(target)) == outcomes(openwatt, source)
    assert not [o for o in outcomes(openwatt, str(target)) if o[0] == "openwatt"]  # it fits the schema


def test_convert_writes_json_by_name_and_keys_in_schema_order(tmp_path: Path, openwatt: Command) -> None:
    target = tmp_path / "card.json"
    assert openwatt("convert", INPUTS[0], "-o", str(target)).returncode == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert list(data) == ["openwatt", "model", "data", "energy", "evaluation"]
    assert list(data["model"])[:3] == ["id", "name", "type"]


def test_convert_is_stable(openwatt: Command) -> None:
    first = openwatt("convert", INPUTS[1]).stdout
    assert first == openwatt("convert", INPUTS[1]).stdout
    assert yaml.safe_load(first)["components"][0]["kind"] == "architecture"


def test_convert_of_a_file_that_cannot_be_read(tmp_path: Path, openwatt: Command) -> None:
    (tmp_path / "README.md").write_text("# A card without front matter\n", encoding="utf-8")
    result = openwatt("convert", "README.md", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("openwatt: error: README.md:")


def test_init_from_a_model_card(tmp_path: Path, openwatt: Command) -> None:
    result = openwatt("init", "--from", str(ROOT / INPUTS[0]), "-o", "disclosure.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "disclosure.yaml").read_text(encoding="utf-8")
    assert "  id: glacier-1b-instruct\n" in text
    assert "    emissions: 1710 gCO2e\n" in text
    assert "  # architecture:" in text  # what the card does not say stays a commented prompt
    check = json.loads(openwatt("check", "disclosure.yaml", "--format", "json", cwd=tmp_path).stdout)
    assert not [f for f in check["findings"] if f["policy"] == "openwatt"]


def test_convert_refuses_to_overwrite_without_force(tmp_path: Path, openwatt: Command) -> None:
    target = tmp_path / "existing.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    result = openwatt("convert", "samples/delta-3b-estimated.yaml", "-o", str(target))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"openwatt: error: {target} exists\n"
                             "    hint: choose another file, or add --force to overwrite it\n")
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert openwatt("convert", "samples/delta-3b-estimated.yaml", "-o", str(target), "--force").returncode == 0
    assert target.read_text(encoding="utf-8").startswith("openwatt:")


def test_a_folder_is_searched_for_mot_files_too_as_docs_importers_md_says(tmp_path: Path, openwatt: Command) -> None:
    (tmp_path / "mot.yaml").write_bytes((ROOT / "samples/mot/glacier-1b-mot.yaml").read_bytes())
    result = openwatt("check", str(tmp_path), "-p", "recommended", "--format", "json")
    assert [i["file"] for i in json.loads(result.stdout)["provenance"]["inputs"]] == [str(tmp_path / "mot.yaml")]
    text = (ROOT / "docs" / "importers.md").read_text(encoding="utf-8")
    assert "disclosures only" not in text and "disclosures, and MOT files among them" in text
