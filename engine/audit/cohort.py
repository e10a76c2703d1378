"""The cohort view of an audit: each disclosure's training energy per FLOP and grid carbon intensity, and which
disclosures lie far outside the rest of the cohort.

`figures_of` reads the figures from a checked document, in the worker, into a few compact keys that go into the
input's findings.jsonl line (`figures`), so a resumed audit still has them. `Cohort` holds one metric's values
over the audited inputs and flags the outliers by a robust rule in log space (docs/audit.md, "report.html"):

    flagged when |log10(x) - m| > max(K x 1.4826 x MAD, log10(MIN_FACTOR))

where m is the median of log10(x) over the cohort and MAD the median absolute deviation from it (1.4826 x MAD
estimates the standard deviation of normal data; K = 3.5 is Iglewicz and Hoaglin's cut-off for the modified
z-score). The floor keeps a tight cohort (identical hardware, one grid) from flagging a disclosure within a
factor of MIN_FACTOR of the median. A cohort of fewer than MIN_COHORT values flags nothing.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..values.energy import Basis, emissions_of
from ..values.quantities import COMPUTE, ENERGY, POWER, TIME, Dimension, QuantityError, parse_quantity

__all__ = ["K", "MIN_COHORT", "MIN_FACTOR", "Band", "Cohort", "Metric", "Outlier", "bands", "figures_of"]

K = 3.5  # Iglewicz and Hoaglin (1993): |modified z-score| > 3.5 is a potential outlier
MAD_TO_SD = 1.4826  # 1 / Phi^-1(3/4): MAD x this estimates the standard deviation of normal data
MIN_FACTOR = 10.0  # never flagged within this factor of the cohort's median, whatever its spread
MIN_COHORT = 3  # fewer values than this make no cohort (no median and spread to speak of): nothing is flagged

_KWH = 3.6e6  # joules
_DIGITS = 6  # significant digits kept in findings.jsonl: far finer than any disclosure's own
_NOT_DENSE = ("mixture", "moe", "sparse")  # 6 x parameters x tokens holds for dense transformers only


class Metric(StrEnum):
    """The figures the cohort view compares, by their key in `figures` and their summary.csv column."""

    ENERGY_PER_FLOP = "energy_per_flop"  # J per training FLOP
    CARBON_INTENSITY = "carbon_intensity"  # location-based, gCO2e/kWh


class Outlier(StrEnum):
    """Where a figure lies against its cohort: summary.csv's `<metric>_outlier` (empty: not judged)."""

    HIGH = "high"
    LOW = "low"
    NO = "no"


# ---- reading one document ------------------------------------------------------------------------------------


def figures_of(data: Any) -> dict[str, Any]:
    """What the report needs of one disclosure, compact: only the keys it has a figure for, in a fixed order.

    `energy_kwh`: the training energy as stated, else device time x disclosed power per device (the Meta model
    cards' convention) when every hardware entry gives both (`energy_from`: `stated` or `device time x power`).
    `compute_flop`: the training compute as stated, else 6 x parameters x tokens for a dense model (`compute_from`:
    `stated` or `6ND`). `energy_per_flop`: their quotient in J/FLOP. `carbon_intensity`: the location-based grid
    intensity in gCO2e/kWh as stated, else emissions / energy (`carbon_intensity_from`: `stated` or `implied`).
    """
    if not isinstance(data, Mapping):
        return {}
    model, energy = _mapping(data.get("model")), _mapping(data.get("energy"))
    training = _mapping(energy.get("training"))
    figures: dict[str, Any] = {}
    if isinstance(model.get("id"), str):
        figures["model"] = model["id"]
    joules, energy_from = _energy(training)
    flop, compute_from = _compute(training, model)
    if joules is not None:
        figures.update(energy_kwh=_round(joules / _KWH), energy_from=energy_from)
    if flop is not None:
        figures.update(compute_flop=_round(flop), compute_from=compute_from)
    if joules is not None and flop:
        figures[Metric.ENERGY_PER_FLOP.value] = _round(joules / flop)
    intensity, intensity_from = _intensity(training, joules)
    if intensity is not None:
        figures.update({Metric.CARBON_INTENSITY.value: _round(intensity), "carbon_intensity_from": intensity_from})
    return figures


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _round(value: float) -> float:
    return float(f"{value:.{_DIGITS}g}")


