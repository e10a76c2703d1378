"""Tests for openwatt.values.hardware: the energy-formats.md §6 board powers and the training-energy check."""

from __future__ import annotations

import ast
import dataclasses
import math
import re
from pathlib import Path

import pint
import pytest

from openwatt.values import hardware
from openwatt.values.hardware import (
    ACCELERATORS,
    MIN_UTILISATION,
    Accelerator,
    HardwareUse,
    Plausibility,
    describe,
    energy_plausibility,
    find_accelerator,
)
from openwatt.values.quantities import UNITS, Quantity, parse_quantity

H = 3600.0
DAY = 24 * H
WH = 3600.0
MWH = 1e6 * WH
GWH = 1e9 * WH

# energy-formats.md §6, one row per accelerator: maximum board power (None: not published) and every source the
# section names for it. "TPU v5e / v5p" and "A10 / A10G" are one line in §6 and two rows here.
SECTION_6: list[tuple[str, float | None, tuple[str, ...]]] = [
    ("V100 SXM2", 300.0, ("hwupgrade.it", "Green Algorithms TDP_gpu.csv")),
    ("V100 PCIe", 250.0, ("hwupgrade.it", "PB-08744")),
    ("A100 40GB PCIe", 250.0, ("thundercompute.com", "Green Algorithms")),
    ("A100 80GB PCIe", 300.0, ("thundercompute.com", "Green Algorithms", "PB-10577")),
    ("A100 SXM4", 400.0, ("techpowerup", "glennklockwood.com", "mlco2")),
    ("H100 SXM5", 700.0, ("mlco2 gpus.csv", "Llama 3 model card")),
    ("H100 PCIe", 350.0, ("meterpreter.org", "onestopsystems.com")),
    ("H100 NVL", 400.0, ("mlco2", "onestopsystems.com")),
    ("H200 SXM", 700.0, ("openmetal.io", "aiminingco.com")),
    ("H200 NVL", 600.0, ("onestopsystems.com", "saulelectric.com")),
    ("MI250X", 560.0, ("zexron.com", "tomshardware")),  # "500 W; 560 W peak": the peak keeps the bound a bound
    ("MI300X", 750.0, ("meterpreter.org", "inkl.com")),
    ("TPU v3", None, ("Green Algorithms", "cloud.google.com/tpu/docs/v3", "Patterson et al. 2021")),
    ("TPU v4", 192.0, ("glennklockwood.com/garden/tpuv4", "Green Algorithms")),
    ("TPU v5e", None, ("sipoch.com",)),
    ("TPU v5p", None, ("sipoch.com",)),
    ("L4", 72.0, ("mlco2",)),
    ("T4", 70.0, ("mlco2", "Green Algorithms")),
    ("A10", 150.0, ("sysrqmts.com", "baseten.co")),
    ("A10G", 150.0, ("mlco2", "baseten.co")),
    ("RTX 4090", 450.0, ("mlco2",)),
]
ROW = {a.name: a for a in ACCELERATORS}

# The caveat §6 attaches to a row, which the row's note must carry.
CAVEATS = [
    ("V100 SXM2", "swapped"),
    ("V100 SXM2", "16 and 32 GB"),
    ("A100 80GB PCIe", "250 W"),
    ("A100 SXM4", "40 and 80 GB"),
    ("H100 PCIe", "300–350 W"),
    ("H100 NVL", "350–400 W"),
    ("MI250X", "500 W"),
    ("MI250X", "OAM"),
    ("MI300X", "OAM"),
    ("TPU v3", "220 W"),
    ("TPU v3", "283 W"),
    ("TPU v3", "[unverified]"),
    ("TPU v3", "per chip"),
    ("TPU v4", "170 W mean"),
    ("TPU v4", "per chip"),
    ("TPU v5e", "use energy reported by Google"),
    ("TPU v5p", "use energy reported by Google"),
    ("A10G", "[unverified]"),
    ("A10G", "nvidia-smi -q -d POWER"),
    ("RTX 4090", "AI Energy Score class A"),
]


