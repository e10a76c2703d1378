"""`openwatt init`: a template that validates as written and names every field of the schema."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from openwatt.documents.loading import parse_document
from openwatt.documents.reference import _fields
from openwatt.documents.template import render_template
from openwatt.documents.validation import validate

if TYPE_CHECKING:
    from conftest import Command, Openwatt

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(openwatt: Openwatt) -> Command:
    """`openwatt init ARGS...`, run in-process."""
    return functools.partial(openwatt, "init")


def test_the_template_validates_as_written() -> None:
    document = parse_document(render_template().encode("utf-8"), "disclosure.yaml")
    assert document.data == {"openwatt": "1.0", "model": {"id": "your-organisation/your-model"}}
    assert validate(document) == []


def test_the_template_names_every_field_of_the_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "disclosure.schema.json").read_text(encoding="utf-8"))
    keys = set(re.findall(r"^[ #-]*([a-z_0-9]+):", render_template(), re.MULTILINE))
    wanted = {path.rsplit(".", 1)[-1].removesuffix("[]") for path, _, _ in _fields(schema, schema, "")}
    assert wanted <= keys


def test_prefilled_values_are_written_and_the_rest_stays_commented() -> None:
    text = render_template({"openwatt": "1.0", "model": {"id": "acme/x", "license": "MIT"},
                            "energy": {"training": {"energy": "433 MWh"}}})
    data = parse_document(text.encode("utf-8"), "d.yaml").data
    assert data == {"openwatt": "1.0", "model": {"id": "acme/x", "license": "MIT"},
                    "energy": {"training": {"energy": "433 MWh"}}}
    assert "    # emissions: 24.7 tCO2e" in text


def test_init_writes_a_file_and_refuses_to_overwrite(tmp_path: Path, run: Command, openwatt: Openwatt) -> None:
    first = run("-o", "disclosure.yaml", cwd=tmp_path)
    assert first.returncode == 0
    assert first.stderr == "wrote disclosure.yaml; next: fill it in and run openwatt check disclosure.yaml\n"
    second = run("-o", "disclosure.yaml", cwd=tmp_path)
    assert second.returncode == 2
    assert second.stderr == ("openwatt: error: disclosure.yaml exists\n"
                             "    hint: choose another file, or add --force to overwrite it\n")
    assert run("-o", "disclosure.yaml", "--force", cwd=tmp_path).returncode == 0
    check = openwatt("check", "disclosure.yaml", "--format", "json", cwd=tmp_path)
    assert not [f for f in json.loads(check.stdout)["findings"] if f["rule"] in ("load", "schema")]
