"""The built-in functions of the policy language: a pure function from `values/` plus one table row each.

The compiler checks arity and argument types against each signature, so implementations get typed
arguments; the docstring (with PASS/FAIL examples) is the reference `policy doc` and docs/language.md show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..values import energy, hardware, licences
from ..values.precision import significant_figures as _significant_figures
from ..values.text import visible
from ..values.urls import is_url
from ..values.quantities import CARBON, ENERGY, TIME, POWER, Quantity, QuantityError, parse_quantity
from ..values.paths import format_path
from .runtime import EvalError, Missing, Mismatch, Path, Undecided
from .types import ANY, BOOLEAN, LIST, NUMBER, STRING, Kind, Type, assignable, quantity

_CHECKS: Mapping[Kind, Callable[[Any], bool]] = {
    Kind.STRING: lambda x: isinstance(x, str),
    Kind.NUMBER: lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
    Kind.BOOLEAN: lambda x: isinstance(x, bool),
    Kind.LIST: lambda x: isinstance(x, list),
    Kind.DATE: lambda x: isinstance(x, dt.date),
    Kind.ANY: lambda x: True,
}


_KIND_OF: dict[type, Kind] = {str: Kind.STRING, list: Kind.LIST, dict: Kind.OBJECT, int: Kind.NUMBER, float: Kind.NUMBER,
                              Quantity: Kind.QUANTITY}
_MAX_DEVICES = 999_999_999  # as the disclosure schema caps hardware[].count


_PythonType = type  # `type` is a field name below


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: Type
    kinds: tuple[_PythonType, ...] = ()  # for an ANY parameter: the Python types it takes at run time
    missing_ok: bool = False  # absent evidence is passed in (as Missing) rather than making the call unknown
    at_least: float | None = None  # the least number it takes; a constant below it is a compile error (OW014)
    wanted: str | None = None  # what it takes, in words, when `type` alone does not say (an ANY with `kinds`)

    def describe(self) -> str:
        """What the parameter takes, in words, for the OW014 message."""
        return self.wanted or self.type.describe()

    def admits(self, type_: Type) -> bool:
        """Whether an argument of static type `type_` may be passed (checked at compile time)."""
        if self.kinds and type_.kind is not Kind.ANY:
            return any(_KIND_OF[k] is type_.kind for k in self.kinds)
        return assignable(type_, self.type)

    def accepts(self, value: Any) -> bool:
        """Whether a value met at run time (from an untyped path) fits this parameter."""
        if self.kinds:  # true and false are ints to Python, never numbers to a policy
            return isinstance(value, self.kinds) and not (isinstance(value, bool) and bool not in self.kinds)
        if self.type.kind is Kind.QUANTITY:
            return isinstance(value, Quantity) and (self.type.dimension is None or value.dimension == self.type.dimension)
        if self.type.kind is Kind.LIST and isinstance(value, str):  # one licence where a list is wanted
            return False
        return _CHECKS.get(self.type.kind, _CHECKS[Kind.ANY])(value)


@dataclass(frozen=True, slots=True)
class Builtin:
    name: str
    params: tuple[Param, ...]
    returns: Type
    impl: Callable[..., Any]
    explain: Callable[..., str] | None = None  # why a boolean built-in is false, in words
    wants_paths: bool = False  # impl also gets the document paths of its arguments (paths=...)
    result: Callable[[Sequence[Type]], Type] | None = None  # the result's type from the arguments' types

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(p.name for p in self.params)})"


# ---- text -----------------------------------------------------------------------------------

def _explain_url(text: str) -> str:
    return f"{text!r} is not an http(s) URL"


def length(value: str | list[Any]) -> int:
    """The number of items in a list, or of visible characters in a string (whitespace and invisible
    characters such as zero-width spaces are not counted). len(components) >= 10."""
    return len(visible(value)) if isinstance(value, str) else len(value)


def lower(text: str) -> str:
    """`text` in lower case, for comparisons that ignore case: lower(model.license) == "mit"."""
    return text.lower()


def default(value: Any, otherwise: Any) -> Any:
    """`value`, or `otherwise` when the disclosure does not give it (a value of the wrong kind is still a
    type mismatch). default(energy.fine_tuning.emissions, 0 tCO2e) is 0 tCO2e for a model never fine-tuned."""
    return otherwise if isinstance(value, Missing) else value


def significant_figures(number: int | float | Quantity) -> int:
    """The significant figures of a number, or of a quantity's number as written in the disclosure, for the
    Code of Practice form's "at least two significant figures": significant_figures(energy.training.compute) >= 2.
    Trailing zeros do not count, after the point or before it (a disclosure's number keeps none): 2.3e25 FLOP
    has 2, 1100 MWh has 2, 6910000000 has 3, 1.0e25 FLOP has 1."""
    return _significant_figures(number.magnitude if isinstance(number, Quantity) else number)


def _same_as_otherwise(types: Sequence[Type]) -> Type:
    return types[1] if types[1].kind is not Kind.ANY else types[0]


# ---- licences -------------------------------------------------------------------------------


def _licence_check(name: str, check: Callable[[str], bool]) -> Builtin:
    def explain(expression: str) -> str:
        return licences.explain(name, expression)
    return Builtin(name, (Param("licence", STRING),), BOOLEAN, check, explain)


def _explain_spdx(expression: str) -> str:
    return licences.diagnose(expression) or f"{expression!r} is a valid SPDX licence expression"


# ---- energy ---------------------------------------------------------------------------------


def _uses(hardware_list: Sequence[Any], path: Path | None) -> list[hardware.HardwareUse] | Missing | Mismatch:
    """The disclosure's hardware entries as HardwareUse; Missing/Mismatch naming the first bad field."""
    uses = []
    base = path or ("hardware",)
    for i, entry in enumerate(hardware_list):
        here = (*base, i)
        if not isinstance(entry, dict):
            return Mismatch(here, entry, "a mapping with type, count and duration")
        fields: dict[str, Any] = {}
        for key, kind in (("type", None), ("count", None), ("duration", TIME), ("power", POWER)):
            value = entry.get(key)
            if value is None:
                if key == "power":
                    continue
                return Missing((*here, key))
            if kind is not None:
                try:
                    value = parse_quantity(value) if isinstance(value, str) else value
                except QuantityError:
                    pass
                if not isinstance(value, Quantity) or value.dimension != kind:
                    return Mismatch((*here, key), entry.get(key), quantity(kind).describe())
            fields[key] = value
        count = fields["count"]
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= _MAX_DEVICES:
            return Mismatch((*here, "count"), count, f"a whole number of devices, at most {_MAX_DEVICES}")
        if fields["duration"].magnitude < 0:
            return Mismatch((*here, "duration"), entry["duration"], "a duration of zero or more")
        power = fields.get("power")
        if power is not None and power.magnitude <= 0:
            return Mismatch((*here, "power"), entry["power"], "a power above zero")
        uses.append(hardware.HardwareUse(str(fields["type"]), fields["count"], fields["duration"].base,
                                         power.base if power is not None else None))
    return uses


def _plausibility(reported: Quantity, hardware_list: list[Any], pue: float, factor: float,
                  paths: Sequence[Path | None]) -> hardware.Plausibility | Missing | Mismatch:
    if not pue >= 1 or pue == float("inf"):  # NaN fails every comparison
        return Mismatch(paths[2] or ("pue",), pue, "a PUE of at least 1")
    uses = _uses(hardware_list, paths[1])
    if not isinstance(uses, list):
        return uses
    if reported.base < 0:
        return Mismatch(paths[0] or ("energy",), str(reported), "a non-negative energy")
    if not factor >= 1:
        raise EvalError(f"energy_plausible(): factor must be at least 1, not {factor:g}")
    return hardware.energy_plausibility(reported.base, uses, pue, factor)


def energy_plausible(reported: Quantity, hardware_list: list[Any], pue: float, factor: float, *,
                     paths: Sequence[Path | None]) -> bool | Missing | Mismatch:
    """True if the reported energy is within what the hardware could plausibly have used.

    The most it could use is Σ count × duration × board power × PUE (board powers from the table in
    docs/language.md, a disclosed `power` where given); the least is 15 % of that (the lowest measured
    training draw). `factor` (at least 1) widens the range both ways. Hardware without a known board
    power leaves the rule undecided (missing evidence), never passed.
    PASS: energy_plausible(energy.training.energy, energy.training.hardware, energy.training.pue, 1.5)
    with 433 MWh reported for one A100 SXM4 over 1,082,990 h at PUE 1.2; FAIL: the same with 1.2 GWh.
    """
    result = _plausibility(reported, hardware_list, pue, factor, paths)
    if not isinstance(result, hardware.Plausibility):
        return result
    if result.verdict is None:
        where = paths[1] or ("hardware",)
        return Undecided(where, f"{format_path(where)}: {hardware.describe(result)}")
    return result.verdict


def _explain_energy(reported: Quantity, hardware_list: list[Any], pue: float, factor: float) -> str:
    result = _plausibility(reported, hardware_list, pue, factor, (None, None, None))
    return hardware.describe(result) if isinstance(result, hardware.Plausibility) else "cannot judge"


# ---- energy physics (values/energy.py): each check a judgement, "cannot judge" naming every missing fact once ----


def _where(paths: Sequence[Path | None], i: int = 0, fallback: str = "energy.training") -> str:
    path = paths[i] if len(paths) > i else None
    return format_path(path) if path else fallback


def _verdict(judgement: energy.Judgement, paths: Sequence[Path | None]) -> bool | Undecided:
    if judgement.verdict is None:
        where = paths[0] if paths and paths[0] else ("energy",)
        return Undecided(where, judgement.detail)
    return judgement.verdict


def _basis(text: str) -> energy.Basis:
    try:
        return energy.Basis(text)
    except ValueError:
        raise EvalError(f"the emissions basis must be \"location-based\" or \"market-based\", not {text!r}") from None


def _positive(name: str, value: float, least: float = 0.0) -> float:
    if not value > least or value == float("inf"):
        raise EvalError(f"{name} must be a finite number above {least:g}, not {value:g}")
    return value


def device_time_fits(phase: dict[str, Any], tolerance: float, *, paths: Sequence[Path | None]) -> bool | Undecided:
    """Device time <= devices x wall-clock duration x `tolerance`: the phase's `accelerator_time` (else the sum over
    its hardware of `accelerator_time` or count x duration) against the sum of the hardware counts x `duration`.
    PASS: device_time_fits(energy.training, 1.1) with 1,082,990 h on 384 GPUs in 118.24 days (at most 1,089,692 h);
    FAIL: the same with 10,829,900 h."""
    judgement = energy.device_time_fits(phase, _positive("tolerance", tolerance), _where(paths))
    return _verdict(judgement, paths)


def _explain_device_time(phase: dict[str, Any], tolerance: float) -> str:
    return energy.device_time_fits(phase, tolerance, "energy.training").detail


def energy_in_band(phase: dict[str, Any], factor: float, *, paths: Sequence[Path | None]) -> bool | Undecided:
    """The phase's `energy` lies in the band its hardware allows. With C = sum of device time x board power (a
    disclosed `board_power`, else the table in docs/language.md): at most C x 1 (boundary accelerators), C x 2 (node:
    host CPUs, memory, network and idle nodes) or C x 2 x PUE (facility; PUE 1.0-1.6 when not stated); at least
    15 % of C (x PUE at facility); `factor` widens the band both ways. No boundary: judged as facility, and said.
    An unknown device: "cannot judge: add `board_power`".
    PASS: energy_in_band(energy.training, 1.1) with 433,196 kWh for 1,082,990 A100 SXM4 hours at accelerators
    boundary; FAIL: the same with 433,196 MWh."""
    judgement = energy.energy_in_band(phase, _positive("factor", factor, 1.0 - 1e-12), _where(paths))
    return _verdict(judgement, paths)


def _explain_energy_band(phase: dict[str, Any], factor: float) -> str:
    return energy.energy_in_band(phase, factor, "energy.training").detail


def emissions_match(phase: dict[str, Any], basis: str, tolerance: float, *,
                    paths: Sequence[Path | None]) -> bool | Undecided:
    """The phase's emissions on `basis` ("location-based" or "market-based") equal energy x PUE x carbon intensity of
    that basis within `tolerance` either way; PUE is 1 at facility boundary, the stated `pue` below it (1.0-1.6 when
    not stated), and 1 to `pue` when no boundary is stated. Reads version 2 (`location_based`, `market_based`) and
    version 1 (`emissions`, `emissions_basis`, `carbon_intensity`) fields.
    PASS: emissions_match(energy.training, "location-based", 1.05) with 104 MWh at node boundary, PUE 1.1,
    0.656 kgCO2e/kWh and 75.05 tCO2e (OLMo 7B); FAIL: the same with 68.2 tCO2e."""
    judgement = energy.emissions_match(phase, _basis(basis), _positive("tolerance", tolerance, 1.0 - 1e-12),
                                       _where(paths))
    return _verdict(judgement, paths)


def _explain_emissions(phase: dict[str, Any], basis: str, tolerance: float) -> str:
    return energy.emissions_match(phase, _basis(basis), tolerance, "energy.training").detail


def carbon_intensity_plausible(phase: dict[str, Any], basis: str, *, paths: Sequence[Path | None]) -> bool | Undecided:
    """The carbon intensity on `basis` lies between 0.01 and 1.4 kgCO2e/kWh (0 to 1.4 market-based), the range of
    national grid averages: as stated, else implied by emissions / energy (x PUE below facility), else by emissions
    / (device time x disclosed power per device). Catches g/kg and t/kt slips.
    PASS: carbon_intensity_plausible(energy.training, "location-based") with 57 gCO2e/kWh; FAIL: with 12.9 tCO2e
    for 7.0M H100-hours at 700 W (0.0026 kgCO2e/kWh, the Llama 3.3 70B card)."""
    return _verdict(energy.carbon_intensity_plausible(phase, _basis(basis), _where(paths)), paths)


def _explain_intensity(phase: dict[str, Any], basis: str) -> str:
    return energy.carbon_intensity_plausible(phase, _basis(basis), "energy.training").detail


def family_adds_up(family: dict[str, Any], tolerance: float, *, paths: Sequence[Path | None]) -> bool | Undecided:
    """The rows of a family table (`variants`) add up to its `total` within `tolerance` (a fraction: 0.01 is 1 %),
    for each column the total states: accelerator_time, energy, location_based.emissions, market_based.emissions.
    PASS: family_adds_up(energy.family, 0.01) for Llama 3.1 (1.46M + 7.0M + 30.84M = 39.3M GPU-hours); FAIL: for
    the Llama 2 card (three rows add up to 2,273,280 h, the total says 3,311,616 h)."""
    return _verdict(energy.family_adds_up(family, _positive("tolerance", tolerance), _where(paths, 0, "energy.family")),
                    paths)


def _explain_family(family: dict[str, Any], tolerance: float) -> str:
    return energy.family_adds_up(family, tolerance, "energy.family").detail


def compute_matches_6nd(phase: dict[str, Any], model: dict[str, Any], margin: float, *,
                        paths: Sequence[Path | None]) -> bool | Undecided:
    """The phase's `compute` is within (1 +- `margin`) x 6 x model.parameters x the phase's `tokens`, the
    approximation for a dense transformer in the Commission's GPAI guidelines (their margin is 0.3). A
    mixture-of-experts or encoder-decoder `model.architecture` cannot be judged this way.
    PASS: compute_matches_6nd(energy.training, model, 0.3) with 3.14e23 FLOP for 175e9 parameters and 300e9 tokens
    (GPT-3); FAIL: the same with 3.14e24 FLOP."""
    judgement = energy.compute_matches_6nd(phase, model, _positive("margin", margin), _where(paths))
    return _verdict(judgement, paths)


def _explain_6nd(phase: dict[str, Any], model: dict[str, Any], margin: float) -> str:
    return energy.compute_matches_6nd(phase, model, margin, "energy.training").detail


def utilisation_plausible(phase: dict[str, Any], low: float, high: float, *,
                          paths: Sequence[Path | None]) -> bool | Undecided:
    """The phase's `compute` / (device time x peak dense BF16 FLOP/s of each device, from the table in
    docs/language.md) lies between `low` and `high` (fractions: 0.05 and 0.75).
    PASS: utilisation_plausible(energy.training, 0.05, 0.75) with 3.14e23 FLOP on 10,000 V100 SXM2 for 14.8 days
    (19.6 %, GPT-3); FAIL: the same with 3.14e24 FLOP (196 %)."""
    if not 0 <= low < high < float("inf"):
        raise EvalError(f"utilisation_plausible(): need 0 <= low < high, not {low:g} and {high:g}")
    return _verdict(energy.utilisation_plausible(phase, low, high, _where(paths)), paths)


def _explain_utilisation(phase: dict[str, Any], low: float, high: float) -> str:
    return energy.utilisation_plausible(phase, low, high, "energy.training").detail


def emissions_of(phase: dict[str, Any], basis: str, *, paths: Sequence[Path | None]) -> Quantity | Missing | Mismatch:
    """The phase's emissions on `basis`, from `location_based.emissions` / `market_based.emissions` (version 2) or
    `emissions` with `emissions_basis` (version 1, read as location-based when no basis is stated), as written.
    emissions_of(energy.training, "location-based") <= 25 tCO2e."""
    chosen = _basis(basis)
    written = energy.emissions_text(phase, chosen)
    if written is not None:
        return parse_quantity(written)
    base = paths[0] if paths and paths[0] else ("energy", "training")
    figure = phase.get(chosen.field)
    found, where = (figure.get("emissions"), (*base, chosen.field, "emissions")) if isinstance(figure, dict) else (
        phase.get("emissions") if phase.get("emissions_basis", energy.Basis.LOCATION.value) == chosen.value else None,
        (*base, "emissions"))
    if found is not None:  # there, but not a carbon mass: a type mismatch, not absent evidence
        return Mismatch(where, found, quantity(CARBON).describe())
    return Missing((*base, chosen.field, "emissions"))


_PHASE = Param("phase", ANY, (dict,))


BUILTINS: Mapping[str, Builtin] = MappingProxyType({b.name: b for b in (
    Builtin("spdx_valid", (Param("licence", STRING),), BOOLEAN, licences.spdx_valid, _explain_spdx),
    _licence_check("osi_approved", licences.osi_approved),
    _licence_check("open_data_license", licences.open_data_license),
    _licence_check("open_content_license", licences.open_content_license),
    Builtin("is_url", (Param("text", STRING),), BOOLEAN, is_url, _explain_url),
    Builtin("len", (Param("value", ANY, (str, list)),), NUMBER, length),
    Builtin("default", (Param("value", ANY, missing_ok=True), Param("otherwise", ANY, missing_ok=True)), ANY, default,
            result=_same_as_otherwise),
    Builtin("lower", (Param("text", STRING),), STRING, lower),
    Builtin("significant_figures", (Param("number", ANY, (int, float, Quantity), wanted="a number or a quantity"),),
            NUMBER, significant_figures),
    Builtin("energy_plausible", (Param("reported", quantity(ENERGY)), Param("hardware", LIST),
                                 Param("pue", NUMBER), Param("factor", NUMBER, at_least=1.0)),
            BOOLEAN, energy_plausible, _explain_energy, wants_paths=True),
    Builtin("device_time_fits", (_PHASE, Param("tolerance", NUMBER)), BOOLEAN, device_time_fits,
            _explain_device_time, wants_paths=True),
    Builtin("energy_in_band", (_PHASE, Param("factor", NUMBER, at_least=1.0)), BOOLEAN, energy_in_band,
            _explain_energy_band, wants_paths=True),
    Builtin("emissions_match", (_PHASE, Param("basis", STRING), Param("tolerance", NUMBER, at_least=1.0)), BOOLEAN,
            emissions_match, _explain_emissions, wants_paths=True),
    Builtin("carbon_intensity_plausible", (_PHASE, Param("basis", STRING)), BOOLEAN, carbon_intensity_plausible,
            _explain_intensity, wants_paths=True),
    Builtin("family_adds_up", (Param("family", ANY, (dict,)), Param("tolerance", NUMBER)), BOOLEAN, family_adds_up,
            _explain_family, wants_paths=True),
    Builtin("compute_matches_6nd", (_PHASE, Param("model", ANY, (dict,)), Param("margin", NUMBER)), BOOLEAN,
            compute_matches_6nd, _explain_6nd, wants_paths=True),
    Builtin("utilisation_plausible", (_PHASE, Param("low", NUMBER), Param("high", NUMBER)), BOOLEAN,
            utilisation_plausible, _explain_utilisation, wants_paths=True),
    Builtin("emissions_of", (_PHASE, Param("basis", STRING)), quantity(CARBON), emissions_of, wants_paths=True),
)})
