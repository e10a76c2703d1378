"""Accelerator board power (energy-formats.md §6) and the training-energy plausibility check built on it."""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "ACCELERATORS",
    "MAX_DESCRIPTION",
    "MIN_UTILISATION",
    "Accelerator",
    "HardwareUse",
    "Plausibility",
    "describe",
    "energy_plausibility",
    "find_accelerator",
]

# Measured draw during training ranged from 15 % to 85 % of the board-power cap (OLMo, Morrison et al. 2025,
# arXiv 2503.05804; energy-formats.md §6), so the lowest plausible mean draw is 15 % of the cap.
MIN_UTILISATION = 0.15


@dataclass(frozen=True, slots=True)
class Accelerator:
    """One row of energy-formats.md §6: maximum board power (a cap, not mean draw), its source and caveats.

    `patterns` are regular expressions searched in the normalised description (lower case; '-', '_', '/', ',',
    '(' and ')' read as spaces). `board_power_w` is None where no figure is published.
    """

    name: str
    board_power_w: float | None
    source: str
    note: str
    patterns: tuple[str, ...]


def _family(name: str) -> str:
    # The family name as a word, with an optional plural: "h100", "H100s", but not "gh100".
    return rf"\b{name}s?\b"


def _both(family: str, qualifier: str) -> str:
    # Both words, in either order: "a100 sxm4 40gb" and "sxm4 a100" alike. Anchored: search() would otherwise run
    # each look-ahead's ".*" from every position of the text, a time quadratic in its length.
    return rf"^(?=.*{_family(family)})(?=.*\b{qualifier}\b)"


_PCIE = r"pci ?e(?:xpress)?"
_SXM = r"sxm\d?"

