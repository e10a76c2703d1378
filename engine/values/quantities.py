"""Quantities with units (433 MWh, 24.7 tCO2e, 3.8e25 FLOP): parsing, conversion, arithmetic, display."""

from __future__ import annotations

import difflib
import functools
import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "UnknownUnitError",
    "CARBON", "CARBON_INTENSITY", "COMPUTE", "DIMENSIONLESS", "DIMENSIONS", "ENERGY", "POWER",
    "QUANTITY_RE", "TIME", "UNITS", "VOLUME", "WATER_INTENSITY", "Dimension", "DimensionError",
    "Quantity", "QuantityError", "Unit", "format_number", "parse_quantity", "pattern_for", "unit",
]


class QuantityError(ValueError):
    """A unit or quantity that cannot be read; ``hint`` says how to write it (or is None)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)  # state lives in args, so the error pickles across audit workers
        self.message, self.hint = message, hint

    def __str__(self) -> str:
        return self.message


class UnknownUnitError(QuantityError):
    """A unit symbol openwatt does not know; ``hint`` names the units that were probably meant."""


class DimensionError(TypeError):
    """Quantities of incompatible dimensions were compared, added, subtracted or converted."""


BASE_DIMENSIONS = ("energy", "time", "carbon", "volume", "compute")


@dataclass(frozen=True, slots=True)
class Dimension:
    """Integer exponents of the base dimensions, kept as sorted (base, exponent) pairs so it hashes."""

    exponents: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        # Normalised here so that two spellings of one dimension compare and hash equal.
        pairs = tuple(sorted((base, int(e)) for base, e in self.exponents if e))
        if unknown := sorted({base for base, _ in pairs} - set(BASE_DIMENSIONS)):
            raise ValueError(f"unknown base dimension {unknown[0]!r}")
        object.__setattr__(self, "exponents", pairs)

    @classmethod
    def of(cls, **exponents: int) -> Dimension:
        """``Dimension.of(energy=1, time=-1)`` is power."""
        return cls(tuple(exponents.items()))

    def __mul__(self, other: Dimension) -> Dimension:
        return self._combine(other, 1)

    def __truediv__(self, other: Dimension) -> Dimension:
        return self._combine(other, -1)

    def _combine(self, other: Dimension, sign: int) -> Dimension:
        exponents = dict(self.exponents)
        for base, e in other.exponents:
            exponents[base] = exponents.get(base, 0) + sign * e
        return Dimension(tuple(exponents.items()))

    @property
    def name(self) -> str:
        """'energy', 'carbon intensity', …; unnamed ones read like 'energy·time' or 'carbon/time'."""
        if (named := _DIMENSION_NAMES.get(self)) is not None:
            return named
        up = [base if e == 1 else f"{base}^{e}" for base, e in self.exponents if e > 0]
        down = [base if e == -1 else f"{base}^{-e}" for base, e in self.exponents if e < 0]
        top = "·".join(up) or "1"
        if not down:
            return top
        return f"{top}/{down[0]}" if len(down) == 1 else f"{top}/({'·'.join(down)})"


ENERGY = Dimension.of(energy=1)
POWER = Dimension.of(energy=1, time=-1)
TIME = Dimension.of(time=1)
CARBON = Dimension.of(carbon=1)
VOLUME = Dimension.of(volume=1)
COMPUTE = Dimension.of(compute=1)
CARBON_INTENSITY = Dimension.of(carbon=1, energy=-1)
WATER_INTENSITY = Dimension.of(volume=1, energy=-1)
DIMENSIONLESS = Dimension()

_DIMENSION_NAMES: Mapping[Dimension, str] = MappingProxyType({
    ENERGY: "energy", POWER: "power", TIME: "time", CARBON: "carbon mass", VOLUME: "volume",
    COMPUTE: "compute", CARBON_INTENSITY: "carbon intensity", WATER_INTENSITY: "water intensity",
    DIMENSIONLESS: "dimensionless",
})

# Keys as the disclosure schema names quantity kinds.
DIMENSIONS: Mapping[str, Dimension] = MappingProxyType({
    "energy": ENERGY, "power": POWER, "time": TIME, "carbon": CARBON, "volume": VOLUME,
    "compute": COMPUTE, "carbon_intensity": CARBON_INTENSITY, "water_intensity": WATER_INTENSITY,
})


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit symbol and its factor to the base unit of its dimension (J, s, gCO2e, L, FLOP, products)."""

    symbol: str
    factor: float
    dimension: Dimension


