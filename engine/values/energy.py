"""The physics of an energy disclosure: device time, energy band, emissions, carbon intensity, family sums, compute.

Each check reads one phase of a disclosure (a plain mapping, quantities as written: "433 MWh") and returns a
Judgement: a verdict (None when it cannot judge), the formula with the figures in words, and the facts it lacks.
The constants are the documented allowances (notes/energy-research.md sections 2 and 4; energy-formats.md
section 9); docs/language.md gives each check's formula.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .devices import lookup
from .quantities import CARBON, CARBON_INTENSITY, COMPUTE, ENERGY, POWER, TIME, Dimension, QuantityError, parse_quantity

__all__ = [
    "HOST_ALLOWANCE", "LOCATION_CI", "MARKET_CI", "MIN_DRAW", "PUE_RANGE", "UTILISATION", "Basis", "Boundary",
    "Judgement", "carbon_intensity_plausible", "compute_matches_6nd", "device_time_fits", "emissions_match",
    "emissions_of", "emissions_text", "energy_in_band", "family_adds_up", "utilisation_plausible",
]

# Node (IT) energy per unit of accelerator energy at board power, at most: a DGX H100 is rated 10.2 kW for 8 x 700 W
# of GPUs (1.82), a DGX A100 6.5 kW for 8 x 400 W (2.03); GPT-3's measured system power was 1.10 x V100 TDP (Patterson
# et al. 2021, Table 4); BLOOM's dynamic plus idle energy is 1.59 x its GPU energy (Luccioni et al. 2023).
HOST_ALLOWANCE = 2.0
# Measured training draw was 15-85 % of the board-power cap (Morrison et al. 2025): the least a device draws.
MIN_DRAW = 0.15
# PUE where a disclosure gives none: 1.0 (no overhead) to 1.6 (the industry average, 1.55-1.59 since 2020, Uptime
# Institute 2023; hyperscale sites report about 1.1).
PUE_RANGE = (1.0, 1.6)
# Grid carbon intensity in kgCO2e/kWh: national averages run from 0.020 (Lesotho) to 1.306 (Turkmenistan) in
# CodeCarbon's global_energy_mix.json (Our World in Data, 2022-2023); a location-based factor below 0.01 or above
# 1.4 is a unit slip (g for kg, t for kt). A market-based factor may be 0.
LOCATION_CI = (0.01, 1.4)
MARKET_CI = (0.0, 1.4)
# Model FLOP utilisation of published training runs: 14-48 % (GPT-3 19.6 %, Llama 3.1 405B 34.6 %, LLaMA 65B 47.7 %),
# 5 % for a distilled 1B model; above 75 % is unheard of, and a FLOP figure 10x off lands outside either way.
UTILISATION = (0.05, 0.75)

_KWH = 3.6e6  # joules
_G_PER_KG_KWH = 1000 / _KWH  # 1 kgCO2e/kWh in the base unit gCO2e/J


class Boundary(StrEnum):
    """What an energy figure covers (energy-formats.md section 9.1)."""

    ACCELERATORS = "accelerators"
    NODE = "node"
    FACILITY = "facility"


class Basis(StrEnum):
    """GHG Protocol Scope 2 Guidance (2015) section 1.5.1: the two methods, each reported and labelled."""

    LOCATION = "location-based"
    MARKET = "market-based"

    @property
    def field(self) -> str:
        return self.value.replace("-", "_")


@dataclass(frozen=True, slots=True)
class Judgement:
    """A check's outcome: `verdict` None means it cannot judge, and `missing` names the facts it lacks."""

    verdict: bool | None
    detail: str
    missing: tuple[str, ...] = ()


# ---- reading ----------------------------------------------------------------------------------------


def _quantity(mapping: Any, key: str, dimension: Dimension) -> float | None:
    """The base value of a quantity field, None when absent or unreadable (the schema reports a bad one)."""
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    if not isinstance(value, str):
        return None
    try:
        q = parse_quantity(value)
    except QuantityError:
        return None
    return q.base if q.dimension == dimension and math.isfinite(q.base) and q.base >= 0 else None


def _number(mapping: Any, key: str) -> float | None:
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def _boundary(phase: Mapping[str, Any]) -> Boundary | None:
    value = phase.get("boundary")  # anything a submitter wrote: a list or a mapping is no boundary either
    return Boundary(value) if isinstance(value, str) and value in {b.value for b in Boundary} else None


