"""Tests for openwatt.values.quantities: units agree with pint; parsing, display, comparison, arithmetic."""

from __future__ import annotations

import ast
import functools
import itertools
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pint
import pytest

from openwatt.values import quantities
from openwatt.values.quantities import (
    CARBON,
    CARBON_INTENSITY,
    COMPUTE,
    DIMENSIONLESS,
    DIMENSIONS,
    ENERGY,
    POWER,
    QUANTITY_RE,
    TIME,
    UNITS,
    VOLUME,
    WATER_INTENSITY,
    Dimension,
    DimensionError,
    Quantity,
    QuantityError,
    Unit,
    format_number,
    parse_quantity,
    pattern_for,
    unit,
)

P = parse_quantity
FORM_HINT = "write a number and a unit, e.g. 500 MWh"
FINITE_HINT = "NaN and infinity are not quantities; write a number and a unit, e.g. 500 MWh"
KINDS_HINT = ("openwatt knows units of energy (MWh), power (W), time (days), carbon mass (tCO2e), "
              "volume (ML), compute (FLOP), carbon intensity (gCO2e/kWh) and water intensity (L/kWh)")

# Each openwatt symbol as pint spells it. CO2e masses are plain masses; FLOP is defined in a local registry.
PINT = {
    "J": "joule", "kJ": "kilojoule", "MJ": "megajoule", "GJ": "gigajoule", "TJ": "terajoule",
    "PJ": "petajoule", "mWh": "milliwatt * hour", "Wh": "watt * hour", "kWh": "kilowatt * hour",
    "MWh": "megawatt * hour", "GWh": "gigawatt * hour", "TWh": "terawatt * hour",
    "mW": "milliwatt", "W": "watt", "kW": "kilowatt", "MW": "megawatt", "GW": "gigawatt",
    "s": "second", "min": "minute", "h": "hour", "d": "day", "day": "day", "days": "day",
    "week": "week", "weeks": "week", "month": "month", "months": "month", "year": "year",
    "years": "year", "yr": "year",
    "gCO2e": "gram", "kgCO2e": "kilogram", "tCO2e": "metric_ton", "ktCO2e": "kilotonne",
    "MtCO2e": "megatonne", "gCO2eq": "gram", "kgCO2eq": "kilogram", "tCO2eq": "metric_ton",
    "ktCO2eq": "kilotonne", "MtCO2eq": "megatonne",
    "mL": "milliliter", "L": "liter", "kL": "kiloliter", "ML": "megaliter", "GL": "gigaliter",
    "m3": "meter ** 3",
    "FLOP": "FLOP", "kFLOP": "kiloFLOP", "MFLOP": "megaFLOP", "GFLOP": "gigaFLOP",
    "TFLOP": "teraFLOP", "PFLOP": "petaFLOP", "EFLOP": "exaFLOP", "ZFLOP": "zettaFLOP",
    "YFLOP": "yottaFLOP",
    "gCO2e/kWh": "gram / (kilowatt * hour)", "kgCO2e/kWh": "kilogram / (kilowatt * hour)",
    "kgCO2e/MWh": "kilogram / (megawatt * hour)", "tCO2e/MWh": "metric_ton / (megawatt * hour)",
    "tCO2e/GWh": "metric_ton / (gigawatt * hour)", "gCO2eq/kWh": "gram / (kilowatt * hour)",
    "kgCO2eq/kWh": "kilogram / (kilowatt * hour)", "kgCO2eq/MWh": "kilogram / (megawatt * hour)",
    "tCO2eq/MWh": "metric_ton / (megawatt * hour)", "tCO2eq/GWh": "metric_ton / (gigawatt * hour)",
    "L/kWh": "liter / (kilowatt * hour)", "mL/kWh": "milliliter / (kilowatt * hour)",
    "L/MWh": "liter / (megawatt * hour)",
}
PINT_BASE = {
    ENERGY: "joule", POWER: "watt", TIME: "second", CARBON: "gram", VOLUME: "liter", COMPUTE: "FLOP",
    CARBON_INTENSITY: "gram / joule", WATER_INTENSITY: "liter / joule",
}
SAME_DIMENSION_PAIRS = [
    (a, b) for a, b in itertools.permutations(sorted(UNITS), 2)
    if UNITS[a].dimension == UNITS[b].dimension
]