# energy-formats.md §6, one row per accelerator. Order matters: rows are tried top to bottom, and every row with a
# form factor (PCIe, NVL) comes before the SXM row of its family; a bare family name only reaches _ASSUMED below.
ACCELERATORS: tuple[Accelerator, ...] = (
    Accelerator("V100 PCIe", 250.0, "hwupgrade.it; NVIDIA V100 PCIe product brief PB-08744", "",
                (_both("v100", _PCIE),)),
    Accelerator("V100 SXM2", 300.0, "hwupgrade.it; Green Algorithms TDP_gpu.csv",
                "16 and 32 GB; hwupgrade.it gives the NVIDIA launch spec, Green Algorithms lists \"Tesla V100 300\"; "
                "mlco2 gpus.csv lists SXM2-16GB 250 W and PCIe 300 W, which are swapped and not copied",
                (_both("v100", _SXM),)),
    Accelerator("A100 40GB PCIe", 250.0, "thundercompute.com A100 spec table; Green Algorithms TDP_gpu.csv",
                "Green Algorithms cites the NVIDIA datasheet",
                (_both("a100", _PCIE) + r"(?=.*\b40 ?gb?\b)",)),
    Accelerator("A100 80GB PCIe", 300.0,
                "thundercompute.com A100 spec table; Green Algorithms TDP_gpu.csv; NVIDIA product brief PB-10577",
                "mlco2 gpus.csv lists 250 W for \"PCIe 40/80GB\", not copied",
                (_both("a100", _PCIE) + r"(?=.*\b80 ?gb?\b)",)),
    Accelerator("A100 SXM4", 400.0, "techpowerup a100-sxm4-40-gb; glennklockwood.com A100; mlco2 gpus.csv",
                "40 and 80 GB", (_both("a100", _SXM), r"\b[dh]gx a100\b")),
    Accelerator("H100 NVL", 400.0, "mlco2 gpus.csv; onestopsystems.com", "configurable 350–400 W",
                (_both("h100", "nvl"),)),
    Accelerator("H100 PCIe", 350.0, "meterpreter.org; onestopsystems.com", "80 GB; configurable 300–350 W",
                (_both("h100", _PCIE),)),
    # nvidia-smi names the SXM5 part "NVIDIA H100 80GB HBM3"; the PCIe card has HBM2e and the NVL 94 GB.
    Accelerator("H100 SXM5", 700.0, "mlco2 gpus.csv; Llama 3 model card",
                "mlco2 cites the NVIDIA datasheet; the Llama 3 model card says \"TDP of 700W\"",
                (_both("h100", _SXM), _both("h100", "hbm3"), r"\b[dh]gx h100\b")),
    Accelerator("H200 NVL", 600.0, "onestopsystems.com; saulelectric.com", "", (_both("h200", "nvl"),)),
    Accelerator("H200 SXM", 700.0, "openmetal.io; aiminingco.com", "aiminingco.com quotes NVIDIA \"up to 700W\"",
                (_both("h200", _SXM), r"\b[dh]gx h200\b")),
    Accelerator("MI250X", 560.0, "zexron.com (AMD table); tomshardware",
                "OAM; 500 W per tomshardware, 560 W peak per the AMD table: the peak is used so that the bound "
                "stays an upper bound", (r"\bmi ?250x\b",)),
    Accelerator("MI300X", 750.0, "meterpreter.org; inkl.com", "OAM; inkl.com quotes an AMD footnote",
                (r"\bmi ?300x\b",)),
    # §6 gives no maximum for TPU v3. 220 W cannot serve as a cap: it is below the 283 W measured average, so a
    # bound built on it would call a run that drew that average "too high"; and 283 W is a mean, not a cap either.
    Accelerator("TPU v3", None, "Green Algorithms, citing cloud.google.com/tpu/docs/v3 (220 W); Patterson et al. "
                "2021 via mlco2 gpus.csv (283 W measured average)",
                "per chip; not published by Google and sources disagree: 220 W (Green Algorithms) vs 283 W measured "
                "average (Patterson et al. 2021 via mlco2) [unverified]; disclose the power drawn instead",
                (r"\btpu ?v3\b", r"\bv3 tpus?\b")),
    Accelerator("TPU v4", 192.0, "glennklockwood.com/garden/tpuv4; Green Algorithms",
                "per chip; 192 W max, 170 W mean; both cite Google's TPU v4 documentation",
                (r"\btpu ?v4\b", r"\bv4 tpus?\b")),
    Accelerator("TPU v5e", None, "sipoch.com (heise)",
                "not published: \"Google deliberately conceals the power consumption\"; use energy reported by "
                "Google instead", (r"\btpu ?v5 ?(?:e|lite)\b", r"\bv5 ?(?:e|lite ?pod)\b")),
    Accelerator("TPU v5p", None, "sipoch.com (heise)",
                "not published: \"Google deliberately conceals the power consumption\"; use energy reported by "
                "Google instead", (r"\btpu ?v5 ?p\b", r"\bv5p\b")),
    Accelerator("L4", 72.0, "mlco2 gpus.csv", "mlco2 cites the NVIDIA L4 product brief", (_family("l4"),)),
    Accelerator("T4", 70.0, "mlco2 gpus.csv; Green Algorithms", "mlco2 cites the NVIDIA T4 datasheet",
                (_family("t4"),)),
    Accelerator("A10G", 150.0, "mlco2 gpus.csv; baseten.co",
                "AWS-only; no official figure, mlco2 uses 150 W [unverified]: read nvidia-smi -q -d POWER",
                (_family("a10g"),)),
    Accelerator("A10", 150.0, "sysrqmts.com; baseten.co", "sysrqmts.com uses TechPowerUp data", (_family("a10"),)),
    Accelerator("RTX 4090", 450.0, "mlco2 gpus.csv",
                "mlco2 cites the NVIDIA Ada whitepaper; AI Energy Score class A reference", (r"\brtx ?4090\b",)),
)

# Tried only when no row matched: a family named without its form factor (or memory size) is taken to be the
# variant with the highest board power, the SXM/OAM training-cluster form, so the upper bound stays an upper bound.
_ASSUMED: tuple[tuple[str, str, str], ...] = (
    (_both("a100", _PCIE), "A100 80GB PCIe", "80GB assumed, no memory size given"),
    (_family("a100"), "A100 SXM4", "SXM4 assumed, no form factor given"),
    (_family("h100"), "H100 SXM5", "SXM5 assumed, no form factor given"),
    (_family("h200"), "H200 SXM", "SXM assumed, no form factor given"),
    (_family("v100"), "V100 SXM2", "SXM2 assumed, no form factor given"),
)

_BY_NAME: Mapping[str, Accelerator] = {a.name: a for a in ACCELERATORS}

# The longest hardware description read: "8 x NVIDIA H100 80GB HBM3 SXM5, 4 nodes of DGX H100" is 50 characters, so
# 200 leave room for any real name; the rest of a longer text is not read, which bounds the matching time.
MAX_DESCRIPTION = 200