# --- the §6 table ---

def test_table_has_exactly_the_section_6_rows() -> None:
    assert sorted(ROW) == sorted(name for name, _, _ in SECTION_6)
    assert len(ACCELERATORS) == len(ROW) == 21  # no duplicate names


@pytest.mark.parametrize(("name", "watts", "sources"), SECTION_6, ids=[name for name, _, _ in SECTION_6])
def test_board_power_and_sources_match_section_6(name: str, watts: float | None, sources: tuple[str, ...]) -> None:
    row = ROW[name]
    assert row.board_power_w == watts
    for source in sources:
        assert source in row.source, source


@pytest.mark.parametrize(("name", "caveat"), CAVEATS)
def test_caveats_are_kept(name: str, caveat: str) -> None:
    assert caveat in ROW[name].note


def test_rows_are_frozen_and_every_pattern_compiles() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ACCELERATORS[0].board_power_w = 1.0  # type: ignore[misc]
    for row in ACCELERATORS:
        assert row.patterns and row.source
        for pattern in row.patterns:
            re.compile(pattern)


@pytest.mark.parametrize("row", ACCELERATORS, ids=lambda a: a.name)
def test_every_row_is_found_by_its_own_name(row: Accelerator) -> None:
    assert find_accelerator(row.name) is row
    assert find_accelerator(row.name.upper()) is row
    assert find_accelerator(f"NVIDIA {row.name.lower()} GPUs") is row


# --- finding a row from a real-world description ---

FOUND = [
    # H100: nvidia-smi names the SXM5 part "NVIDIA H100 80GB HBM3"; the PCIe card has HBM2e, the NVL 94 GB.
    ("NVIDIA H100 80GB HBM3 SXM5", "H100 SXM5"),
    ("NVIDIA H100 80GB HBM3", "H100 SXM5"),
    ("512 NVIDIA H100 SXM5 80GB GPUs", "H100 SXM5"),
    ("H100-SXM5-80GB", "H100 SXM5"),
    ("SXM5 H100", "H100 SXM5"),
    ("H100 SXM", "H100 SXM5"),
    ("NVIDIA DGX H100", "H100 SXM5"),
    ("HGX H100 8-GPU", "H100 SXM5"),
    ("H100 PCIe", "H100 PCIe"),
    ("NVIDIA H100 PCIe 80GB HBM2e", "H100 PCIe"),
    ("H100 PCI Express", "H100 PCIe"),
    ("H100 NVL", "H100 NVL"),
    ("NVIDIA H100 NVL 94GB PCIe", "H100 NVL"),  # the NVL is a PCIe card: the NVL row must win
    # H200
    ("NVIDIA H200 SXM 141GB", "H200 SXM"),
    ("HGX H200", "H200 SXM"),
    ("NVIDIA H200 NVL", "H200 NVL"),
    ("H200 NVL PCIe", "H200 NVL"),
    # A100
    ("8x A100-SXM4-40GB", "A100 SXM4"),
    ("NVIDIA A100-SXM4-80GB", "A100 SXM4"),
    ("A100 SXM", "A100 SXM4"),
    ("DGX A100", "A100 SXM4"),
    ("NVIDIA A100-PCIE-40GB", "A100 40GB PCIe"),
    ("A100 40GB PCIe", "A100 40GB PCIe"),
    ("NVIDIA A100 Tensor Core GPU (40 GB, PCIe)", "A100 40GB PCIe"),
    ("NVIDIA A100 80GB PCIe", "A100 80GB PCIe"),
    ("A100-PCIE-80GB", "A100 80GB PCIe"),
    # V100
    ("Tesla V100-SXM2-32GB", "V100 SXM2"),
    ("Tesla V100-SXM2-16GB", "V100 SXM2"),
    ("Tesla V100-PCIE-16GB", "V100 PCIe"),
    ("V100 PCIe 32GB", "V100 PCIe"),
    # AMD
    ("AMD Instinct MI250X", "MI250X"),
    ("MI250X OAM", "MI250X"),
    ("AMD MI 250X", "MI250X"),
    ("AMD Instinct MI300X OAM", "MI300X"),
    ("8 x MI300X", "MI300X"),
    # Google TPUs
    ("TPU v3", "TPU v3"),
    ("TPUv3-512", "TPU v3"),
    ("1024 v3 TPUs", "TPU v3"),
    ("TPU v4", "TPU v4"),
    ("Cloud TPU v4 Pods", "TPU v4"),
    ("TPU v4-3072", "TPU v4"),
    ("2048 v4 TPUs", "TPU v4"),
    ("TPU v5e", "TPU v5e"),
    ("Cloud TPU v5 lite pod", "TPU v5e"),
    ("v5litepod-256", "TPU v5e"),
    ("TPU v5p", "TPU v5p"),
    ("TPU v5p-8192", "TPU v5p"),
    # inference and small cards
    ("NVIDIA L4", "L4"),
    ("g2-standard-8 (1xL4)", "L4"),
    ("Tesla T4", "T4"),
    ("4 NVIDIA T4 GPUs", "T4"),
    ("NVIDIA A10G", "A10G"),
    ("AWS g5.xlarge, 1 x A10G", "A10G"),
    ("NVIDIA A10 24GB", "A10"),
    ("NVIDIA GeForce RTX 4090", "RTX 4090"),
    ("RTX4090", "RTX 4090"),
]


