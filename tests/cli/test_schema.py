"""`openwatt schema`: the shipped schemas as they are, and docs/disclosure.md kept up to date."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from openwatt.documents.reference import render_reference

if TYPE_CHECKING:
    from conftest import Command, Openwatt

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(openwatt: Openwatt) -> Command:
    """`openwatt schema ARGS...`, run in-process."""
    return functools.partial(openwatt, "schema")


def test_prints_the_disclosure_schema_byte_for_byte(run: Command) -> None:
    result = run("disclosure")
    assert result.returncode == 0
    assert result.stdout == (ROOT / "schemas" / "disclosure.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_prints_the_report_schema(run: Command) -> None:
    assert json.loads(run("report").stdout)["$id"] == "https://openwatt.dev/schemas/report.schema.json"


def test_unknown_schema_is_a_usage_error(run: Command) -> None:
    result = run("disclosures")
    assert result.returncode == 2
    assert "invalid choice: 'disclosures'" in result.stderr


def test_docs_disclosure_md_is_up_to_date() -> None:
    current = (ROOT / "docs" / "disclosure.md").read_text(encoding="utf-8")
    assert current == render_reference(), "docs/disclosure.md is stale: run openwatt schema disclosure --markdown > docs/disclosure.md"


def test_reference_names_every_field_with_its_type() -> None:
    text = render_reference()
    assert "| `energy.training.energy` | energy quantity, e.g. `433 MWh` |" in text
    assert "| `components[].kind` (required) | one of `architecture`," in text
    assert "| `waivers[].expires` (required) | date |" in text