# SI prefixes as pint defines them; every factor below is built from these so none is a typed decimal.
_m, _k, _M, _G, _T, _P, _E, _Z, _Y = 1e-3, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18, 1e21, 1e24
_H = 60.0 * 60.0             # J per Wh, s per h
_DAY = 24 * _H
_YEAR = 365.25 * _DAY        # pint's year (Julian); pint's month is a twelfth of it

UNITS: Mapping[str, Unit] = MappingProxyType({u.symbol: u for u in (
    # energy, base J. mWh is the SI milliwatt-hour even where FMTI writes it for MWh: never reinterpreted.
    Unit("J", 1.0, ENERGY),
    Unit("kJ", _k, ENERGY),
    Unit("MJ", _M, ENERGY),
    Unit("GJ", _G, ENERGY),
    Unit("TJ", _T, ENERGY),
    Unit("PJ", _P, ENERGY),
    Unit("mWh", _m * _H, ENERGY),
    Unit("Wh", _H, ENERGY),
    Unit("kWh", _k * _H, ENERGY),
    Unit("MWh", _M * _H, ENERGY),
    Unit("GWh", _G * _H, ENERGY),
    Unit("TWh", _T * _H, ENERGY),
    # power, base W = J/s
    Unit("mW", _m, POWER),
    Unit("W", 1.0, POWER),
    Unit("kW", _k, POWER),
    Unit("MW", _M, POWER),
    Unit("GW", _G, POWER),
    # time, base s
    Unit("s", 1.0, TIME),
    Unit("min", 60.0, TIME),
    Unit("h", _H, TIME),
    Unit("d", _DAY, TIME),
    Unit("day", _DAY, TIME), Unit("days", _DAY, TIME),
    Unit("week", 7 * _DAY, TIME), Unit("weeks", 7 * _DAY, TIME),
    Unit("month", _YEAR / 12, TIME), Unit("months", _YEAR / 12, TIME),
    Unit("year", _YEAR, TIME), Unit("years", _YEAR, TIME),
    Unit("yr", _YEAR, TIME),
    # carbon (CO2-equivalent mass), base gCO2e; t is the metric tonne, i.e. a megagram
    Unit("gCO2e", 1.0, CARBON), Unit("gCO2eq", 1.0, CARBON),
    Unit("kgCO2e", _k, CARBON), Unit("kgCO2eq", _k, CARBON),
    Unit("tCO2e", _M, CARBON), Unit("tCO2eq", _M, CARBON),
    Unit("ktCO2e", _G, CARBON), Unit("ktCO2eq", _G, CARBON),
    Unit("MtCO2e", _T, CARBON), Unit("MtCO2eq", _T, CARBON),
    # volume (water), base L; ML is the megalitre FMTI asks for
    Unit("mL", _m, VOLUME),
    Unit("L", 1.0, VOLUME),
    Unit("kL", _k, VOLUME),
    Unit("ML", _M, VOLUME),
    Unit("GL", _G, VOLUME),
    Unit("m3", _k, VOLUME),
    # compute (floating-point operations, a count; FLOP/s is deliberately absent), base FLOP
    Unit("FLOP", 1.0, COMPUTE),
    Unit("kFLOP", _k, COMPUTE),
    Unit("MFLOP", _M, COMPUTE),
    Unit("GFLOP", _G, COMPUTE),
    Unit("TFLOP", _T, COMPUTE),
    Unit("PFLOP", _P, COMPUTE),
    Unit("EFLOP", _E, COMPUTE),
    Unit("ZFLOP", _Z, COMPUTE),
    Unit("YFLOP", _Y, COMPUTE),
    # carbon intensity, base gCO2e/J
    Unit("gCO2e/kWh", 1.0 / (_k * _H), CARBON_INTENSITY),
    Unit("gCO2eq/kWh", 1.0 / (_k * _H), CARBON_INTENSITY),
    Unit("kgCO2e/kWh", _k / (_k * _H), CARBON_INTENSITY),
    Unit("kgCO2eq/kWh", _k / (_k * _H), CARBON_INTENSITY),
    Unit("kgCO2e/MWh", _k / (_M * _H), CARBON_INTENSITY),
    Unit("kgCO2eq/MWh", _k / (_M * _H), CARBON_INTENSITY),
    Unit("tCO2e/MWh", _M / (_M * _H), CARBON_INTENSITY),
    Unit("tCO2eq/MWh", _M / (_M * _H), CARBON_INTENSITY),
    Unit("tCO2e/GWh", _M / (_G * _H), CARBON_INTENSITY),
    Unit("tCO2eq/GWh", _M / (_G * _H), CARBON_INTENSITY),
    # water intensity, base L/J
    Unit("L/kWh", 1.0 / (_k * _H), WATER_INTENSITY),
    Unit("mL/kWh", _m / (_k * _H), WATER_INTENSITY),
    Unit("L/MWh", 1.0 / (_M * _H), WATER_INTENSITY),
)})