@pytest.mark.parametrize(("description", "name"), FOUND)
def test_find_accelerator(description: str, name: str) -> None:
    found = find_accelerator(description)
    assert found is ROW[name]  # the table row itself: nothing was assumed


# A family named without its form factor (or memory size) gets the variant with the highest board power.
ASSUMED = [
    ("H100", "H100 SXM5", "SXM5 assumed, no form factor given"),
    ("NVIDIA H100 Tensor Core GPU", "H100 SXM5", "SXM5 assumed, no form factor given"),
    ("8xH100", "H100 SXM5", "SXM5 assumed, no form factor given"),
    ("H100s", "H100 SXM5", "SXM5 assumed, no form factor given"),
    ("A100", "A100 SXM4", "SXM4 assumed, no form factor given"),
    ("A100 80GB", "A100 SXM4", "SXM4 assumed, no form factor given"),
    ("8xA100", "A100 SXM4", "SXM4 assumed, no form factor given"),
    ("A100 PCIe", "A100 80GB PCIe", "80GB assumed, no memory size given"),
    ("H200", "H200 SXM", "SXM assumed, no form factor given"),
    ("8 v100 GPUs", "V100 SXM2", "SXM2 assumed, no form factor given"),
    ("Tesla V100", "V100 SXM2", "SXM2 assumed, no form factor given"),
]


@pytest.mark.parametrize(("description", "name", "assumption"), ASSUMED)
def test_find_accelerator_with_an_assumption(description: str, name: str, assumption: str) -> None:
    found = find_accelerator(description)
    row = ROW[name]
    assert found is not None and found != row
    assert (found.name, found.board_power_w, found.source, found.patterns) == (
        row.name, row.board_power_w, row.source, row.patterns)
    assert found.note == (f"{row.note}; {assumption}" if row.note else assumption)


NOT_FOUND = [
    "1 x NVIDIA GeForce GTX 1080 Ti",
    "NVIDIA B200",
    "NVIDIA GH200 Grace Hopper",  # not H200
    "NVIDIA H800",
    "NVIDIA A800 80GB",
    "NVIDIA L40S",  # not L4
    "AMD Instinct MI250",  # not MI250X
    "AMD Instinct MI300A",
    "Intel Xeon E5-2690 v4",  # "v4" without TPU
    "TPU v5",  # v5e and v5p differ
    "Cerebras CS-2",
    "GPT-4",
    "",
]


@pytest.mark.parametrize("description", NOT_FOUND)
def test_unknown_hardware_is_none(description: str) -> None:
    assert find_accelerator(description) is None


# --- HardwareUse ---