@functools.cache
def ureg() -> pint.UnitRegistry:
    registry = pint.UnitRegistry()
    registry.define("FLOP = [compute]")
    return registry


def pint_magnitude(value: float, source: str, target: str) -> float:
    return ureg().Quantity(value, source).to(target).magnitude


# --- the unit table against pint ---

def test_pint_table_names_every_unit() -> None:
    assert set(PINT) == set(UNITS)
    assert len(UNITS) == 68


@pytest.mark.parametrize("symbol", sorted(UNITS))
def test_factor_to_base_unit_matches_pint(symbol: str) -> None:
    u = UNITS[symbol]
    assert u.symbol == symbol
    assert u.factor == pytest.approx(pint_magnitude(1.0, PINT[symbol], PINT_BASE[u.dimension]), rel=1e-12)


@pytest.mark.parametrize(("source", "target"), SAME_DIMENSION_PAIRS, ids=[f"{a}->{b}" for a, b in SAME_DIMENSION_PAIRS])
def test_conversion_matches_pint(source: str, target: str) -> None:
    got = Quantity(433.0, UNITS[source]).to(target)
    assert got.unit is UNITS[target]
    assert got.magnitude == pytest.approx(pint_magnitude(433.0, PINT[source], PINT[target]), rel=1e-12)


@pytest.mark.parametrize("symbol", sorted(UNITS))
def test_parsed_quantity_matches_pint(symbol: str) -> None:
    # End to end: the text a disclosure holds, read by the parser, against pint reading the same amount.
    expected = pint_magnitude(2.5, PINT[symbol], PINT_BASE[UNITS[symbol].dimension])
    for text in (f"2.5 {symbol}", f"2.5{symbol}", f"25e-1 {symbol}"):
        q = P(text)
        assert q.unit is UNITS[symbol] and q.magnitude == 2.5, text
        assert q.base == pytest.approx(expected, rel=1e-12), text


def test_mwh_is_milliwatt_hour_never_megawatt_hour() -> None:
    assert P("500 mWh") == P("0.5 Wh")
    assert P("500 mWh") != P("500 MWh")
    assert str(P("500 mWh").humanize()) == "0.5 Wh"


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        UNITS["kg"] = Unit("kg", 1.0, CARBON)  # type: ignore[index]
    with pytest.raises(TypeError):
        DIMENSIONS["mass"] = CARBON  # type: ignore[index]


# --- dimensions ---

@pytest.mark.parametrize(("key", "name", "exponents"), [
    ("energy", "energy", (("energy", 1),)),
    ("power", "power", (("energy", 1), ("time", -1))),
    ("time", "time", (("time", 1),)),
    ("carbon", "carbon mass", (("carbon", 1),)),
    ("volume", "volume", (("volume", 1),)),
    ("compute", "compute", (("compute", 1),)),
    ("carbon_intensity", "carbon intensity", (("carbon", 1), ("energy", -1))),
    ("water_intensity", "water intensity", (("energy", -1), ("volume", 1))),
])
def test_named_dimensions(key: str, name: str, exponents: tuple[tuple[str, int], ...]) -> None:
    assert DIMENSIONS[key].name == name
    assert DIMENSIONS[key].exponents == exponents


def test_dimensions_keys() -> None:
    assert list(DIMENSIONS) == ["energy", "power", "time", "carbon", "volume", "compute",
                                "carbon_intensity", "water_intensity"]


def test_dimension_is_normalised_so_spellings_compare_and_hash_equal() -> None:
    spelled = Dimension((("time", -1), ("energy", 1), ("carbon", 0)))
    assert spelled == POWER and hash(spelled) == hash(POWER)
    assert ENERGY / TIME == POWER and POWER * TIME == ENERGY
    assert CARBON / ENERGY == CARBON_INTENSITY and ENERGY / ENERGY == DIMENSIONLESS


