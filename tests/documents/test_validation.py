"""Schema validation: every problem located, in words a disclosure writer understands, with a hint."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from openwatt.documents import Problem, ProblemKind, load_document, parse_document, validate
from openwatt.documents.validation import _decisive, _explain

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
BASE = 'openwatt: "1.0"\nmodel:\n  id: example/model\n'
KINDS = ("architecture, parameters-final, technical-report, evaluation-results, model-card, data-card, "
         "sample-outputs, training-code, inference-code, evaluation-code, evaluation-data, supporting-libraries, "
         "research-paper, datasets, preprocessing-code, parameters-intermediate, model-metadata")
DATE_HINT = "write the date as YYYY-MM-DD, e.g. 2025-09-16"


def problems(text: str, file: str = "t.yaml") -> list[tuple[int, int, str, str | None]]:
    return [(p.line, p.column, p.message, p.hint) for p in validate(parse_document(text.encode(), file))]


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_samples_are_valid(sample: Path) -> None:
    assert validate(load_document(sample)) == []


MALFORMED = SAMPLES / "malformed" / "fjord-2b-malformed.yaml"


def SchemaProblem(path: tuple[str | int, ...], line: int, column: int, message: str, hint: str | None) -> Problem:
    """A schema problem of the malformed sample, as validate() reports it."""
    return Problem(kind=ProblemKind.SCHEMA, file=str(MALFORMED), line=line, column=column, path=path,
                   message=message, hint=hint)


def test_malformed_sample() -> None:
    assert validate(load_document(MALFORMED)) == [
        SchemaProblem(("model", "parameters"), 20, 3, 'model.parameters is "2.1e9" (a string); expected a number',
                      "YAML 1.1 reads 2.1e9 as a string; write 2100000000 or 2.1e+9"),
        SchemaProblem(("components", 0, "licence"), 27, 5, "unknown field 'components[0].licence'",
                      "did you mean 'license' or 'license_url'?"),
        SchemaProblem(("components", 1, "kind"), 28, 5, f'components[1].kind: "weights" is not one of {KINDS}', None),
        SchemaProblem(("energy", "training", "energy"), 35, 5,
                      "energy.training.energy: 433 is not a quantity with a unit",
                      "write a number and a unit, e.g. 433 MWh"),
        SchemaProblem(("energy", "training", "pue"), 42, 5, "energy.training.pue: 0.9 is below the minimum of 1",
                      None),
        SchemaProblem(("energy", "training", "emissions"), 43, 5, "energy.training.emissions: unknown unit 'tCO2'",
                      "did you mean 'tCO2e', 'tCO2eq' or 'MtCO2e'?"),
    ]


def test_version() -> None:
    assert problems('openwatt: 1.0\nmodel:\n  id: x\n') == [
        (1, 1, 'openwatt is 1.0 (a number); expected the string "1.0"', 'quote it: openwatt: "1.0"')]
    assert problems('openwatt: "2.0"\nmodel:\n  id: x\n') == [(1, 1, 'openwatt: "2.0" is not "1.0"', None)]


def test_missing_and_unknown_fields() -> None:
    assert problems("model:\n  name: x\nenerg: {}\n") == [
        (1, 1, "missing required field 'model.id'", None),  # located at the mapping that lacks it
        (1, 1, "missing required field 'openwatt'", None),  # located at the document
        (3, 1, "unknown field 'energ'", "did you mean 'energy'?"),
    ]
    assert problems(BASE + "colour: blue\n") == [
        (4, 1, "unknown field 'colour'", "the fields here are openwatt, model, components, data, energy, evaluation, compliance, waivers")]


def test_quantities() -> None:
    text = BASE + ("energy:\n  training:\n    energy: 433 kW\n    duration: '433'\n    emissions: 12 tco2e\n"
                   "    compute: 1e25 FLOPS\n    water: ' 1 ML'\n    carbon_intensity: 57\n"
                   "    hardware:\n      - type: H100\n        power: 700 Wh\n")
    assert problems(text) == [
        (6, 5, 'energy.training.energy: "433 kW" is a power quantity; expected an energy quantity',
         "write an energy quantity, e.g. 74 MWh"),
        (7, 5, "energy.training.duration: '433' has no unit", "write a number and a unit, e.g. 230 h"),
        (8, 5, "energy.training.emissions: unknown unit 'tco2e'", "did you mean 'tCO2e'?"),
        (9, 5, "energy.training.compute: unknown unit 'FLOPS'",
         "write FLOP (the count); FLOP/s is not a quantity openwatt knows"),
        (10, 5, 'energy.training.water: " 1 ML" is not written as a volume quantity',
         "write a number, at most one space and a unit, with nothing around them, e.g. 29.6 kL"),
        (11, 5, "energy.training.carbon_intensity: 57 is not a quantity with a unit",
         "write a number and a unit, e.g. 57 gCO2e/kWh"),
        (14, 9, 'energy.training.hardware[0].power: "700 Wh" is an energy quantity; expected a power quantity',
         "write a power quantity, e.g. 700 W"),
    ]


def test_negative_physical_quantities_are_schema_problems() -> None:
    # Issue 9: emissions, energy, water, durations and power are amounts, never negative.
    text = BASE + ("energy:\n  training:\n    emissions: -41.44 tCO2e\n    energy: -5 MWh\n"
                   "    location_based: {carbon_intensity: -57 gCO2e/kWh}\n")
    assert problems(text) == [
        (6, 5, 'energy.training.emissions: "-41.44 tCO2e" is negative; expected a carbon mass quantity of zero or more',
         "write the amount as zero or more, e.g. 4.14 tCO2e"),
        (7, 5, 'energy.training.energy: "-5 MWh" is negative; expected an energy quantity of zero or more',
         "write the amount as zero or more, e.g. 74 MWh"),
        (8, 22, 'energy.training.location_based.carbon_intensity: "-57 gCO2e/kWh" is negative; expected a carbon '
                'intensity quantity of zero or more', "write the amount as zero or more, e.g. 56 gCO2e/kWh"),
    ]


def test_types_enums_dates_and_bounds() -> None:
    text = BASE + ("  release_date: 16/09/2025\n  eu_market_date: 2025\n  type: Language\n  parameters: '7000000000'\n"
                   "  context_length: 4096.5\n  license: [a]\n  name:\n  repository: {a: 1}\n")
    assert problems(text) == [
        (4, 3, 'model.release_date: "16/09/2025" is not a date', DATE_HINT),
        (5, 3, "model.eu_market_date is 2025 (a number); expected a date", DATE_HINT),
        (6, 3, 'model.type: "Language" is not one of language, vision, image, audio, video, 3d, code, multimodal, '
               "other", "did you mean 'language'?"),
        (7, 3, 'model.parameters is "7000000000" (a string); expected a number', "write the number without quotes"),
        (8, 3, "model.context_length is 4096.5 (a number); expected a whole number", None),
        (9, 3, "model.license is a list; expected a string", None),
        (10, 3, "model.name is null; expected a string", "give a value, or leave the field out"),
        (11, 3, "model.repository is a mapping; expected a string", None),
    ]


def test_true_and_false_are_shown_without_a_kind_and_expected_in_words() -> None:
    assert problems(BASE + "  name: true\n  general_purpose: 'yes'\n") == [
        (4, 3, "model.name is true; expected a string", None),
        (5, 3, 'model.general_purpose is "yes" (a string); expected true or false', None),
    ]


def test_items_of_lists() -> None:
    text = ('openwatt: "1.0"\nmodel:\n  id: ""\n  release_date: 2025-09-16T10:00:00Z\ncomponents:\n'
            "  - kind: weights\n  - {}\nwaivers:\n  - rule: x\n    expires: 2026-01-01\n"
            "energy:\n  training:\n    hardware:\n      - type: H100\n        count: 0\n")
    assert problems(text) == [
        (3, 3, "model.id is an empty string", "give a value, or leave the field out"),
        (4, 3, 'model.release_date: "2025-09-16T10:00:00+00:00" is not a date', DATE_HINT),
        (6, 5, f'components[0].kind: "weights" is not one of {KINDS}', None),
        (7, 5, "missing required field 'components[1].kind'", None),
        (9, 5, "missing required field 'waivers[0].approver'", None),
        (9, 5, "missing required field 'waivers[0].reason'", None),
        (15, 9, "energy.training.hardware[0].count: 0 is below the minimum of 1", None),
    ]


def test_a_device_count_past_the_maximum_is_said_briefly() -> None:
    text = "openwatt: \"1.0\"\nmodel: {id: x}\nenergy:\n  training:\n    hardware:\n      - type: H100\n" \
           f"        count: {'9' * 400}\n"
    assert problems(text) == [
        (7, 9, f"energy.training.hardware[0].count: {'9' * 57}... is above the maximum of 999999999", None)]


def test_json_documents_are_located_too() -> None:
    raw = '{\n  "openwatt": "1.0",\n  "model": {\n    "id": "x",\n    "parameters": "7e9"\n  }\n}\n'
    assert problems(raw, "d.json") == [
        (5, 5, 'model.parameters is "7e9" (a string); expected a number', "write the number without quotes")]


def test_problems_are_frozen_and_sorted() -> None:
    found = validate(load_document(SAMPLES / "malformed" / "fjord-2b-malformed.yaml"))
    assert found == sorted(found, key=lambda p: (p.line, p.column))
    with pytest.raises(dataclasses.FrozenInstanceError):
        found[0].line = 1  # type: ignore[misc]


def test_any_of_gives_the_most_relevant_branch() -> None:
    schema = {"properties": {"x": {"anyOf": [{"type": "integer"}, {"enum": ["auto", "none"]}]}}}
    error = next(Draft202012Validator(schema).iter_errors({"x": "atuo"}))
    assert error.validator == "anyOf"
    assert [(p.message, p.hint) for p in _explain(_decisive(error))] == [
        ('x: "atuo" is not one of auto, none', "did you mean 'auto'?")]
    tied = {"properties": {"x": {"oneOf": [{"type": "integer"}, {"type": "boolean"}]}}}
    error = next(Draft202012Validator(tied).iter_errors({"x": "y"}))
    assert [p.message for p in _explain(_decisive(error))] == ['x is "y" (a string); expected a whole number']