@pytest.mark.parametrize(("kwargs", "message"), [
    ({"count": -1, "seconds": 1.0}, "hardware 'H100': count and seconds must be finite and not negative"),
    ({"count": 1, "seconds": -1.0}, "hardware 'H100': count and seconds must be finite and not negative"),
    ({"count": 1, "seconds": math.nan}, "hardware 'H100': count and seconds must be finite and not negative"),
    ({"count": 1, "seconds": math.inf}, "hardware 'H100': count and seconds must be finite and not negative"),
    ({"count": math.nan, "seconds": 1.0}, "hardware 'H100': count and seconds must be finite and not negative"),
    ({"count": 1, "seconds": 1.0, "power_w": 0.0}, "hardware 'H100': power_w must be positive and finite, got 0.0"),
    ({"count": 1, "seconds": 1.0, "power_w": -700.0},
     "hardware 'H100': power_w must be positive and finite, got -700.0"),
    ({"count": 1, "seconds": 1.0, "power_w": math.nan},
     "hardware 'H100': power_w must be positive and finite, got nan"),
])
def test_hardware_use_rejects_bad_numbers(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        HardwareUse("H100", **kwargs)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_hardware_use_defaults() -> None:
    use = HardwareUse("H100", 8, 3600.0)
    assert use.power_w is None
    assert HardwareUse("H100", 0, 0.0).count == 0  # nothing used is allowed
    with pytest.raises(dataclasses.FrozenInstanceError):
        use.count = 9  # type: ignore[misc]


# --- the range, by hand ---
#
# 512 H100 SXM5 at 700 W for 30 days at PUE 1.1:
#   512 × 700 W = 358 400 W; × 720 h = 258 048 000 Wh = 258.048 MWh; × 1.1 = 283.8528 MWh (the maximum)
#   factor 1:   low = 0.15 × 283.8528 = 42.57792 MWh,        high = 283.8528 MWh
#   factor 1.5: low = 42.57792 / 1.5 = 28.38528 MWh,         high = 283.8528 × 1.5 = 425.7792 MWh

H100_FLEET = (HardwareUse("NVIDIA H100 80GB HBM3 SXM5", 512, 30 * DAY),)
H100_ROW = "H100 SXM5 700 W (mlco2 gpus.csv; Llama 3 model card)"
H100_TERM = "512 × H100 SXM5 700 W × 720 h"


def test_worked_example_by_hand() -> None:
    p = energy_plausibility(200 * MWH, H100_FLEET, 1.1, 1.0)
    assert p.expected_max_j == pytest.approx(283.8528 * MWH, rel=1e-12)
    assert p.low_j == pytest.approx(42.57792 * MWH, rel=1e-12)
    assert p.high_j == pytest.approx(283.8528 * MWH, rel=1e-12)
    assert p.verdict is True
    assert p.rows == (H100_ROW,) and p.unknown == () and p.terms == (H100_TERM,)
    assert (p.reported_j, p.pue, p.factor) == (200 * MWH, 1.1, 1.0)

    wide = energy_plausibility(200 * MWH, H100_FLEET, 1.1, 1.5)
    assert wide.expected_max_j == pytest.approx(283.8528 * MWH, rel=1e-12)  # the factor widens, never moves
    assert wide.low_j == pytest.approx(28.38528 * MWH, rel=1e-12)
    assert wide.high_j == pytest.approx(425.7792 * MWH, rel=1e-12)


def test_worked_example_agrees_with_pint_and_quantities() -> None:
    ureg = pint.UnitRegistry()
    oracle = (512 * ureg.Quantity(700, "watt") * ureg.Quantity(30, "day") * 1.1).to("joule").magnitude
    p = energy_plausibility(200 * MWH, H100_FLEET, 1.1, 1.0)
    assert p.expected_max_j == pytest.approx(oracle, rel=1e-12)
    ours = 1.1 * 512 * parse_quantity("700 W") * parse_quantity("30 days")
    assert Quantity(p.expected_max_j, UNITS["J"]) == ours
    assert str(ours.humanize()) == "283.8528 MWh"
    assert p.low_j / p.expected_max_j == pytest.approx(MIN_UTILISATION, rel=1e-12)
    assert MIN_UTILISATION == 0.15


def test_the_docstring_example() -> None:
    # 1 × A100 SXM4 × 1,082,990 h at PUE 1.2: 400 W × 1 082 990 h × 1.2 = 519.8352 MWh; 0.15 × that = 77.97528 MWh.
    use = (HardwareUse("A100 SXM4", 1, 1_082_990 * H),)
    passed = energy_plausibility(433 * MWH, use, 1.2, 1.0)
    assert passed.verdict is True
    assert (passed.low_j / MWH, passed.high_j / MWH) == (pytest.approx(77.97528), pytest.approx(519.8352))
    assert energy_plausibility(1.2 * GWH, use, 1.2, 1.0).verdict is False


# --- verdicts at the bounds (both inclusive) ---

LOW, HIGH = 42.57792 * MWH, 283.8528 * MWH
NUDGE = 1e-9  # far above the float noise the check absorbs (1e-12), far below any real difference


@pytest.mark.parametrize(("reported", "verdict"), [
    (LOW, True),
    (LOW * (1 + NUDGE), True),
    (LOW * (1 - NUDGE), False),
    (HIGH, True),
    (HIGH * (1 - NUDGE), True),
    (HIGH * (1 + NUDGE), False),
    (150 * MWH, True),
    (0.0, False),
    (1 * GWH, False),
], ids=["low", "just-above-low", "just-below-low", "high", "just-below-high", "just-above-high", "middle",
        "zero", "far-above"])
def test_verdict_at_the_bounds(reported: float, verdict: bool) -> None:
    assert energy_plausibility(reported, H100_FLEET, 1.1, 1.0).verdict is verdict


@pytest.mark.parametrize(("reported", "verdict"), [
    (28.38528 * MWH, True),
    (28.38528 * MWH * (1 - NUDGE), False),
    (425.7792 * MWH, True),
    (425.7792 * MWH * (1 + NUDGE), False),
])
def test_verdict_at_the_bounds_with_a_factor(reported: float, verdict: bool) -> None:
    assert energy_plausibility(reported, H100_FLEET, 1.1, 1.5).verdict is verdict


def test_nothing_used() -> None:
    idle = (HardwareUse("H100 SXM5", 0, 30 * DAY),)
    p = energy_plausibility(0.0, idle, 1.0, 1.0)
    assert (p.verdict, p.low_j, p.high_j) == (True, 0.0, 0.0)
    assert energy_plausibility(1.0, idle, 1.0, 1.0).verdict is False


# --- several kinds of hardware, disclosed power, unknown hardware ---

def test_sum_over_hardware_and_rows_without_duplicates() -> None:
    uses = (
        HardwareUse("H100 SXM5", 256, 10 * DAY),
        HardwareUse("TPU v4", 1024, 5 * DAY),
        HardwareUse("NVIDIA H100 80GB HBM3", 256, 10 * DAY),
        HardwareUse("H100", 8, 1 * DAY),
    )
    p = energy_plausibility(100 * MWH, uses, 1.2, 1.0)
    # (256 × 700 × 240 + 1024 × 192 × 120 + 256 × 700 × 240 + 8 × 700 × 24) Wh × 1.2
    #   = (43 008 000 + 23 592 960 + 43 008 000 + 134 400) Wh × 1.2 = 109 743 360 Wh × 1.2 = 131.692032 MWh
    assert p.expected_max_j == pytest.approx(131.692032 * MWH, rel=1e-12)
    assert p.rows == (
        H100_ROW,
        "TPU v4 192 W (glennklockwood.com/garden/tpuv4; Green Algorithms)",
        "H100 SXM5 700 W (mlco2 gpus.csv; Llama 3 model card), for 'H100': SXM5 assumed, no form factor given",
    )
    assert p.terms == ("256 × H100 SXM5 700 W × 240 h", "1024 × TPU v4 192 W × 120 h",
                       "256 × H100 SXM5 700 W × 240 h", "8 × H100 SXM5 700 W × 24 h")
    assert p.verdict is True


def test_disclosed_power_overrides_the_table() -> None:
    uses = (HardwareUse("NVIDIA H100 80GB HBM3 SXM5", 512, 30 * DAY, power_w=500.0),)
    p = energy_plausibility(150 * MWH, uses, 1.1, 1.0)
    # 512 × 500 W × 720 h × 1.1 = 202.752 MWh, not the 283.8528 MWh of the 700 W table row
    assert p.expected_max_j == pytest.approx(202.752 * MWH, rel=1e-12)
    assert p.rows == ("NVIDIA H100 80GB HBM3 SXM5 500 W (disclosed)",)
    assert p.terms == ("512 × NVIDIA H100 80GB HBM3 SXM5 500 W (disclosed) × 720 h",)
    assert p.verdict is True
    assert energy_plausibility(250 * MWH, uses, 1.1, 1.0).verdict is False  # plausible at 700 W, not at 500 W


@pytest.mark.parametrize("description", ["Cerebras CS-2", "TPU v5e", "TPU v3"])
def test_disclosed_power_judges_hardware_the_table_cannot(description: str) -> None:
    p = energy_plausibility(10 * MWH, (HardwareUse(description, 100, 10 * DAY, power_w=250.0),), 1.0, 1.0)
    # 100 × 250 W × 240 h = 6 MWh
    assert p.expected_max_j == pytest.approx(6 * MWH, rel=1e-12)
    assert p.unknown == () and p.rows == (f"{description} 250 W (disclosed)",)
    assert p.verdict is False


def test_two_disclosed_powers_are_cited_apart() -> None:
    uses = (HardwareUse("Cerebras CS-2", 1, H, power_w=300.0), HardwareUse("Graphcore IPU", 1, H, power_w=300.0))
    assert energy_plausibility(100.0, uses, 1.0, 1.0).rows == (
        "Cerebras CS-2 300 W (disclosed)", "Graphcore IPU 300 W (disclosed)")


def test_unknown_hardware_cannot_be_judged() -> None:
    p = energy_plausibility(100 * MWH, (HardwareUse("Cerebras CS-2", 16, 30 * DAY),), 1.1, 1.0)
    assert p.verdict is None
    assert p.unknown == ("Cerebras CS-2",)
    assert (p.low_j, p.high_j, p.expected_max_j, p.rows, p.terms) == (0.0, 0.0, 0.0, (), ())
    assert describe(p) == "cannot judge reported 100 MWh: no board power known for Cerebras CS-2"


@pytest.mark.parametrize("description", ["TPU v3", "TPU v5e", "TPU v5p-8192"])
def test_unpublished_power_cannot_be_judged(description: str) -> None:
    p = energy_plausibility(100 * MWH, (HardwareUse(description, 16, 30 * DAY),), 1.1, 1.0)
    assert p.verdict is None
    assert p.unknown == (f"{description} (not published)",)
    assert describe(p) == f"cannot judge reported 100 MWh: no board power known for {description} (not published)"


def test_partly_unknown_hardware_is_not_judged_but_the_known_part_is_summed() -> None:
    uses = H100_FLEET + (HardwareUse("TPU v5e", 256, 30 * DAY), HardwareUse("Cerebras CS-2", 2, DAY))
    p = energy_plausibility(9 * GWH, uses, 1.1, 1.0)  # far above the H100 range: still not judged
    assert p.verdict is None
    assert p.high_j == pytest.approx(HIGH, rel=1e-12)  # the bounds cover the known hardware only
    assert p.unknown == ("TPU v5e (not published)", "Cerebras CS-2")
    assert describe(p) == ("cannot judge reported 9 GWh: no board power known for TPU v5e (not published); "
                           "Cerebras CS-2")


def test_no_hardware() -> None:
    p = energy_plausibility(433 * MWH, (), 1.2, 1.0)
    assert (p.verdict, p.unknown, p.rows) == (None, (), ())
    assert describe(p) == "cannot judge reported 433 MWh: no hardware given"


@pytest.mark.parametrize(("reported", "pue", "factor", "message"), [
    (1.0, 1.1, 0.9, "factor must be at least 1 and finite, got 0.9"),
    (1.0, 1.1, math.nan, "factor must be at least 1 and finite, got nan"),
    (1.0, 1.1, math.inf, "factor must be at least 1 and finite, got inf"),
    (1.0, 0.9, 1.0, "PUE must be at least 1 and finite, got 0.9"),
    (1.0, math.nan, 1.0, "PUE must be at least 1 and finite, got nan"),
    (-1.0, 1.1, 1.0, "reported energy must be finite and not negative, got -1.0 J"),
    (math.nan, 1.1, 1.0, "reported energy must be finite and not negative, got nan J"),
    (math.inf, 1.1, 1.0, "reported energy must be finite and not negative, got inf J"),
])
def test_bad_arguments(reported: float, pue: float, factor: float, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        energy_plausibility(reported, H100_FLEET, pue, factor)
    assert str(caught.value) == message


def test_pue_and_factor_of_exactly_one_are_allowed() -> None:
    p = energy_plausibility(0.0, H100_FLEET, 1.0, 1.0)
    assert p.expected_max_j == pytest.approx(258.048 * MWH, rel=1e-12)


# --- describe ---

DESCRIBED = [
    (200 * MWH, H100_FLEET, 1.1, 1.0,
     "reported 200 MWh is within the plausible range 42.6–284 MWh (512 × H100 SXM5 700 W × 720 h × PUE 1.1, "
     "factor 1)"),
    (HIGH, H100_FLEET, 1.1, 1.0,
     "reported 284 MWh is within the plausible range 42.6–284 MWh (512 × H100 SXM5 700 W × 720 h × PUE 1.1, "
     "factor 1)"),
    (300 * MWH, H100_FLEET, 1.1, 1.0,
     "reported 300 MWh is above the plausible range 42.6–284 MWh (512 × H100 SXM5 700 W × 720 h × PUE 1.1, "
     "factor 1): the upper bound assumes every device at full board power throughout"),
    (40 * MWH, H100_FLEET, 1.1, 1.0,
     "reported 40 MWh is below the plausible range 42.6–284 MWh (512 × H100 SXM5 700 W × 720 h × PUE 1.1, "
     "factor 1): the lower bound assumes devices drew at least 15% of board power, the lowest measured training "
     "draw"),
    (300 * MWH, H100_FLEET, 1.1, 1.5,
     "reported 300 MWh is within the plausible range 28.4–426 MWh (512 × H100 SXM5 700 W × 720 h × PUE 1.1, "
     "factor 1.5)"),
    # the describe() docstring example: 519.8352 MWh × 1.5 = 779.75 MWh, 77.97528 MWh / 1.5 = 51.98 MWh
    (1.2 * GWH, (HardwareUse("A100 SXM4", 1, 1_082_990 * H),), 1.2, 1.5,
     "reported 1.2 GWh is above the plausible range 52–780 MWh (1 × A100 SXM4 400 W × 1082990 h × PUE 1.2, "
     "factor 1.5): the upper bound assumes every device at full board power throughout"),
    (433 * MWH, (HardwareUse("A100 SXM4", 1, 1_082_990 * H),), 1.2, 1.0,
     "reported 433 MWh is within the plausible range 78–520 MWh (1 × A100 SXM4 400 W × 1082990 h × PUE 1.2, "
     "factor 1)"),
    # small: 70 W × 1.5 h = 105 Wh, 15 % of it 15.75 Wh
    (50 * WH, (HardwareUse("Tesla T4", 1, 1.5 * H),), 1.0, 1.0,
     "reported 50 Wh is within the plausible range 15.8–105 Wh (1 × T4 70 W × 1.5 h × PUE 1, factor 1)"),
    (500.0, (HardwareUse("Tesla T4", 1, 1.5 * H),), 1.0, 1.0,
     "reported 500 J is below the plausible range 15.8–105 Wh (1 × T4 70 W × 1.5 h × PUE 1, factor 1): the lower "
     "bound assumes devices drew at least 15% of board power, the lowest measured training draw"),
    # several terms; a disclosed power; hours above 100 shown whole. (64 × 192 W × 100.4 h + 64 × 200 W × 50 h)
    # × 1.1 = (1 233 715.2 + 640 000) Wh × 1.1 = 2.06108672 MWh; × 2 = 4.122 MWh; × 0.15 / 2 = 0.1546 MWh
    (5 * MWH, (HardwareUse("TPU v4", 64, 100.4 * H), HardwareUse("TPU v5e", 64, 50 * H, power_w=200.0)), 1.1, 2.0,
     "reported 5 MWh is above the plausible range 0.155–4.12 MWh ((64 × TPU v4 192 W × 100 h + 64 × TPU v5e "
     "200 W (disclosed) × 50 h) × PUE 1.1, factor 2): the upper bound assumes every device at full board power "
     "throughout"),
    # nothing used, nothing reported
    (0.0, (HardwareUse("H100 SXM5", 0, 0.0),), 1.0, 1.0,
     "reported 0 J is within the plausible range 0–0 J (0 × H100 SXM5 700 W × 0 h × PUE 1, factor 1)"),
    # an assumed form factor; a fraction of an hour: 1000 × 300 W × 0.2 h = 60 kWh, 15 % of it 9 kWh
    (1 * GWH, (HardwareUse("V100", 1000, 0.2 * H),), 1.0, 1.0,
     "reported 1 GWh is above the plausible range 9–60 kWh (1000 × V100 SXM2 300 W × 0.2 h × PUE 1, factor 1): "
     "the upper bound assumes every device at full board power throughout"),
]


@pytest.mark.parametrize(("reported", "uses", "pue", "factor", "text"), DESCRIBED)
def test_describe(reported: float, uses: tuple[HardwareUse, ...], pue: float, factor: float, text: str) -> None:
    assert describe(energy_plausibility(reported, uses, pue, factor)) == text


def test_describe_reads_the_verdict_not_the_bounds() -> None:
    # A report on the bound but a hair past it in floating point is still "within", as the verdict says.
    p = energy_plausibility(HIGH * (1 + 1e-13), H100_FLEET, 1.1, 1.0)
    assert p.verdict is True and describe(p).startswith("reported 284 MWh is within")


def test_plausibility_is_a_frozen_record() -> None:
    p = Plausibility(None, 0.0, 0.0, 0.0, (), ())
    assert math.isnan(p.reported_j) and (p.pue, p.factor, p.terms) == (1.0, 1.0, ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.verdict = True  # type: ignore[misc]


# --- the module stays cheap to import ---

def test_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(hardware.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"__future__", "dataclasses", "functools", "math", "re", "collections.abc"}


def test_public_names() -> None:
    assert sorted(hardware.__all__) == sorted(
        ["ACCELERATORS", "MAX_DESCRIPTION", "MIN_UTILISATION", "Accelerator", "HardwareUse", "Plausibility", "describe",
         "energy_plausibility", "find_accelerator"])
    assert all(hasattr(hardware, name) for name in hardware.__all__)


def test_only_the_first_200_characters_of_a_description_are_read() -> None:
    assert hardware.MAX_DESCRIPTION == 200
    assert find_accelerator("x" * 200 + " A100 PCIe") is None
    found = find_accelerator("NVIDIA H100 PCIe " + "x " * 100_000)
    assert found is not None and found.name == "H100 PCIe"


def test_the_table_look_aheads_are_anchored() -> None:
    # Unanchored, search() ran each look-ahead's ".*" from every position, a quadratic time (32 KB took minutes);
    # tests/test_regex_timing.py measures it.
    look_aheads = [p.pattern for p, _, _ in hardware._compiled() if "(?=" in p.pattern]
    assert look_aheads and all(p.startswith("^") for p in look_aheads)