@pytest.mark.parametrize(("dimension", "name"), [
    (DIMENSIONLESS, "dimensionless"),
    (ENERGY * TIME, "energy·time"),
    (CARBON / TIME, "carbon/time"),
    (CARBON / (ENERGY * TIME), "carbon/(energy·time)"),
    (TIME / (TIME * TIME), "1/time"),
    (ENERGY * ENERGY / TIME, "energy^2/time"),
    (DIMENSIONLESS / (TIME * TIME), "1/time^2"),
])
def test_composite_dimension_names(dimension: Dimension, name: str) -> None:
    assert dimension.name == name


def test_unknown_base_dimension() -> None:
    with pytest.raises(ValueError, match="^unknown base dimension 'mass'$"):
        Dimension.of(mass=1)


# --- format_number, parsing and display ---

@pytest.mark.parametrize(("x", "text"), [
    (500, "500"), (500.0, "500"), (1.2, "1.2"), (3.8e25, "3.8e25"), (1e-05, "1e-5"), (1200.0, "1200"),
    (-5.0, "-5"), (0.0, "0"), (-0.0, "0"), (0.1, "0.1"), (1.5e-7, "1.5e-7"), (24.681, "24.681"),
    (1e15, "1000000000000000"), (9999999999999998.0, "9999999999999998"), (1e16, "1e16"),
    (2.5e16, "2.5e16"), (123456.789, "123456.789"), (-3.8e-25, "-3.8e-25"), (0.0001, "0.0001"),
])
def test_format_number(x: float, text: str) -> None:
    assert format_number(x) == text
    assert float(text) == x


@pytest.mark.parametrize(("text", "canonical"), [
    ("433 MWh", "433 MWh"),
    ("433MWh", "433 MWh"),
    ("3.8e25 FLOP", "3.8e25 FLOP"),
    ("-5 W", "-5 W"),
    ("1.5e+3 kWh", "1500 kWh"),
    ("1E-5 s", "1e-5 s"),
    ("  24.7 tCO2e \n", "24.7 tCO2e"),
    (".5 ML", "0.5 ML"),
    ("1. h", "1 h"),
    ("57 gCO2e/kWh", "57 gCO2e/kWh"),
    ("57gCO2eq/kWh", "57 gCO2eq/kWh"),
    ("90 days", "90 days"),
    ("1.2 ML", "1.2 ML"),
    ("700 W", "700 W"),
    ("0.0018 L/kWh", "0.0018 L/kWh"),
    ("4e4 d", "40000 d"),
])
def test_parse_then_str(text: str, canonical: str) -> None:
    q = P(text)
    assert str(q) == canonical
    assert P(str(q)) == q and str(P(str(q))) == canonical


def test_parse_values() -> None:
    q = P("3.8e25 FLOP")
    assert (q.magnitude, q.unit, q.dimension) == (3.8e25, UNITS["FLOP"], COMPUTE)
    assert P("433 MWh").base == 433 * 3.6e9
    assert P("-1.5e+3 kWh").magnitude == -1500.0


def test_parse_is_memoised() -> None:
    assert P("12345 kWh") is P("12345 kWh")


@pytest.mark.parametrize(("q", "text"), [
    (Quantity(1.2, UNITS["GWh"]), "1.2 GWh"),
    (Quantity(500, UNITS["MWh"]), "500 MWh"),
    (Quantity(3.8e25, UNITS["FLOP"]), "3.8e25 FLOP"),
    (Quantity(24.7, UNITS["tCO2e"]), "24.7 tCO2e"),
    (Quantity(1e-5, UNITS["s"]), "1e-5 s"),
])
def test_str(q: Quantity, text: str) -> None:
    assert str(q) == text
    assert repr(q) == f"<Quantity {text}>"


