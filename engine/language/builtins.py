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

from ..values import hardware, licences
from ..values.text import visible
from ..values.urls import is_url
from ..values.quantities import ENERGY, TIME, POWER, Quantity, QuantityError, parse_quantity
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


_KIND_OF: dict[type, Kind] = {str: Kind.STRING, list: Kind.LIST}
_MAX_DEVICES = 999_999_999  # as the disclosure schema caps hardware[].count


_PythonType = type  # `type` is a field name below


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: Type
    kinds: tuple[_PythonType, ...] = ()  # for an ANY parameter: the Python types it takes at run time
    missing_ok: bool = False  # absent evidence is passed in (as Missing) rather than making the call unknown

    def admits(self, type_: Type) -> bool:
        """Whether an argument of static type `type_` may be passed (checked at compile time)."""
        if self.kinds and type_.kind is not Kind.ANY:
            return any(_KIND_OF[k] is type_.kind for k in self.kinds)
        return assignable(type_, self.type)

    def accepts(self, value: Any) -> bool:
        """Whether a value met at run time (from an untyped path) fits this parameter."""
        if self.kinds:
            return isinstance(value, self.kinds)
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
    Builtin("energy_plausible", (Param("reported", quantity(ENERGY)), Param("hardware", LIST),
                                 Param("pue", NUMBER), Param("factor", NUMBER)),
            BOOLEAN, energy_plausible, _explain_energy, wants_paths=True),
)})