@functools.cache
def _compiled() -> tuple[tuple[re.Pattern[str], Accelerator, str | None], ...]:
    # Compiled on first use, not at import: the tool runs as a pre-commit hook.
    rows: list[tuple[re.Pattern[str], Accelerator, str | None]] = [
        (re.compile(p), a, None) for a in ACCELERATORS for p in a.patterns]
    rows += [(re.compile(p), _BY_NAME[name], why) for p, name, why in _ASSUMED]
    return tuple(rows)


def _normalise(description: str) -> str:
    text = re.sub(r"[-_/,()]", " ", description[:MAX_DESCRIPTION].lower())
    text = re.sub(r"\b(\d+) ?x(?=[a-z])", r"\1 x ", text)  # "8xA100" → "8 x a100"
    return " ".join(text.split())


def _match(description: str) -> tuple[Accelerator, str | None] | None:
    text = _normalise(description)
    for pattern, row, assumption in _compiled():
        if pattern.search(text):
            return row, assumption
    return None


def find_accelerator(description: str) -> Accelerator | None:
    """The §6 row for a real-world hardware description, matched case-insensitively, or None.

    "NVIDIA A100-SXM4-40GB" → A100 SXM4; "Tesla V100-SXM2-32GB" → V100 SXM2; "8 v100 GPUs" → V100 SXM2 (assumed);
    "1 x NVIDIA GeForce GTX 1080 Ti" → None. A family without form factor ("H100", "A100 80GB") gets the SXM/OAM
    row; the row returned is then a copy whose note ends with "; SXM5 assumed, no form factor given", so it
    compares unequal to the table row. Only the first MAX_DESCRIPTION (200) characters of the description are read.
    """
    found = _match(description)
    if found is None:
        return None
    row, assumption = found
    if assumption is None:
        return row
    return dataclasses.replace(row, note=f"{row.note}; {assumption}" if row.note else assumption)


@dataclass(frozen=True, slots=True)
class HardwareUse:
    """`count` devices described as `description`, each busy for `seconds`; a disclosed `power_w` beats the table."""

    description: str
    count: int
    seconds: float
    power_w: float | None = None

    def __post_init__(self) -> None:
        # Written so that NaN fails the test (every comparison with NaN is false) instead of slipping through.
        if not (0 <= self.count < math.inf and 0 <= self.seconds < math.inf):
            raise ValueError(f"hardware {self.description!r}: count and seconds must be finite and not negative")
        if self.power_w is not None and not 0 < self.power_w < math.inf:
            raise ValueError(f"hardware {self.description!r}: power_w must be positive and finite, got {self.power_w}")


@dataclass(frozen=True, slots=True)
class Plausibility:
    """The outcome of energy_plausibility; `verdict` None means it cannot judge (see `unknown`).

    `rows` cites each table row (or disclosed power) used; `unknown` lists the descriptions of hardware without a
    power figure ("… (not published)" when the row exists but has none).
    The bounds cover the known hardware only. The last four fields keep the inputs for `describe`.
    """

    verdict: bool | None
    low_j: float
    high_j: float
    expected_max_j: float
    rows: tuple[str, ...]
    unknown: tuple[str, ...]
    reported_j: float = math.nan
    pue: float = 1.0
    factor: float = 1.0
    terms: tuple[str, ...] = ()


def _hours(seconds: float) -> str:
    hours = seconds / 3600
    if hours == round(hours):
        return str(round(hours))
    return f"{hours:.0f}" if hours >= 100 else f"{hours:.3g}"