@pytest.mark.parametrize(("text", "shown"), [
    ("1.2e9 Wh", "1.2 GWh"),
    ("1200 MWh", "1.2 GWh"),
    ("0.5 kWh", "500 Wh"),
    ("3.6e12 J", "1 GWh"),
    ("2.5 TWh", "2.5 TWh"),
    ("5000 TWh", "5000 TWh"),
    ("-1500 W", "-1.5 kW"),
    ("700000 mW", "700 W"),
    ("90 days", "90 days"),
    ("2160 h", "90 days"),
    ("36 h", "1.5 days"),
    ("7200 s", "2 h"),
    ("90 s", "1.5 min"),
    ("1 month", "30.4375 days"),
    ("2 yr", "2 years"),
    ("24681 kgCO2e", "24.681 tCO2e"),
    ("0.5 gCO2eq", "0.5 gCO2e"),
    ("1800000 L", "1.8 ML"),
    ("2 m3", "2 kL"),
    ("3.8e25 FLOP", "3.8e25 FLOP"),
    ("38 YFLOP", "3.8e25 FLOP"),
    ("0.25 kgCO2e/kWh", "250 gCO2e/kWh"),
    ("1.8 L/MWh", "0.0018 L/kWh"),
    ("0 MWh", "0 Wh"),
])
def test_humanize(text: str, shown: str) -> None:
    assert str(P(text).humanize()) == shown


def test_humanize_derived_energy_and_unnamed_dimension() -> None:
    energy = 7e5 * P("1 W") * P("1000 h")
    assert str(energy) == "700 MWh"
    assert str(energy.humanize()) == "700 MWh"
    unnamed = P("1 MWh") * P("2 h")
    assert unnamed.humanize() is unnamed


# --- comparison ---

def test_comparisons_across_units() -> None:
    assert P("1.2 GWh") > P("500 MWh") and P("1.2 GWh") >= P("500 MWh")
    assert P("500 MWh") < P("1.2 GWh") and P("500 MWh") <= P("1.2 GWh")
    assert not P("1.2 GWh") <= P("500 MWh")
    assert P("1 GWh") == P("1000 MWh") == P("3.6e12 J")
    assert P("1 GWh") <= P("1000 MWh") and P("1 GWh") >= P("1000 MWh")
    assert P("1 GWh") != P("1001 MWh")
    assert sorted([P("1 GWh"), P("2 kWh"), P("500 MWh")]) == [P("2 kWh"), P("500 MWh"), P("1 GWh")]


def test_equality_absorbs_conversion_noise_and_hash_agrees() -> None:
    a, b = P("0.1 kWh") + P("0.2 kWh"), P("300 Wh")
    assert a == b and hash(a) == hash(b)
    assert len({P("1 GWh"), P("1000 MWh"), P("3.6e12 J"), P("1 GW") * P("1 h")}) == 1
    assert P("1 day") == P("24 h") == P("86400 s") and hash(P("1 day")) == hash(P("86400 s"))


def test_equality_with_other_dimensions_and_types() -> None:
    assert (P("1 MWh") == P("1 tCO2e")) is False
    assert P("1 MWh") != P("1 tCO2e")
    assert P("1 MWh") != 1.0
    assert (P("1 MWh") == "1 MWh") is False
    with pytest.raises(TypeError):
        P("1 MWh") < 2  # noqa: B015


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_comparing_different_dimensions_raises(op: str) -> None:
    with pytest.raises(DimensionError) as info:
        eval(f"a {op} b", {"a": P("1 MWh"), "b": P("1 tCO2e")})
    assert str(info.value) == "cannot compare energy with carbon mass"
    assert isinstance(info.value, TypeError)


def test_dimension_errors_for_add_sub_and_convert() -> None:
    with pytest.raises(DimensionError, match="^cannot add carbon mass to energy$"):
        P("1 MWh") + P("1 tCO2e")
    with pytest.raises(DimensionError, match="^cannot subtract power from energy$"):
        P("1 MWh") - P("1 W")
    with pytest.raises(DimensionError, match="^cannot convert energy to carbon mass$"):
        P("1 MWh").to("tCO2e")


# --- arithmetic ---

def test_fleet_energy() -> None:
    energy = 384 * P("400 W") * P("1000 h")
    assert energy.dimension == ENERGY
    assert energy == P("153.6 MWh")
    assert str(energy.humanize()) == "153.6 MWh"


def test_emissions_from_energy_and_intensity() -> None:
    emissions = P("433 MWh") * P("57 gCO2e/kWh")
    assert emissions.dimension == CARBON
    assert emissions.to("tCO2e").magnitude == pytest.approx(24.681, rel=1e-12)
    assert emissions == P("24.681 tCO2e")
    assert str(emissions.humanize()) == "24.681 tCO2e"


