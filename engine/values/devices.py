"""Accelerator figures the physics checks need: board power (a cap) and peak dense BF16 FLOP/s, with sources.

Device names are matched by `hardware.find_accelerator` (its table and patterns are hardware.py's); this module adds
the figures that table lacks (peak throughput, TPU v3 power) and three devices it does not know (H800, Gaudi 2,
Gaudi 3), tried first with patterns of their own. Sources: vendor datasheets as read for issue 10
(notes/energy-research.md section 3); "[secondary]" marks a figure read in a copy, not the vendor's page.
Peak is dense matrix throughput at BF16 (FP16 where the device has no BF16), without 2:4 sparsity: vendor sheets
print the sparse figure with an asterisk (H100 SXM "1,979 TFLOPS*" is 989 dense).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from . import hardware

__all__ = ["DEVICES", "DeviceFigures", "lookup"]


@dataclass(frozen=True, slots=True)
class DeviceFigures:
    """One accelerator: maximum board power in W (None: not published), peak dense BF16 FLOP/s, sources."""

    name: str
    board_power_w: float | None
    peak_flops: float | None
    source: str
    note: str = ""


_T = 1e12

# By hardware.py row name, plus the devices only this module knows. Board power None falls back to hardware.py's.
DEVICES: dict[str, DeviceFigures] = {d.name: d for d in (
    DeviceFigures("V100 PCIe", None, 112 * _T, "NVIDIA Tesla V100 PCIe product brief PB-08744", "FP16 tensor, no BF16"),
    DeviceFigures("V100 SXM2", None, 125 * _T, "NVIDIA Tesla V100 datasheet; Patterson et al. 2021 footnote 12",
                  "FP16 tensor, no BF16"),
    DeviceFigures("A100 40GB PCIe", None, 312 * _T, "NVIDIA A100 Tensor Core GPU datasheet"),
    DeviceFigures("A100 80GB PCIe", None, 312 * _T, "NVIDIA A100 Tensor Core GPU datasheet"),
    DeviceFigures("A100 SXM4", None, 312 * _T, "NVIDIA A100 Tensor Core GPU datasheet (BF16 312, 624 sparse)"),
    DeviceFigures("H100 NVL", None, 835 * _T, "NVIDIA H100 Tensor Core GPU datasheet [unverified]"),
    DeviceFigures("H100 PCIe", None, 756 * _T, "NVIDIA H100 Tensor Core GPU datasheet [unverified]"),
    DeviceFigures("H100 SXM5", None, 989.4 * _T, "NVIDIA H100 Tensor Core GPU datasheet (BF16 989.4, 1,978.9 sparse)"),
    DeviceFigures("H200 NVL", None, 835 * _T, "NVIDIA H200 Tensor Core GPU datasheet [unverified]"),
    DeviceFigures("H200 SXM", None, 989 * _T, "NVIDIA H200 Tensor Core GPU datasheet (1,979 sparse)"),
    DeviceFigures("MI250X", None, 383 * _T, "AMD Instinct MI250X product page (383.0 TF FP16/BF16 matrix)",
                  "one MI250X is two GCDs that software counts as two GPUs: per GCD, 280 W and 191.5 TF"),
    DeviceFigures("MI300X", None, 1307.4 * _T, "AMD Instinct MI300X data sheet [secondary]"),
    DeviceFigures("TPU v3", 262.0, 123 * _T, "Google Cloud TPU v3 documentation (measured min/mean/max 123/220/262 W; "
                  "123 TFLOPS bf16)", "262 W is Google's measured maximum per chip, not a datasheet TDP; Patterson et "
                  "al. 2021 give a chip TDP of 450 W and a system figure of 283-310 W per chip including the host"),
    DeviceFigures("TPU v4", None, 275 * _T, "Google Cloud TPU v4 documentation (275 TFLOPS bf16)"),
    DeviceFigures("TPU v5e", None, 197 * _T, "Google Cloud TPU v5e documentation (197 TFLOPS bf16)",
                  "power not published"),
    DeviceFigures("TPU v5p", None, 459 * _T, "Google Cloud TPU v5p documentation (459 TFLOPS bf16)",
                  "power not published"),
    DeviceFigures("L4", None, 121 * _T, "NVIDIA L4 datasheet (242 sparse)"),
    DeviceFigures("T4", None, 65 * _T, "NVIDIA T4 datasheet (FP16 mixed precision, no BF16)"),
    DeviceFigures("A10G", None, None, "no official figures"),
    DeviceFigures("A10", None, None, "peak not in openwatt's sources"),
    DeviceFigures("RTX 4090", None, None, "peak not in openwatt's sources"),
    DeviceFigures("H800 SXM5", 700.0, 989 * _T, "NVIDIA China product page, as summarised by aiwiki.ai [secondary]",
                  "the GH100 SXM5 configuration of the H100 with NVLink cut to 400 GB/s [unverified]"),
    DeviceFigures("Gaudi 2", 600.0, 432 * _T, "Intel, 'Intel Gaudi 3 AI Accelerator', Hot Chips 2024 slides "
                  "(generation table: TDP 600 W, BF16 432 TFLOPs)"),
    DeviceFigures("Gaudi 3", 1200.0, 1835 * _T, "Intel, 'Intel Gaudi 3 AI Accelerator', Hot Chips 2024 slides "
                  "(TDP 900 W air-cooled, 1,200 W liquid-cooled; BF16 1,835 TFLOPs)",
                  "the liquid-cooled 1,200 W is used so that the bound stays an upper bound; disclose board_power "
                  "for the 900 W air-cooled card"),
)}

# Devices hardware.py does not know, as (pattern, name); simple word patterns on hardware.py's normalised text.
_OWN: tuple[tuple[str, str], ...] = (
    (r"\bh800s?\b", "H800 SXM5"),
    (r"\bgaudi ?2\b|\bhl ?225", "Gaudi 2"),
    (r"\bgaudi ?3\b|\bhl ?32[58]", "Gaudi 3"),
)


@functools.cache
def _own() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p), name) for p, name in _OWN)


def _normalise(description: str) -> str:
    text = re.sub(r"[-_/,()]", " ", description.lower())
    return " ".join(text.split())


def lookup(description: str) -> DeviceFigures | None:
    """The figures for a hardware description, or None for a device no table knows.

    "NVIDIA H100 SXM5 80GB" -> H100 SXM5, 700 W, 989.4 TFLOP/s; "Intel Gaudi 2" -> 600 W; "TPU v3" -> 262 W;
    "TPU v5e" -> no board power (not published), 197 TFLOP/s; "GTX 1080 Ti" -> None.
    """
    text = _normalise(description)
    for pattern, name in _own():
        if pattern.search(text):
            return DEVICES[name]
    row = hardware.find_accelerator(description)
    if row is None:
        return None
    figures = DEVICES.get(row.name)
    if figures is None:
        return DeviceFigures(row.name, row.board_power_w, None, row.source, row.note)
    power = figures.board_power_w if figures.board_power_w is not None else row.board_power_w
    source = figures.source if figures.board_power_w is not None else f"{row.source}; {figures.source}"
    note = "; ".join(n for n in (row.note, figures.note) if n)
    return DeviceFigures(row.name, power, figures.peak_flops, source, note)