def energy_plausibility(reported_j: float, hardware: Sequence[HardwareUse], pue: float,
                        factor: float) -> Plausibility:
    """Whether a reported training energy fits the hardware that produced it (energy-formats.md §5–§6).

    expected_max = Σ count × seconds × board power (W) × PUE, in joules: every device at its maximum board power
    (a cap, never mean draw) for the whole time, plus the facility overhead. Measured training draw is 15 %–85 % of
    the cap (Morrison et al. 2025), so the report is plausible when

        MIN_UTILISATION × expected_max / factor  <=  reported_j  <=  expected_max × factor

    with MIN_UTILISATION = 0.15 and `factor` >= 1 the tolerance either way; both bounds are inclusive. A disclosed
    `power_w` is used instead of the table. Hardware with no power figure (no matching row, or a row such as
    TPU v3 or v5e with none published) goes to `unknown` and the verdict is None, as it is when `hardware` is empty.
    Raises ValueError if factor < 1, pue < 1, reported_j < 0 or any of them is not finite.

    PASS: 433 MWh for 1 × A100 SXM4 × 1,082,990 h at PUE 1.2, factor 1 (the range is 78–520 MWh).
    FAIL: 1.2 GWh for the same hardware: above the range.
    """
    # Written so that NaN fails each test (every comparison with NaN is false) instead of slipping through.
    if not 1 <= factor < math.inf:
        raise ValueError(f"factor must be at least 1 and finite, got {factor}")
    if not 1 <= pue < math.inf:
        raise ValueError(f"PUE must be at least 1 and finite, got {pue}")
    if not 0 <= reported_j < math.inf:
        raise ValueError(f"reported energy must be finite and not negative, got {reported_j} J")
    expected_w_s = 0.0
    rows: dict[str, None] = {}  # ordered and without duplicates
    unknown: list[str] = []
    terms: list[str] = []
    for use in hardware:
        found = _match(use.description)
        if use.power_w is not None:
            watts, label = use.power_w, f"{use.description} {use.power_w:g} W (disclosed)"
            rows[label] = None  # named, so that two disclosed powers of the same size stay apart
        elif found is not None and (power := found[0].board_power_w) is not None:
            row, assumption = found
            watts, label = power, f"{row.name} {power:g} W"
            cited = f"{row.name} {row.board_power_w:g} W ({row.source})"
            rows[cited if assumption is None else f"{cited}, for {use.description!r}: {assumption}"] = None
        else:
            unknown.append(use.description if found is None else f"{use.description} (not published)")
            continue
        expected_w_s += use.count * use.seconds * watts
        terms.append(f"{use.count} × {label} × {_hours(use.seconds)} h")
    expected = expected_w_s * pue
    low, high = MIN_UTILISATION * expected / factor, expected * factor
    verdict: bool | None = None
    if hardware and not unknown:
        # A hair of relative slack so that a report sitting exactly on a bound is not lost to rounding.
        verdict = low * (1 - 1e-12) <= reported_j <= high * (1 + 1e-12)
    return Plausibility(verdict, low, high, expected, tuple(rows), tuple(unknown), reported_j, pue, factor,
                        tuple(terms))


_UNITS = (("TWh", 3.6e15), ("GWh", 3.6e12), ("MWh", 3.6e9), ("kWh", 3.6e6), ("Wh", 3.6e3))


def _unit(joules: float) -> tuple[str, float]:
    return next(((u, size) for u, size in _UNITS if abs(joules) >= size), ("J", 1.0))


def _sig3(value: float) -> str:
    """Three significant figures, no exponent, no trailing zeros: 1.2, 40.4, 269, 1080."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = 2 - math.floor(math.log10(abs(value)))
    text = f"{round(value, decimals):.{max(decimals, 0)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _energy(joules: float) -> str:
    unit, size = _unit(joules)
    return f"{_sig3(joules / size)} {unit}"


def describe(p: Plausibility) -> str:
    """The plausibility outcome in words, for a finding.

    "reported 1.2 GWh is above the plausible range 52–780 MWh (1 × A100 SXM4 400 W × 1082990 h × PUE 1.2,
    factor 1.5): the upper bound assumes every device at full board power throughout"
    """
    reported = _energy(p.reported_j)
    if p.verdict is None:
        if p.unknown:
            return f"cannot judge reported {reported}: no board power known for {'; '.join(p.unknown)}"
        return f"cannot judge reported {reported}: no hardware given"
    unit, size = _unit(p.high_j)
    span = f"{_sig3(p.low_j / size)}–{_sig3(p.high_j / size)} {unit}"
    formula = p.terms[0] if len(p.terms) == 1 else f"({' + '.join(p.terms)})"
    basis = f"({formula} × PUE {p.pue:g}, factor {p.factor:g})"
    if p.verdict:
        return f"reported {reported} is within the plausible range {span} {basis}"
    if p.reported_j > p.high_j:
        return (f"reported {reported} is above the plausible range {span} {basis}: the upper bound assumes every "
                "device at full board power throughout")
    return (f"reported {reported} is below the plausible range {span} {basis}: the lower bound assumes devices "
            f"drew at least {MIN_UTILISATION:.0%} of board power, the lowest measured training draw")