def test_products_and_quotients_of_named_dimensions_read_in_display_units() -> None:
    # A result of a named dimension is said as a person would write it: 7 Wh, not 7 W·h.
    wh = P("7 W") * P("1 h")
    assert wh.unit == UNITS["Wh"] and str(wh) == "7 Wh"
    power = P("1 MWh") / P("2 h")
    assert power.dimension == POWER and str(power) == "500 kW"
    intensity = P("1 gCO2e") / (P("1 W") * P("1 h"))
    assert intensity.dimension == CARBON_INTENSITY and str(intensity) == "1000 gCO2e/kWh"
    carbon = P("1.2 GWh") * P("57 gCO2e/kWh")
    assert str(carbon) == "68.4 tCO2e"
    water = P("1.8 ML") / P("1000 MWh")
    assert water.dimension == WATER_INTENSITY and str(water) == "1.8 L/kWh"


def test_unnamed_dimensions_keep_compound_symbols() -> None:
    energy_time = P("2 MWh") * P("3 h")
    assert energy_time.unit.symbol == "MWh·h" and str(energy_time) == "6 MWh·h"
    per_flop = P("1 J") / P("1 FLOP")
    assert per_flop.unit.symbol == "J/FLOP"


def test_ratio_of_like_quantities_is_a_float() -> None:
    ratio = P("1 MWh") / P("500 kWh")
    assert type(ratio) is float and ratio == 2.0
    assert P("90 days") / P("1 week") == pytest.approx(90 / 7, rel=1e-12)


def test_add_sub_keep_left_unit() -> None:
    assert str(P("1 GWh") + P("500 MWh")) == "1.5 GWh"
    assert str(P("1 MWh") - P("250 kWh")) == "0.75 MWh"
    assert str(P("0.1 kWh") + P("0.2 kWh")) == "0.3 kWh"
    assert str(-P("5 W")) == "-5 W"


def test_scalar_multiplication_and_division() -> None:
    assert str(P("700 W") * 2) == str(2 * P("700 W")) == "1400 W"
    assert str(P("700 W") * 1.5) == "1050 W"
    assert str(P("1 MWh") / 4) == "0.25 MWh"
    with pytest.raises(TypeError):
        True * P("700 W")  # noqa: B018
    with pytest.raises(TypeError):
        P("700 W") + 1  # noqa: B018
    with pytest.raises(TypeError):
        2 / P("700 W")  # noqa: B018
    with pytest.raises(TypeError):
        P("700 W") * "2"  # noqa: B018
    with pytest.raises(TypeError):
        P("700 W") / "2"  # noqa: B018
    with pytest.raises(TypeError):
        P("700 W") * None  # noqa: B018


def test_quantity_must_be_finite() -> None:
    with pytest.raises(QuantityError, match="^a quantity must be finite, not nan$"):
        Quantity(float("nan"), UNITS["MWh"])


# --- errors ---

@pytest.mark.parametrize(("symbol", "hint"), [
    ("MWH", "did you mean 'MWh'?"),
    ("mwh", "did you mean 'MWh' or 'mWh'?"),
    ("Mwh", "did you mean 'MWh'?"),
    ("ml", "did you mean 'ML' or 'mL'?"),
    ("KWH", "did you mean 'kWh'?"),
    ("kgCO2", "did you mean 'kgCO2e', 'kgCO2eq' or 'gCO2e'?"),
    ("gCO2/kWh", "did you mean 'gCO2e/kWh', 'kgCO2e/kWh' or 'gCO2eq/kWh'?"),
    ("kg", "did you mean 'kgCO2e'?"),
    ("t", "did you mean 'tCO2e'?"),
    ("FLOPs", "write FLOP (the count); FLOP/s is not a quantity openwatt knows"),
    ("PFLOP/s", "write PFLOP (the count); FLOP/s is not a quantity openwatt knows"),
    ("furlong", KINDS_HINT),
])
def test_unknown_unit(symbol: str, hint: str) -> None:
    with pytest.raises(QuantityError) as info:
        unit(symbol)
    assert (info.value.message, info.value.hint) == (f"unknown unit {symbol!r}", hint)