def _hardware(phase: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    entries = phase.get("hardware")
    return [e for e in entries if isinstance(e, Mapping)] if isinstance(entries, list) else []


def _entry_time(entry: Mapping[str, Any]) -> float | None:
    total = _quantity(entry, "accelerator_time", TIME)
    if total is not None:
        return total
    count, duration = _number(entry, "count"), _quantity(entry, "duration", TIME)
    return None if count is None or duration is None else count * duration


def _device_times(phase: Mapping[str, Any], where: str) -> tuple[list[float | None], list[str]]:
    """Device time (s) of each hardware entry; a phase total stands in for a single entry without its own."""
    entries = _hardware(phase)
    times = [_entry_time(e) for e in entries]
    total = _quantity(phase, "accelerator_time", TIME)
    if len(entries) == 1 and times[0] is None and total is not None:
        times = [total]
    if not entries:
        return [], [f"{where}.hardware"]
    missing = [f"{where}.hardware[{i}].accelerator_time (or count and duration)"
               for i, t in enumerate(times) if t is None]
    return times, missing


def emissions_text(phase: Mapping[str, Any], basis: Basis) -> str | None:
    """The emissions on `basis` as written ("4.14 tCO2e"), from the fields `emissions_of` reads; None if absent."""
    figure = phase.get(basis.field)
    if isinstance(figure, Mapping):
        value = figure.get("emissions")
    elif phase.get("emissions_basis", Basis.LOCATION.value) == basis.value:
        value = phase.get("emissions")
    else:
        value = None
    return value if isinstance(value, str) and _quantity({"v": value}, "v", CARBON) is not None else None


def emissions_of(phase: Mapping[str, Any], basis: Basis) -> tuple[float | None, float | None]:
    """(emissions in gCO2e, carbon intensity in gCO2e/J) on `basis`, None where not given.

    Version 2 fields (`location_based`, `market_based`) first; else the version 1 `emissions` and
    `carbon_intensity`, read as the basis `emissions_basis` names, and as location-based when it names none.
    """
    figure = phase.get(basis.field)
    emissions = _quantity(figure, "emissions", CARBON)
    intensity = _quantity(figure, "carbon_intensity", CARBON_INTENSITY)
    v1_basis = phase.get("emissions_basis", Basis.LOCATION.value)
    if v1_basis == basis.value:
        if emissions is None and not isinstance(figure, Mapping):
            emissions = _quantity(phase, "emissions", CARBON)
        if intensity is None:
            intensity = _quantity(phase, "carbon_intensity", CARBON_INTENSITY)
    return emissions, intensity


# ---- words --------------------------------------------------------------------------------------------


def _sig(value: float, digits: int = 4) -> str:
    """A number for people: 1,082,990 (whole numbers of 4+ digits), 0.4235, 552.1, 1.2e+24."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if abs(value) >= 1e15 or abs(value) < 1e-4:
        return f"{value:.3g}"
    if abs(value) >= 10 ** (digits - 1) and abs(value - round(value)) < 1e-9 * abs(value) + 1e-9:
        return f"{round(value):,}"
    text = f"{value:.{digits}g}"
    if "e" in text:
        return f"{round(float(text)):,}"
    return text


_ENERGY_UNITS = (("TWh", 3.6e15), ("GWh", 3.6e12), ("MWh", 3.6e9), ("kWh", 3.6e6), ("Wh", 3.6e3))
_CARBON_UNITS = (("MtCO2e", 1e12), ("ktCO2e", 1e9), ("tCO2e", 1e6), ("kgCO2e", 1e3))


def _in(value: float, units: Sequence[tuple[str, float]], last: str) -> str:
    unit, size = next(((u, s) for u, s in units if abs(value) >= s), (last, 1.0))
    return f"{_sig(value / size)} {unit}"


def _energy(joules: float) -> str:
    return _in(joules, _ENERGY_UNITS, "J")


def _carbon(grams: float) -> str:
    return _in(grams, _CARBON_UNITS, "gCO2e")


def _hours(seconds: float) -> str:
    return f"{_sig(seconds / 3600)} h"


def _ci(g_per_j: float) -> str:
    return f"{_sig(g_per_j / _G_PER_KG_KWH)} kgCO2e/kWh"


def _off(value: float, bound: float) -> str:
    """How far `value` lies past `bound`, in words: '15 %' or '7.4x'."""
    if bound <= 0:
        return "an unbounded amount"
    ratio = value / bound
    if ratio >= 2 or ratio <= 0.5:
        return f"{_sig(ratio if ratio >= 1 else 1 / ratio, 3)}x"
    return f"{_sig(abs(ratio - 1) * 100, 2)} %"


def _cannot(missing: Sequence[str], why: str = "", roots: Mapping[str, Any] | None = None) -> Judgement:
    """Cannot judge, naming each fact once: as missing, or as unreadable when it is there but not a value the
    check can use (`roots` maps a path prefix such as "energy.training" to the mapping it names)."""
    facts = list(dict.fromkeys(missing))
    absent, unreadable = [], []
    for fact in facts:
        found = _written(fact, roots or {})
        if found is None:
            absent.append(fact)
        else:
            unreadable.append(f"{fact} ({found!r})")
    parts = [f"missing {', '.join(absent)}"] if absent else []
    if unreadable:
        parts.append(f"unreadable {', '.join(unreadable)}")
    return Judgement(None, f"cannot judge: {why or '; '.join(parts)}", tuple(facts))


def _written(fact: str, roots: Mapping[str, Any]) -> Any:
    """The value written at a dotted fact path under one of `roots`, or None when absent (or not a plain path)."""
    for prefix, mapping in roots.items():
        if not fact.startswith(prefix + ".") or not isinstance(mapping, Mapping):
            continue
        value: Any = mapping
        for key in fact.removeprefix(prefix + ".").split("."):
            if not isinstance(value, Mapping) or not key.isidentifier():
                return None
            value = value.get(key)
        return value
    return None


# ---- device time ---------------------------------------------------------------------------------------


def device_time_fits(phase: Mapping[str, Any], tolerance: float, where: str) -> Judgement:
    """Device time <= devices x wall-clock duration x tolerance (the device time as reported, else the sum over the
    hardware of accelerator_time or count x duration)."""
    duration = _quantity(phase, "duration", TIME)
    entries = _hardware(phase)
    counts = [_number(e, "count") for e in entries]
    total = _quantity(phase, "accelerator_time", TIME)
    times, time_missing = _device_times(phase, where)
    missing = [] if duration is not None else [f"{where}.duration"]
    if not entries:
        missing.append(f"{where}.hardware (with the count of each device)")
    missing += [f"{where}.hardware[{i}].count" for i, c in enumerate(counts) if c is None]
    if total is None and time_missing:
        missing.append(f"{where}.accelerator_time (or the device time of each hardware entry)")
    if missing:
        return _cannot(missing, roots={where: phase})
    assert duration is not None
    used = total if total is not None else sum(t for t in times if t is not None)
    devices = sum(c for c in counts if c is not None)
    available = devices * duration
    formula = (f"device time {_hours(used)} against {_sig(devices)} devices x {_hours(duration)} wall-clock "
               f"= {_hours(available)}, tolerance {tolerance:g}")
    if used <= available * tolerance * (1 + 1e-12):
        return Judgement(True, formula)
    return Judgement(False, f"{formula}: the device time exceeds what the devices can give by "
                            f"{_off(used, available)}")


# ---- energy band ---------------------------------------------------------------------------------------------


def _capacity(phase: Mapping[str, Any], where: str) -> tuple[float, list[str], list[str], str]:
    """(device time x board power in J, terms in words, missing facts, why it cannot judge)."""
    times, missing = _device_times(phase, where)
    capacity, terms, unknown = 0.0, [], []
    for i, (entry, seconds) in enumerate(zip(_hardware(phase), times)):
        described = str(entry.get("type", "?"))
        watts = _quantity(entry, "board_power", POWER)
        if watts is None:
            watts = _quantity(entry, "power", POWER)
        label = f"{_sig(watts or 0)} W (disclosed)"
        if watts is None:
            figures = lookup(described)
            if figures is None or figures.board_power_w is None:
                unknown.append(f"{where}.hardware[{i}].board_power")
                continue
            watts, label = figures.board_power_w, f"{figures.name} {_sig(figures.board_power_w)} W"
        if seconds is not None:
            capacity += seconds * watts
            terms.append(f"{_hours(seconds)} x {label}")
    why = ""
    if unknown:
        names = ", ".join(repr(str(_hardware(phase)[int(u.rsplit("[", 1)[1].split("]")[0])].get("type")))
                          for u in unknown)
        why = f"no board power known for {names}: add `board_power` to the hardware entry"
        if missing:
            why += f"; missing {', '.join(missing)}"
    return capacity, terms, [*missing, *unknown], why


def energy_in_band(phase: Mapping[str, Any], factor: float, where: str) -> Judgement:
    """Reported energy within [MIN_DRAW x C x PUE_low / factor, C x allowance x PUE_high x factor], where C is the
    device time x board power of each hardware entry, the allowance HOST_ALLOWANCE for a node or facility boundary
    (1 for accelerators), and PUE (stated, else PUE_RANGE) applies at facility boundary. No boundary: the widest,
    facility, and the finding says so."""
    energy = _quantity(phase, "energy", ENERGY)
    capacity, terms, missing, why = _capacity(phase, where)
    if energy is None:
        missing.insert(0, f"{where}.energy")
        why = ""
    if missing:
        return _cannot(missing, why, {where: phase})
    assert energy is not None
    boundary = _boundary(phase)
    pue = _number(phase, "pue")
    stated = boundary or Boundary.FACILITY
    allowance = 1.0 if stated is Boundary.ACCELERATORS else HOST_ALLOWANCE
    pue_low, pue_high = (1.0, 1.0) if stated is not Boundary.FACILITY else (pue, pue) if pue else PUE_RANGE
    low, high = MIN_DRAW * capacity * pue_low / factor, capacity * allowance * pue_high * factor
    at = f"{stated} boundary" + ("" if boundary else " (not stated: judged at the widest)")
    parts = [f"{' + '.join(terms)} = {_energy(capacity)} at board power"]
    if allowance != 1:
        parts.append(f"host allowance {allowance:g}")
    if stated is Boundary.FACILITY:
        parts.append(f"PUE {pue:g}" if pue else f"PUE {PUE_RANGE[0]:g}-{PUE_RANGE[1]:g} (not stated)")
    formula = (f"{_energy(energy)} against {_energy(low)}-{_energy(high)} ({at}: {' x '.join(parts)}, "
               f"least draw {MIN_DRAW:.0%}, tolerance {factor:g})")
    if low * (1 - 1e-12) <= energy <= high * (1 + 1e-12):
        return Judgement(True, formula)
    if energy > high:
        return Judgement(False, f"{formula}: above the upper bound by {_off(energy, high)}; the bound has every "
                                f"device at full board power throughout")
    return Judgement(False, f"{formula}: below the lower bound by {_off(energy, low)}; devices draw at least "
                            f"{MIN_DRAW:.0%} of board power in training")


# ---- emissions -----------------------------------------------------------------------------------------------


def _pue_factor(phase: Mapping[str, Any]) -> tuple[float, float, str]:
    """The range of the PUE factor between the energy figure and emissions, with the reason in words."""
    boundary, pue = _boundary(phase), _number(phase, "pue")
    if boundary is Boundary.FACILITY:
        return 1.0, 1.0, "facility boundary: PUE already in the energy"
    if boundary is not None:
        if pue:
            return pue, pue, f"{boundary} boundary: x PUE {pue:g}"
        return PUE_RANGE[0], PUE_RANGE[1], f"{boundary} boundary: x PUE {PUE_RANGE[0]:g}-{PUE_RANGE[1]:g} (not stated)"
    high = pue or PUE_RANGE[1]
    return 1.0, high, f"boundary not stated: x PUE 1-{high:g}, with or without the overhead"


def emissions_match(phase: Mapping[str, Any], basis: Basis, tolerance: float, where: str) -> Judgement:
    """Emissions on `basis` = energy x PUE factor x carbon intensity of that basis, within `tolerance` either way;
    the PUE factor is 1 at facility boundary, the stated PUE below it (else PUE_RANGE)."""
    emissions, intensity = emissions_of(phase, basis)
    energy = _quantity(phase, "energy", ENERGY)
    missing = []
    if emissions is None:
        missing.append(f"{where}.{basis.field}.emissions")
    if energy is None:
        missing.append(f"{where}.energy")
    if intensity is None:
        missing.append(f"{where}.{basis.field}.carbon_intensity")
    if missing:
        return _cannot(missing, roots={where: phase})
    assert emissions is not None and energy is not None and intensity is not None
    f_low, f_high, why = _pue_factor(phase)
    low, high = energy * intensity * f_low, energy * intensity * f_high
    expected = _carbon(low) if low == high else f"{_carbon(low)}-{_carbon(high)}"
    formula = (f"{basis} emissions {_carbon(emissions)} against energy x carbon intensity = {_energy(energy)} x "
               f"{_ci(intensity)} = {expected} ({why}; tolerance {tolerance:g})")
    if low / tolerance * (1 - 1e-12) <= emissions <= high * tolerance * (1 + 1e-12):
        return Judgement(True, formula)
    side, bound = ("above", high) if emissions > high else ("below", low)
    return Judgement(False, f"{formula}: {_off(emissions, bound)} {side}")


def carbon_intensity_plausible(phase: Mapping[str, Any], basis: Basis, where: str) -> Judgement:
    """The carbon intensity on `basis` within LOCATION_CI (MARKET_CI for market-based), in kgCO2e/kWh: as stated,
    else implied by emissions / energy (x PUE below facility), else by emissions / (device time x disclosed power)."""
    emissions, intensity = emissions_of(phase, basis)
    low, high = LOCATION_CI if basis is Basis.LOCATION else MARKET_CI
    how = "as stated"
    if intensity is None and emissions is not None:
        energy = _quantity(phase, "energy", ENERGY)
        if energy:
            f_low, f_high, _ = _pue_factor(phase)
            factor = f_low if f_low == f_high else 1.0
            intensity = emissions / (energy * factor)
            how = f"implied: {_carbon(emissions)} / ({_energy(energy)}" + (f" x PUE {factor:g})" if factor != 1 else ")")
        else:
            disclosed = _disclosed_energy(phase)
            if disclosed is not None and disclosed[0] > 0:
                intensity = emissions / disclosed[0]
                how = f"implied: {_carbon(emissions)} / ({disclosed[1]})"
    if intensity is None:
        return _cannot([f"{where}.{basis.field}.carbon_intensity (or its emissions with {where}.energy)"])
    kg_kwh = intensity / _G_PER_KG_KWH
    formula = (f"{basis} carbon intensity {_ci(intensity)} ({how}) against {_sig(low)}-{_sig(high)} kgCO2e/kWh, "
               "the range of grid averages")
    if low <= kg_kwh * (1 + 1e-12) and kg_kwh <= high * (1 + 1e-12):
        return Judgement(True, formula)
    if kg_kwh < low:
        return Judgement(False, f"{formula}: {_off(kg_kwh, low)} below the lowest; a unit slip (g for kg, t for kt)?")
    return Judgement(False, f"{formula}: {_off(kg_kwh, high)} above the highest; a unit slip (g/kWh written as kg/kWh)?")


def _disclosed_energy(phase: Mapping[str, Any]) -> tuple[float, str] | None:
    """Device time x disclosed power per device (the convention of Meta's model cards), when every entry has both."""
    times, missing = _device_times(phase, "")
    if missing:
        return None
    total, terms = 0.0, []
    for entry, seconds in zip(_hardware(phase), times):
        watts = _quantity(entry, "board_power", POWER) or _quantity(entry, "power", POWER)
        if watts is None or seconds is None:
            return None
        total += seconds * watts
        terms.append(f"{_hours(seconds)} x {_sig(watts)} W")
    return total, " + ".join(terms)


# ---- family tables ---------------------------------------------------------------------------------------------


_COLUMNS: tuple[tuple[str, str | None, Dimension, Any], ...] = (
    ("accelerator_time", None, TIME, _hours),
    ("energy", None, ENERGY, _energy),
    ("location_based", "emissions", CARBON, _carbon),
    ("market_based", "emissions", CARBON, _carbon),
)


def family_adds_up(family: Mapping[str, Any], tolerance: float, where: str) -> Judgement:
    """For each column the total states (device time, energy, location- and market-based emissions): the rows add up
    to the total within `tolerance` (a fraction of the total: 0.01 is 1 %)."""
    rows = [r for r in family.get("variants", []) if isinstance(r, Mapping)] if isinstance(family.get("variants"), list) else []
    total = family.get("total")
    if not rows or not isinstance(total, Mapping):
        return _cannot([f"{where}.variants" if not rows else f"{where}.total"])
    checked, wrong, missing = [], [], []
    for key, sub, dimension, show in _COLUMNS:
        name = f"{key}.{sub}" if sub else key
        stated = _quantity(total.get(key), sub, dimension) if sub else _quantity(total, key, dimension)
        if stated is None:
            continue
        values = [_quantity(r.get(key), sub, dimension) if sub else _quantity(r, key, dimension) for r in rows]
        missing += [f"{where}.variants[{i}].{name}" for i, v in enumerate(values) if v is None]
        if any(v is None for v in values):
            continue
        added = sum(v for v in values if v is not None)
        said = f"{name}: rows add up to {show(added)}, the total says {show(stated)}"
        if abs(added - stated) <= tolerance * max(abs(stated), abs(added)) + 1e-9:
            checked.append(said)
        else:
            wrong.append(f"{said} ({_sig((added - stated) / stated * 100, 2) if stated else 'inf'} %)")
    if wrong:
        return Judgement(False, "; ".join(wrong) + f" (tolerance {tolerance:.0%})")
    if missing:
        return _cannot(missing)
    if not checked:
        return _cannot([f"{where}.total (device time, energy or emissions)"])
    return Judgement(True, "; ".join(checked) + f" (tolerance {tolerance:.0%})")


# ---- compute --------------------------------------------------------------------------------------------------------


_NOT_DENSE = (("mixture", "a mixture-of-experts"), ("moe", "a mixture-of-experts"), ("sparse", "a sparse"),
              ("encoder-decoder", "an encoder-decoder"), ("encoder decoder", "an encoder-decoder"),
              ("seq2seq", "an encoder-decoder"))


def compute_matches_6nd(phase: Mapping[str, Any], model: Mapping[str, Any], margin: float, where: str) -> Judgement:
    """Stated compute within (1 +- margin) x 6 x parameters x tokens: the approximation the Commission's GPAI
    guidelines give for a dense transformer, with their 30 % margin. Mixture-of-experts and encoder-decoder models
    cannot be judged this way."""
    compute = _quantity(phase, "compute", COMPUTE)
    tokens = _number(phase, "tokens")
    parameters = _number(model, "parameters")
    architecture = model.get("architecture") if isinstance(model.get("architecture"), str) else None
    missing = [n for n, v in ((f"{where}.compute", compute), (f"{where}.tokens", tokens),
                              ("model.parameters", parameters), ("model.architecture", architecture)) if v is None]
    if missing:
        return _cannot(missing, roots={where: phase, "model": model})
    assert compute is not None and tokens is not None and parameters is not None and architecture is not None
    kind = next((said for word, said in _NOT_DENSE if word in architecture.lower()), None)
    if kind is not None:
        return _cannot([], f"6 x parameters x tokens holds for dense transformers, and {architecture!r} is {kind} "
                           "architecture")
    estimate = 6 * parameters * tokens
    ratio = compute / estimate if estimate else math.inf
    formula = (f"{_sig(compute)} FLOP against 6 x {_sig(parameters)} parameters x {_sig(tokens)} tokens = "
               f"{_sig(estimate)} FLOP: ratio {_sig(ratio, 3)}, margin {margin:.0%}")
    if 1 - margin <= ratio <= 1 + margin:
        return Judgement(True, formula)
    return Judgement(False, f"{formula}: outside by {_off(ratio, 1 + margin if ratio > 1 else 1 - margin)}")


def utilisation_plausible(phase: Mapping[str, Any], low: float, high: float, where: str) -> Judgement:
    """Stated compute / (device time x peak dense BF16 FLOP/s, summed over the hardware) within [low, high]."""
    compute = _quantity(phase, "compute", COMPUTE)
    times, missing = _device_times(phase, where)
    if compute is None:
        missing.insert(0, f"{where}.compute")
    peak, terms, unknown = 0.0, [], []
    for entry, seconds in zip(_hardware(phase), times):
        figures = lookup(str(entry.get("type", "")))
        if figures is None or figures.peak_flops is None:
            unknown.append(repr(str(entry.get("type", "?"))))
            continue
        if seconds is not None:
            peak += seconds * figures.peak_flops
            terms.append(f"{_hours(seconds)} x {figures.name} {_sig(figures.peak_flops / 1e12)} TFLOP/s")
    if unknown:
        return _cannot(missing, f"no peak FLOP/s known for {', '.join(unknown)}"
                                + (f"; missing {', '.join(missing)}" if missing else ""))
    if missing:
        return _cannot(missing)
    assert compute is not None
    utilisation = compute / peak if peak else math.inf
    formula = (f"{_sig(compute)} FLOP / ({' + '.join(terms)} = {_sig(peak)} FLOP at peak) = {utilisation:.1%} "
               f"utilisation, against {low:.0%}-{high:.0%}")
    if low <= utilisation <= high:
        return Judgement(True, formula)
    side = "above" if utilisation > high else "below"
    return Judgement(False, f"{formula}: {side} the range by {_off(utilisation, high if side == 'above' else low)}; "
                            "a FLOP figure an order of magnitude off, or device time from another run?")