# Display units per dimension, smallest first; humanize() takes the largest that keeps the number >= 1.
_DISPLAY: Mapping[Dimension, tuple[Unit, ...]] = MappingProxyType({
    dimension: tuple(UNITS[s] for s in symbols) for dimension, symbols in (
        (ENERGY, ("Wh", "kWh", "MWh", "GWh", "TWh")),
        (POWER, ("W", "kW", "MW", "GW")),
        (TIME, ("s", "min", "h", "days", "years")),
        (CARBON, ("gCO2e", "kgCO2e", "tCO2e", "ktCO2e", "MtCO2e")),
        (VOLUME, ("mL", "L", "kL", "ML", "GL")),
        (COMPUTE, ("FLOP",)),
        (CARBON_INTENSITY, ("gCO2e/kWh",)),
        (WATER_INTENSITY, ("L/kWh",)),
    )
})

_SIGNIFICANT = 12  # digits kept when comparing: wider than any disclosure, narrower than float noise


def _key(x: float) -> float:
    # Conversions leave a few ulps of noise (153.6 MWh is not exactly 384 * 400 W * 1000 h in binary), so
    # equality, order and hash all use the base value rounded to 12 significant digits: consistent and
    # transitive, unlike a tolerance.
    return float(f"{x:.{_SIGNIFICANT}g}")


def _tidy(x: float) -> float:
    # Results shown to people (explanations) should read 29, not 28.999999999999996.
    return float(f"{x:.15g}")


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _grouped(symbol: str) -> str:
    # Symbols read left to right, so only a compound divisor needs parentheses: a/(b·c).
    return f"({symbol})" if "/" in symbol or "·" in symbol else symbol