@pytest.mark.parametrize(("text", "message", "hint"), [
    ("3.8e25 FLOPs", "unknown unit 'FLOPs'", "write FLOP (the count); FLOP/s is not a quantity openwatt knows"),
    ("433 MWH", "unknown unit 'MWH'", "did you mean 'MWh'?"),
    ("433 kg", "unknown unit 'kg'", "did you mean 'kgCO2e'?"),
    ("433", "'433' has no unit", FORM_HINT),
    (" 433 ", "'433' has no unit", FORM_HINT),
    ("", "empty quantity", FORM_HINT),
    ("   ", "empty quantity", FORM_HINT),
    ("nan MWh", "'nan MWh' is not a finite quantity", FINITE_HINT),
    ("-inf W", "'-inf W' is not a finite quantity", FINITE_HINT),
    ("1e999 MWh", "'1e999 MWh' is not a finite quantity", FINITE_HINT),
    ("433  MWh", "'433  MWh' is not a quantity",
     "put at most one space between the number and the unit, e.g. 500 MWh"),
    ("433,000 MWh", "'433,000 MWh' is not a quantity", FORM_HINT),
    ("about 500 MWh", "'about 500 MWh' is not a quantity", FORM_HINT),
    ("MWh 433", "'MWh 433' is not a quantity", FORM_HINT),
    ("\u0664\u0663\u0663 MWh", "'\u0664\u0663\u0663 MWh' is not a quantity", FORM_HINT),
])
def test_parse_errors(text: str, message: str, hint: str) -> None:
    with pytest.raises(QuantityError) as info:
        P(text)
    assert (info.value.message, info.value.hint) == (message, hint)
    assert str(info.value) == message


def test_quantity_error_keeps_state_in_args_and_pickles() -> None:
    error = QuantityError("unknown unit 'MWH'", "did you mean 'MWh'?")
    assert error.args == ("unknown unit 'MWH'", "did you mean 'MWh'?")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.hint) == (error.message, error.hint)
    assert QuantityError("x").hint is None


def test_to_unknown_symbol() -> None:
    with pytest.raises(QuantityError, match="^unknown unit 'MWH'$"):
        P("1 GWh").to("MWH")


# --- regular expressions ---

def test_pattern_for_energy() -> None:
    pattern = pattern_for("energy")
    for good in ("433 MWh", "433MWh", "-1.5e+3 kWh", "500 mWh", ".5 GJ"):
        assert re.search(pattern, good), good
    for bad in ("433 kg", "433", "433 W", "433  MWh", " 433 MWh", "433 MWh x", "MWh", "433 mwh"):
        assert not re.search(pattern, bad), bad


@pytest.mark.parametrize("kind", list(DIMENSIONS))
def test_pattern_for_each_kind_accepts_exactly_its_units(kind: str) -> None:
    pattern = pattern_for(kind)
    assert "(?P" not in pattern and "\\d" not in pattern  # stays inside the ECMA-262 subset Python shares
    for symbol, u in UNITS.items():
        assert bool(re.search(pattern, f"1 {symbol}")) == (u.dimension == DIMENSIONS[kind]), symbol
    alternatives = pattern.rsplit("(?:", 1)[1].removesuffix(")$").split("|")
    assert [len(a) for a in alternatives] == sorted((len(a) for a in alternatives), reverse=True)


def test_pattern_for_unknown_kind() -> None:
    with pytest.raises(QuantityError, match="^unknown quantity kind 'mass'$"):
        pattern_for("mass")


def test_quantity_re() -> None:
    match = QUANTITY_RE.match("3.8e25 FLOP")
    assert match is not None and (match["number"], match["unit"]) == ("3.8e25", "FLOP")
    assert QUANTITY_RE.match("1 kgCO2eq/MWh")["unit"] == "kgCO2eq/MWh"  # type: ignore[index]
    assert QUANTITY_RE.match("433 MWh\n") is None
    assert QUANTITY_RE.match("433") is None


# --- the module stays cheap to import ---

def test_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(quantities.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported == {"__future__", "difflib", "functools", "math", "operator", "re", "collections.abc",
                        "dataclasses", "types"}


def test_importing_does_not_load_pint() -> None:
    code = "import sys, openwatt.values.quantities; print('pint' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
