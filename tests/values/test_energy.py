"""The physics of an energy disclosure (values/energy.py, values/devices.py), on published figures.

The first tests reproduce the bullets of issue 10, each with the verdict the physics gives; figures and sources
are in notes/energy-research.md and the files under samples/real/energy/.
"""

from __future__ import annotations

import pytest

from openwatt.values import devices
from openwatt.values.energy import (
    Basis,
    Judgement,
    carbon_intensity_plausible,
    compute_matches_6nd,
    device_time_fits,
    emissions_match,
    emissions_of,
    energy_in_band,
    family_adds_up,
    utilisation_plausible,
)

W = "energy.training"
BLOOM_HW = [{"type": "NVIDIA A100 SXM4 80GB", "count": 384, "accelerator_time": "1082990 h"}]
GPT3_HW = [{"type": "NVIDIA V100 SXM2", "count": 10000, "duration": "14.8 days"}]


# ---- the bullets -------------------------------------------------------------------------------------


def test_device_time_in_gpu_hours_is_enough_and_a_kwh_for_mwh_slip_is_implausible_not_missing() -> None:
    phase = {"energy": "433196 MWh", "boundary": "accelerators", "hardware": BLOOM_HW}
    judged = energy_in_band(phase, 1.1, W)
    assert judged.verdict is False
    assert judged.detail.endswith("above the upper bound by 909x; the bound has every device at full board power "
                                  "throughout")


def test_a_facility_figure_with_idle_nodes_and_pue_is_within_the_band() -> None:
    # BLOOM: (433,196 + 256,646 kWh) x PUE 1.2 = 827.8 MWh, 1.59 x the old maximum's 519.8 MWh.
    phase = {"energy": "827.8 MWh", "boundary": "facility", "pue": 1.2, "hardware": BLOOM_HW}
    assert energy_in_band(phase, 1.0, W).verdict is True


def test_a_share_of_the_server_per_accelerator_is_within_the_node_allowance() -> None:
    # GPT-3: 1,287 MWh = 1.10 x V100-hours x 300 W x PUE 1.1 (system power 330 W per accelerator).
    phase = {"energy": "1287 MWh", "boundary": "facility", "pue": 1.1, "hardware": GPT3_HW}
    assert energy_in_band(phase, 1.0, W).verdict is True


def test_missing_pue_uses_the_documented_range_instead_of_switching_off() -> None:
    judged = energy_in_band({"energy": "1287 MWh", "boundary": "facility", "hardware": GPT3_HW}, 1.0, W)
    assert judged.verdict is True
    assert "x PUE 1-1.6 (not stated)" in judged.detail


def test_emissions_apply_pue_below_the_facility_boundary() -> None:
    olmo = {"energy": "104 MWh", "boundary": "node", "pue": 1.1,
            "location_based": {"emissions": "75.05 tCO2e", "carbon_intensity": "0.656 kgCO2e/kWh"}}
    assert emissions_match(olmo, Basis.LOCATION, 1.02, W) == Judgement(
        True, "location-based emissions 75.05 tCO2e against energy x carbon intensity = 104 MWh x 0.656 kgCO2e/kWh "
              "= 75.05 tCO2e (node boundary: x PUE 1.1; tolerance 1.02)")
    facility = {**olmo, "boundary": "facility"}
    assert emissions_match(facility, Basis.LOCATION, 1.02, W).verdict is False


def test_dual_emissions_are_each_checked_against_their_own_intensity() -> None:
    phase = {"energy": "100 MWh", "boundary": "facility",
             "location_based": {"emissions": "40 tCO2e", "carbon_intensity": "0.4 kgCO2e/kWh"},
             "market_based": {"emissions": "0 tCO2e", "carbon_intensity": "0 gCO2e/kWh"}}
    assert emissions_match(phase, Basis.LOCATION, 1.05, W).verdict is True
    assert emissions_match(phase, Basis.MARKET, 1.05, W).verdict is True
    assert emissions_of(phase, Basis.MARKET)[0] == 0


def test_family_rows_that_do_not_add_up_are_flagged() -> None:
    family = {"variants": [{"name": "7B", "accelerator_time": "184320 h"}, {"name": "13B", "accelerator_time": "368640 h"},
                           {"name": "70B", "accelerator_time": "1720320 h"}],
              "total": {"accelerator_time": "3311616 h"}}
    assert family_adds_up(family, 0.01, "energy.family") == Judgement(
        False, "accelerator_time: rows add up to 2,273,280 h, the total says 3,311,616 h (-31 %) (tolerance 1%)")


def test_a_flop_typo_an_order_of_magnitude_off_is_caught_twice() -> None:
    model = {"parameters": 175e9, "architecture": "transformer decoder"}
    phase = {"compute": "3.14e24 FLOP", "tokens": 300e9, "hardware": GPT3_HW}
    assert compute_matches_6nd(phase, model, 0.3, W).verdict is False
    assert utilisation_plausible(phase, 0.05, 0.75, W).verdict is False
    right = {**phase, "compute": "3.14e23 FLOP"}
    assert compute_matches_6nd(right, model, 0.3, W).verdict is True
    assert "= 19.6% utilisation" in utilisation_plausible(right, 0.05, 0.75, W).detail


# ---- cannot judge: every missing fact, once ------------------------------------------------------------------------


