"""The disclosure schema's quantity patterns are the parser's: both accept and reject the same strings."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from openwatt.values.quantities import DIMENSIONS, QuantityError, parse_quantity, pattern_for

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "disclosure.schema.json"
KINDS = ("energy", "power", "time", "carbon", "volume", "compute", "carbon_intensity")


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def schema_accepts(kind: str, text: str) -> bool:
    # The validator a disclosure meets: jsonschema applies `pattern` with Python's re.search.
    return Draft202012Validator(schema()["$defs"][kind]).is_valid(text)


def parser_accepts(kind: str, text: str) -> bool:
    try:
        return parse_quantity(text).dimension == DIMENSIONS[kind]
    except QuantityError:
        return False


def test_every_quantity_def_is_a_kind_the_parser_knows() -> None:
    with_pattern = {name for name, sub in schema()["$defs"].items() if "pattern" in sub}
    assert with_pattern == set(KINDS)
    assert set(KINDS) <= set(DIMENSIONS)  # water_intensity is known to the parser but unused by the schema


@pytest.mark.parametrize("kind", KINDS)
def test_schema_pattern_is_pattern_for(kind: str) -> None:
    assert schema()["$defs"][kind]["pattern"] == pattern_for(kind, signed=False)


# Strings parse_quantity accepts as a quantity of the kind: both spellings of the gap, signs, exponents, bare
# fractions, and the case-sensitive units (mWh is the milliwatt-hour, mL the millilitre).
ACCEPTED = {
    "energy": ["433 MWh", "433MWh", "500 mWh", "1.5e+3 kWh", ".5 GJ", "1. TWh", "2.7E2 J", "74 Wh"],
    "power": ["700 W", "0.5 kW", "1.2MW", "350 mW", "1e3 GW"],
    "time": ["230 h", "10.4 days", "1.08e6 h", "3 weeks", "1 month", "90 d", "1 yr", "45 min", "30 s"],
    "carbon": ["24.7 tCO2e", "4.14 tCO2eq", "1200 kgCO2e", "0.5 gCO2e", "3 ktCO2e", "1 MtCO2eq"],
    "volume": ["1.8 ML", "29.6 kL", "15600 L", "250 mL", "2 m3", "1 GL"],
    "compute": ["3.8e25 FLOP", "1.66e23 FLOP", "3 YFLOP", "5e3 EFLOP", "1 kFLOP"],
    "carbon_intensity": ["57 gCO2e/kWh", "0.25 kgCO2e/kWh", "0.4 tCO2eq/MWh", "400 tCO2e/GWh", "380 kgCO2e/MWh"],
}
ACCEPTED_CASES = [(kind, text) for kind, texts in ACCEPTED.items() for text in texts]

# Strings parse_quantity rejects (or reads as another kind), with the reason. Not listed: surrounding whitespace,
# which the parser strips and the schema refuses, and overflow such as "1e999 MWh", which no pattern can see.
REJECTED = {
    "energy": [
        ("433", "no unit"),
        ("433  MWh", "two spaces"),
        ("433 MWH", "unit in the wrong case"),
        ("433 mwh", "unit in the wrong case"),
        ("433,000 MWh", "thousands separator"),
        ("about 500 MWh", "words before the number"),
        ("MWh 433", "unit first"),
        ("nan MWh", "not a number"),
        ("1.2 GW", "power, not energy"),
        ("433 tCO2e", "carbon, not energy"),
        ("\u0664\u0663\u0663 MWh", "Arabic-Indic digits"),
    ],
    "power": [("700", "no unit"), ("700 w", "unit in the wrong case"), ("700 Wh", "energy, not power"),
              ("\u0667\u0660\u0660 W", "Arabic-Indic digits")],
    "time": [("230 hours", "unknown unit"), ("230 H", "unit in the wrong case"), ("2 fortnights", "unknown unit"),
             ("\uff12\uff13\uff10 h", "full-width digits")],
    "carbon": [("24.7 tCO2", "CO2 without the e"), ("24.7 t", "bare tonne"), ("24.7 kg", "bare kilogram"),
               ("\u0968\u096a tCO2e", "Devanagari digits")],
    "volume": [("1.8 ml", "unit in the wrong case"), ("1.8 litres", "unknown unit"),
               ("\u0661 ML", "Arabic-Indic digits")],
    "compute": [("3.8e25 FLOPs", "FLOPs"), ("1 PFLOP/s", "a rate, not a count"), ("3.8e25", "no unit"),
                ("\u0663e25 FLOP", "Arabic-Indic digits")],
    "carbon_intensity": [("57 gCO2/kWh", "CO2 without the e"), ("57 g/kWh", "bare gram"),
                         ("57 gCO2e / kWh", "spaces in the unit"), ("\u0665\u0667 gCO2e/kWh", "Arabic-Indic digits")],
}
REJECTED_CASES = [(kind, text, why) for kind, cases in REJECTED.items() for text, why in cases]

# Negative physical quantities: the parser reads them (a policy may compute a difference), the schema refuses them.
NEGATIVE = [("energy", "-1.5e+3 kWh"), ("carbon", "-41.44 tCO2e"), ("volume", "-2 kL"), ("time", "-3 days"),
            ("power", "-700 W"), ("carbon_intensity", "-57 gCO2e/kWh"), ("compute", "-1e24 FLOP")]


@pytest.mark.parametrize(("kind", "text"), NEGATIVE)
def test_negative_quantities_parse_but_the_schema_refuses_them(kind: str, text: str) -> None:
    assert parser_accepts(kind, text)
    assert re.search(pattern_for(kind), text)
    assert not schema_accepts(kind, text)


@pytest.mark.parametrize(("kind", "text"), ACCEPTED_CASES)
def test_accepted_by_the_parser_and_the_schema(kind: str, text: str) -> None:
    assert parser_accepts(kind, text)
    assert re.search(pattern_for(kind), text)
    assert schema_accepts(kind, text)


@pytest.mark.parametrize(("kind", "text", "why"), REJECTED_CASES)
def test_rejected_by_the_parser_and_the_schema(kind: str, text: str, why: str) -> None:
    assert not parser_accepts(kind, text), why
    assert not re.search(pattern_for(kind), text), why
    assert not schema_accepts(kind, text), why


@pytest.mark.parametrize("kind", KINDS)
def test_the_schema_examples_parse(kind: str) -> None:
    for example in schema()["$defs"][kind]["examples"]:
        assert parser_accepts(kind, example), example