def _ordering(compare: Callable[[float, float], bool]) -> Callable[[Quantity, object], bool]:
    def method(self: Quantity, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return compare(*self._keys(other))
    return method


@dataclass(frozen=True, slots=True)
class Quantity:
    """A magnitude in a unit. Comparisons and hashing use the base value (to 12 significant digits)."""

    magnitude: float
    unit: Unit

    def __post_init__(self) -> None:
        if not math.isfinite(self.magnitude):
            raise QuantityError(f"a quantity must be finite, not {self.magnitude!r}")
        object.__setattr__(self, "magnitude", float(self.magnitude))

    @property
    def dimension(self) -> Dimension:
        return self.unit.dimension

    @property
    def base(self) -> float:
        """The magnitude in the base unit of the dimension (J, s, gCO2e, L, FLOP, W, …)."""
        return self.magnitude * self.unit.factor

    def to(self, target: Unit | str) -> Quantity:
        """The same quantity in another unit of its dimension; DimensionError otherwise."""
        new = unit(target) if isinstance(target, str) else target
        if new.dimension != self.dimension:
            raise DimensionError(f"cannot convert {self.dimension.name} to {new.dimension.name}")
        ratio = self.unit.factor / new.factor
        # Dividing by an exact 1000 is exact where multiplying by an inexact 0.001 is not.
        magnitude = self.magnitude * ratio if ratio >= 1 else self.magnitude / (new.factor / self.unit.factor)
        return Quantity(_tidy(magnitude), new)

    def humanize(self) -> Quantity:
        """In the largest display unit that keeps the magnitude >= 1: 1.2e9 Wh -> 1.2 GWh."""
        choices = _DISPLAY.get(self.dimension)
        if not choices:
            return self
        size = _key(abs(self.base))
        fitting = [u for u in choices if size >= u.factor]
        return self.to(fitting[-1] if fitting else choices[0])  # choices run smallest first

    def __str__(self) -> str:
        return f"{format_number(self.magnitude)} {self.unit.symbol}"

    def __repr__(self) -> str:
        return f"<Quantity {self}>"

    def _keys(self, other: Quantity) -> tuple[float, float]:
        if other.dimension != self.dimension:
            raise DimensionError(f"cannot compare {self.dimension.name} with {other.dimension.name}")
        return _key(self.base), _key(other.base)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.dimension == other.dimension and _key(self.base) == _key(other.base)

    def __hash__(self) -> int:
        return hash((self.dimension, _key(self.base)))

    __lt__ = _ordering(operator.lt)
    __le__ = _ordering(operator.le)
    __gt__ = _ordering(operator.gt)
    __ge__ = _ordering(operator.ge)

    def __add__(self, other: object) -> Quantity:
        return self._plus(other, 1, "cannot add {} to {}")

    def __sub__(self, other: object) -> Quantity:
        return self._plus(other, -1, "cannot subtract {} from {}")

    def _plus(self, other: object, sign: int, refusal: str) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        if other.dimension != self.dimension:
            raise DimensionError(refusal.format(other.dimension.name, self.dimension.name))
        return Quantity(_tidy(self.magnitude + sign * other.to(self.unit).magnitude), self.unit)

    def __neg__(self) -> Quantity:
        return Quantity(-self.magnitude, self.unit)

    def __mul__(self, other: object) -> Quantity | float:
        if isinstance(other, Quantity):
            return self._combine(other, divide=False)
        if _is_number(other):
            return Quantity(_tidy(self.magnitude * other), self.unit)  # type: ignore[operator]
        return NotImplemented

    def __rmul__(self, other: object) -> Quantity:
        if _is_number(other):
            return Quantity(_tidy(other * self.magnitude), self.unit)  # type: ignore[operator]
        return NotImplemented

    def __truediv__(self, other: object) -> Quantity | float:
        if isinstance(other, Quantity):
            return self._combine(other, divide=True)
        if _is_number(other):
            return Quantity(_tidy(self.magnitude / other), self.unit)  # type: ignore[operator]
        return NotImplemented

    def _combine(self, other: Quantity, *, divide: bool) -> Quantity | float:
        a, b = self.unit, other.unit
        if divide:
            magnitude, factor = self.magnitude / other.magnitude, a.factor / b.factor
            dimension, symbol = a.dimension / b.dimension, f"{a.symbol}/{_grouped(b.symbol)}"
        else:
            magnitude, factor = self.magnitude * other.magnitude, a.factor * b.factor
            dimension, symbol = a.dimension * b.dimension, f"{a.symbol}·{b.symbol}"
        if dimension == DIMENSIONLESS:
            return _tidy(magnitude * factor)  # a ratio of like quantities is a plain number
        if (named := _DISPLAY.get(dimension)) is not None:  # MWh × gCO2e/kWh is carbon: say it in tCO2e
            return Quantity(_tidy(magnitude * factor / named[0].factor), named[0]).humanize()
        return Quantity(_tidy(magnitude), Unit(symbol, factor, dimension))


def format_number(x: float) -> str:
    """Shortest round-trip text: 500 -> '500', 1.2 -> '1.2', 3.8e25 -> '3.8e25', 1e-05 -> '1e-5'."""
    x = float(x)
    if x == 0:
        return "0"  # -0.0 too: a signed zero means nothing to a reader
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    mantissa, marker, exponent = repr(x).partition("e")
    return f"{mantissa}e{int(exponent)}" if marker else mantissa


_FORM_HINT = "write a number and a unit, e.g. 500 MWh"
_FINITE_HINT = "NaN and infinity are not quantities; write a number and a unit, e.g. 500 MWh"
_SPACE_HINT = "put at most one space between the number and the unit, e.g. 500 MWh"
_FLOP_HINT = "write {} (the count); FLOP/s is not a quantity openwatt knows"
_KINDS_HINT = ("openwatt knows units of energy (MWh), power (W), time (days), carbon mass (tCO2e), "
               "volume (ML), compute (FLOP), carbon intensity (gCO2e/kWh) and water intensity (L/kWh)")


def _either(symbols: Iterable[str]) -> str:
    quoted = [repr(s) for s in symbols]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _case_matches(symbol: str) -> list[str]:
    folded = [s for s in UNITS if s.lower() == symbol.lower()]
    # A capital the writer typed is taken as meant; a small letter may be a capital typed loosely
    # (FMTI writes "mWh" for MWh). So "mwh" offers MWh and mWh, "Mwh" and "MWH" only MWh.
    meant = [s for s in folded if all(t == c or t.islower() for t, c in zip(symbol, s))]
    if meant or not folded:
        return sorted(meant)
    score = {s: sum(t == c for t, c in zip(symbol, s)) for s in folded}
    return sorted(s for s in folded if score[s] == max(score.values()))


def _unit_hint(symbol: str) -> str:
    lowered = symbol.lower()
    if lowered.endswith(("flops", "flop/s")):
        stem = symbol[:-2] if lowered.endswith("/s") else symbol[:-1]
        return _FLOP_HINT.format(stem if stem in UNITS else "FLOP")
    if symbol + "CO2e" in UNITS:  # "24.7 t": carbon is written as CO2-equivalent mass
        return f"did you mean {symbol + 'CO2e'!r}?"
    if not (candidates := _case_matches(symbol)):
        by_folded: dict[str, list[str]] = {}
        for s in UNITS:
            by_folded.setdefault(s.lower(), []).append(s)
        close = difflib.get_close_matches(lowered, by_folded, n=3, cutoff=0.6)
        candidates = [s for f in close for s in sorted(by_folded[f])][:3]
    return f"did you mean {_either(candidates)}?" if candidates else _KINDS_HINT


def unit(symbol: str) -> Unit:
    """The unit with this exact (case-sensitive) symbol; QuantityError with a did-you-mean hint otherwise."""
    if (found := UNITS.get(symbol)) is not None:
        return found
    raise UnknownUnitError(f"unknown unit {symbol!r}", _unit_hint(symbol))


# [0-9], not \d: Python's \d also takes other scripts' digits, ECMA-262's does not.
_NUMBER = r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def _alternation(symbols: Iterable[str]) -> str:
    # Longest first, so that an unanchored use of the pattern still prefers MWh over a shorter symbol.
    return "|".join(re.escape(s) for s in sorted(symbols, key=lambda s: (-len(s), s)))


QUANTITY_RE: re.Pattern[str] = re.compile(rf"\A(?P<number>{_NUMBER}) ?(?P<unit>{_alternation(UNITS)})\Z")
_LOOSE_RE = re.compile(rf"(?P<number>{_NUMBER})(?P<gap>\s*)(?P<unit>.*)", re.DOTALL)
_NON_FINITE_RE = re.compile(r"[+-]?(?:nan|inf(?:inity)?)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)  # called once per document value, and documents repeat values
def parse_quantity(text: str) -> Quantity:
    """'433 MWh', '433MWh', '3.8e25 FLOP' -> Quantity; QuantityError with a hint for anything else."""
    stripped = text.strip()
    if match := QUANTITY_RE.match(stripped):
        number = float(match["number"])
        if not math.isfinite(number):  # 1e999 overflows to inf
            raise QuantityError(f"{stripped!r} is not a finite quantity", _FINITE_HINT)
        return Quantity(number, UNITS[match["unit"]])
    if not stripped:
        raise QuantityError("empty quantity", _FORM_HINT)
    if _NON_FINITE_RE.match(stripped):
        raise QuantityError(f"{stripped!r} is not a finite quantity", _FINITE_HINT)
    loose = _LOOSE_RE.match(stripped)
    if loose is None or (loose["unit"] and not loose["unit"][0].isalpha()):
        raise QuantityError(f"{stripped!r} is not a quantity", _FORM_HINT)
    if not loose["unit"]:
        raise QuantityError(f"{stripped!r} has no unit", _FORM_HINT)
    unit(loose["unit"])  # raises for an unknown unit; a known one means the gap was the problem
    raise QuantityError(f"{stripped!r} is not a quantity", _SPACE_HINT)


def pattern_for(kind: str, *, signed: bool = True) -> str:
    """An anchored ECMA-262 regex for a number and any unit of ``kind`` (a key of DIMENSIONS).

    ``signed=False`` refuses a leading minus: the disclosure schema's physical quantities (energy, emissions,
    water, durations, power, carbon intensity, compute) cannot be negative, so `-41.44 tCO2e` is a schema problem.
    """
    if (dimension := DIMENSIONS.get(kind)) is None:
        raise QuantityError(f"unknown quantity kind {kind!r}", f"use one of {', '.join(DIMENSIONS)}")
    symbols = [s for s, u in UNITS.items() if u.dimension == dimension]
    number = _NUMBER if signed else _NUMBER.removeprefix("-?")
    return f"^{number} ?(?:{_alternation(symbols)})$"