def test_cannot_judge_names_every_missing_fact_once() -> None:
    judged = compute_matches_6nd({}, {}, 0.3, W)
    assert judged == Judgement(None, "cannot judge: missing energy.training.compute, energy.training.tokens, "
                                     "model.parameters, model.architecture",
                               ("energy.training.compute", "energy.training.tokens", "model.parameters",
                                "model.architecture"))


def test_an_unknown_device_asks_for_its_board_power_and_a_disclosed_one_answers() -> None:
    unknown = {"energy": "50 MWh", "boundary": "accelerators",
               "hardware": [{"type": "Example Accelerator X1", "count": 100, "duration": "1000 h"}]}
    judged = energy_in_band(unknown, 1.1, W)
    assert judged.verdict is None
    assert judged.detail == ("cannot judge: no board power known for 'Example Accelerator X1': add `board_power` "
                             "to the hardware entry")
    unknown["hardware"][0]["board_power"] = "500 W"
    assert energy_in_band(unknown, 1.1, W).verdict is True


@pytest.mark.parametrize("architecture", ["mixture-of-experts decoder", "transformer encoder-decoder", "MoE"])
def test_6nd_does_not_judge_moe_or_encoder_decoder(architecture: str) -> None:
    judged = compute_matches_6nd({"compute": "1e24 FLOP", "tokens": 1e12}, {"parameters": 1e11,
                                                                            "architecture": architecture}, 0.3, W)
    assert judged.verdict is None and "holds for dense transformers" in judged.detail


# ---- the remaining checks -------------------------------------------------------------------------------------------


def test_device_time_bound() -> None:
    phase = {"duration": "118.24 days", "accelerator_time": "1082990 h", "hardware": BLOOM_HW}
    assert device_time_fits(phase, 1.0, W).verdict is True
    assert device_time_fits({**phase, "accelerator_time": "1.2e6 h"}, 1.0, W).verdict is False


@pytest.mark.parametrize(("intensity", "verdict"), [("57 gCO2e/kWh", True), ("57 kgCO2e/kWh", False),
                                                    ("1.306 kgCO2e/kWh", True), ("2.6 gCO2e/kWh", False)])
def test_carbon_intensity_range(intensity: str, verdict: bool) -> None:
    phase = {"location_based": {"carbon_intensity": intensity}}
    assert carbon_intensity_plausible(phase, Basis.LOCATION, W).verdict is verdict


def test_version_1_emissions_are_read_by_their_basis() -> None:
    v1 = {"emissions": "4.14 tCO2e", "emissions_basis": "location-based", "carbon_intensity": "56 gCO2e/kWh"}
    assert emissions_of(v1, Basis.LOCATION) == pytest.approx((4.14e6, 56 / 3.6e6))
    assert emissions_of(v1, Basis.MARKET) == (None, None)
    market = {"emissions": "0 tCO2e", "emissions_basis": "market-based"}
    assert emissions_of(market, Basis.LOCATION) == (None, None)
    assert emissions_of(market, Basis.MARKET)[0] == 0


@pytest.mark.parametrize(("described", "name", "watts", "peak"), [
    ("NVIDIA H100 SXM5 80GB", "H100 SXM5", 700.0, 989.4e12),
    ("NVIDIA H800", "H800 SXM5", 700.0, 989e12),
    ("Intel Gaudi 2", "Gaudi 2", 600.0, 432e12),
    ("Intel Gaudi 3", "Gaudi 3", 1200.0, 1835e12),
    ("TPU v3", "TPU v3", 262.0, 123e12),
    ("TPU v5e", "TPU v5e", None, 197e12),
    ("NVIDIA A100 40GB", "A100 SXM4", 400.0, 312e12),
    ("AMD MI300X", "MI300X", 750.0, 1307.4e12),
    ("NVIDIA T4", "T4", 70.0, 65e12),
])
def test_device_table(described: str, name: str, watts: float | None, peak: float) -> None:
    found = devices.lookup(described)
    assert found is not None
    assert (found.name, found.board_power_w, found.peak_flops) == (name, watts, peak)
    assert found.source


def test_an_unknown_device_is_none() -> None:
    assert devices.lookup("GTX 1080 Ti") is None


def test_a_fact_that_is_there_but_unreadable_is_said_to_be_unreadable_not_missing() -> None:
    phase = {"energy": 433, "hardware": [{"type": "NVIDIA H100 SXM5", "count": 2, "duration": "3 h"}]}
    assert energy_in_band(phase, 1.1, W).detail == "cannot judge: unreadable energy.training.energy (433)"
    judged = compute_matches_6nd({"compute": "1e24 FLOP"}, {"parameters": "7e9", "architecture": "decoder"}, 0.3, W)
    assert judged.detail == "cannot judge: missing energy.training.tokens; unreadable model.parameters ('7e9')"


@pytest.mark.parametrize("boundary", [[], ["facility"], {"facility": True}, 3])
def test_a_boundary_that_is_not_a_text_is_read_as_not_stated(boundary: object) -> None:
    # A submitter can write anything; a list or a mapping once raised TypeError (unhashable) in the lookup.
    judged = energy_in_band({"energy": "1287 MWh", "boundary": boundary, "hardware": GPT3_HW}, 1.0, W)
    assert judged.verdict is True
    assert "facility boundary (not stated: judged at the widest)" in judged.detail