def _quantity(mapping: Any, key: str, dimension: Dimension) -> float | None:
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    if not isinstance(value, str):
        return None
    try:
        q = parse_quantity(value)
    except QuantityError:
        return None
    return q.base if q.dimension == dimension and math.isfinite(q.base) and q.base >= 0 else None


def _number(mapping: Mapping[str, Any], key: str) -> float | None:
    value = mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return float(value)


def _energy(training: Mapping[str, Any]) -> tuple[float | None, str]:
    stated = _quantity(training, "energy", ENERGY)
    if stated is not None:
        return stated, "stated"
    entries = training.get("hardware")
    entries = [e for e in entries if isinstance(e, Mapping)] if isinstance(entries, list) else []
    total = 0.0
    for entry in entries:
        seconds = _quantity(entry, "accelerator_time", TIME)
        if seconds is None and (count := _number(entry, "count")) is not None:
            duration = _quantity(entry, "duration", TIME)
            seconds = None if duration is None else count * duration
        if seconds is None and len(entries) == 1:
            seconds = _quantity(training, "accelerator_time", TIME)  # a phase total stands in for its one entry
        watts = _quantity(entry, "board_power", POWER) or _quantity(entry, "power", POWER)
        if seconds is None or not watts:
            return None, ""
        total += seconds * watts
    return (total, "device time x power") if entries and total > 0 else (None, "")


def _compute(training: Mapping[str, Any], model: Mapping[str, Any]) -> tuple[float | None, str]:
    stated = _quantity(training, "compute", COMPUTE)
    if stated is not None:
        return stated, "stated"
    parameters, tokens = _number(model, "parameters"), _number(training, "tokens")
    architecture = model.get("architecture")
    dense = isinstance(architecture, str) and not any(w in architecture.lower() for w in _NOT_DENSE)
    if parameters and tokens and dense:
        return 6 * parameters * tokens, "6ND"
    return None, ""


def _intensity(training: Mapping[str, Any], joules: float | None) -> tuple[float | None, str]:
    """Location-based gCO2e/kWh: as stated, else emissions over the energy (x PUE below facility boundary)."""
    emissions, intensity = emissions_of(training, Basis.LOCATION)
    if intensity is not None:
        return intensity * _KWH, "stated"
    if emissions is None or not joules:
        return None, ""
    pue = _number(training, "pue")
    factor = pue if pue and training.get("boundary") in ("accelerators", "node") else 1.0
    return emissions / (joules * factor) * _KWH, "implied"


# ---- the cohort ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Band:
    """The values a cohort does not flag: [low, high], from the median and spread of log10(x)."""

    count: int  # values in the cohort
    median: float  # of the values (10 ** the median of their logarithms)
    low: float
    high: float

    def judge(self, value: float) -> Outlier:
        if value < self.low or value <= 0:
            return Outlier.LOW
        return Outlier.HIGH if value > self.high else Outlier.NO


class Cohort:
    """One metric's values over the audited inputs (8 bytes each: the values are kept to take their median)."""

    def __init__(self, values: Iterable[float] = ()) -> None:
        self._values = array("d", values)

    def add(self, value: float) -> None:
        self._values.append(value)

    def __len__(self) -> int:
        return len(self._values)

    def band(self) -> Band | None:
        """The band of ordinary values, or None when fewer than MIN_COHORT positive values make the cohort.
        Only positive values take part (a logarithm is needed); a zero is judged low."""
        logs = sorted(math.log10(v) for v in self._values if v > 0)
        if len(logs) < MIN_COHORT:
            return None
        middle = _median(logs)
        mad = _median(sorted(abs(x - middle) for x in logs))
        reach = max(K * MAD_TO_SD * mad, math.log10(MIN_FACTOR))
        return Band(count=len(logs), median=10 ** middle, low=10 ** (middle - reach), high=10 ** (middle + reach))


def _median(ordered: list[float]) -> float:
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def bands(figures: Iterable[Mapping[str, Any]]) -> dict[Metric, Band | None]:
    """Each metric's band over the inputs' `figures` (as findings.jsonl lines hold them)."""
    cohorts = {m: Cohort() for m in Metric}
    for each in figures:
        for metric, cohort in cohorts.items():
            value = each.get(metric.value)
            if isinstance(value, (int, float)):
                cohort.add(value)
    return {m: c.band() for m, c in cohorts.items()}
