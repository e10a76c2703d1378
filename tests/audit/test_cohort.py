"""The cohort view's figures and outlier rule, on the real disclosures of samples/real and on made-up cohorts."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from openwatt.audit.cohort import MIN_COHORT, Band, Cohort, Metric, Outlier, bands, figures_of
from openwatt.audit.results import figures_in, line_of
from openwatt.audit.writers import outliers
from openwatt.documents.importers.detection import load_any

REAL = Path(__file__).resolve().parents[2] / "samples" / "real"


def _figures(name: str) -> dict[str, object]:
    return figures_of(load_any(str(REAL / name)).data)


def _real() -> dict[str, dict[str, object]]:
    return {str(p.relative_to(REAL)): figures_of(load_any(str(p)).data) for p in sorted(REAL.rglob("*.yaml"))}


def test_figures_of_real_disclosures() -> None:
    assert _figures("energy/gpt-3-patterson.yaml") == {
        "model": "openai/gpt-3", "energy_kwh": 1287000.0, "energy_from": "stated", "compute_flop": 3.14e23,
        "compute_from": "stated", "energy_per_flop": 1.47554e-11, "carbon_intensity": 429.0,
        "carbon_intensity_from": "stated"}
    # Meta's card: 1.72M GPU-hours x 400 W, 6 x 70e9 parameters x 2e12 tokens, 291.42 t over that energy
    assert _figures("energy/llama-2-family-card.yaml") == {
        "model": "meta-llama/Llama-2-70b", "energy_kwh": 688128.0, "energy_from": "device time x power",
        "compute_flop": 8.4e23, "compute_from": "6ND", "energy_per_flop": 2.94912e-12, "carbon_intensity": 423.497,
        "carbon_intensity_from": "implied"}
    # 12.9 t over 7.0M H100-hours x 700 W: the card's unit slip
    assert _figures("energy/llama-3.3-70b-card.yaml")["carbon_intensity"] == 2.63265
    assert _figures("mistral-7b.yaml") == {"model": "mistralai/Mistral-7B-v0.1"}  # no energy disclosed


def test_the_real_cohort_flags_llama_3_3_and_nothing_else() -> None:
    real = _real()
    intensity = Cohort(f["carbon_intensity"] for f in real.values() if "carbon_intensity" in f)  # type: ignore[misc]
    band = intensity.band()
    assert band is not None and band.count == 9
    assert round(band.median, 3) == 423.448  # Llama 2 7B's 31.22 t over 73.7 MWh, the middle of nine
    # the nine cluster within 0.04 decades of the median but for BLOOM and Llama 3.3: MAD 0.009 decades, so the
    # floor of a factor of 10 sets the band
    assert (round(band.low, 3), round(band.high, 2)) == (42.345, 4234.48)
    judged = {name: band.judge(f["carbon_intensity"]) for name, f in real.items() if "carbon_intensity" in f}  # type: ignore[arg-type]
    assert {n: j for n, j in judged.items() if j is not Outlier.NO} == {"energy/llama-3.3-70b-card.yaml": Outlier.LOW}
    assert judged["bloom-176b.yaml"] is Outlier.NO  # 57 g/kWh, France's grid: 7.4x below, within the floor

    per_flop = {n: f["energy_per_flop"] for n, f in real.items() if "energy_per_flop" in f}
    assert sorted(per_flop) == ["energy/gpt-3-patterson.yaml", "energy/llama-2-family-card.yaml",
                                "energy/llama-3.1-family.yaml"]
    flop_band = Cohort(per_flop.values()).band()  # type: ignore[arg-type]
    assert flop_band is not None
    assert all(flop_band.judge(v) is Outlier.NO for v in per_flop.values())  # V100 to H100: within 10x
    # a unit slip (GPT-3's 1,287 MWh written as GWh) lands 1000x up, and is flagged
    slipped = Cohort([*per_flop.values(), 1.47554e-8]).band()  # type: ignore[list-item]
    assert slipped is not None and slipped.judge(1.47554e-8) is Outlier.HIGH
    assert all(slipped.judge(v) is Outlier.NO for v in per_flop.values())  # type: ignore[arg-type]


def test_a_spread_cohort_uses_its_mad() -> None:
    # logs 0, 1, 2, 3, 4, 5, 6: median 3, MAD 2, reach 3.5 x 1.4826 x 2 = 10.378 decades
    band = Cohort([10.0 ** e for e in range(7)]).band()
    assert band is not None
    assert math.isclose(math.log10(band.high), 3 + 3.5 * 1.4826 * 2)
    assert math.isclose(math.log10(band.low), 3 - 3.5 * 1.4826 * 2)


def test_a_tight_cohort_flags_beyond_a_factor_of_ten_only() -> None:
    band = Cohort([400.0] * 6).band()  # MAD 0
    assert band == Band(count=6, median=pytest.approx(400.0), low=pytest.approx(40.0), high=pytest.approx(4000.0))
    assert [band.judge(v) for v in (41.0, 3999.0, 39.0, 4001.0, 0.0)] == [
        Outlier.NO, Outlier.NO, Outlier.LOW, Outlier.HIGH, Outlier.LOW]


def test_too_small_a_cohort_flags_nothing() -> None:
    assert MIN_COHORT == 3
    assert Cohort([1.0, 1e6]).band() is None
    assert Cohort([0.0, 0.0, 5.0, 5.0]).band() is None  # zeros take no part in the statistics
    flags = outliers({"figures": {"carbon_intensity": 1e6}}, {Metric.CARBON_INTENSITY: None})
    assert flags == {}


def test_bands_read_only_the_figures_of_each_line() -> None:
    hostile = {"path": "x", "value": {"figures": {"carbon_intensity": 1}}}  # an input may have a key "figures"
    lines = [line_of({"id": str(i), "findings": [{"values": [hostile]}], "figures": {"carbon_intensity": v}}).encode()
             + b"\n" for i, v in enumerate((400, 410, 420, 2.6))]
    assert figures_in(lines[3]) == {"carbon_intensity": 2.6}
    assert figures_in(b'{"id":"old","findings":[]}\n') == {}
    found = bands(map(figures_in, lines))
    assert found[Metric.ENERGY_PER_FLOP] is None
    band = found[Metric.CARBON_INTENSITY]
    assert band is not None and band.count == 4 and band.judge(2.6) is Outlier.LOW


@pytest.mark.parametrize(("training", "model", "expected"), [
    # stated intensity wins over emissions / energy
    ({"energy": "100 MWh", "location_based": {"emissions": "1 tCO2e", "carbon_intensity": "0.4 kgCO2e/kWh"}}, {},
     {"energy_kwh": 100000.0, "energy_from": "stated", "carbon_intensity": 400.0, "carbon_intensity_from": "stated"}),
    # below facility boundary with a PUE: emissions / (energy x PUE)
    ({"energy": "100 MWh", "boundary": "node", "pue": 1.25, "emissions": "50 tCO2e"}, {},
     {"energy_kwh": 100000.0, "energy_from": "stated", "carbon_intensity": 400.0, "carbon_intensity_from": "implied"}),
    # a mixture of experts: 6ND does not hold, no compute
    ({"energy": "100 MWh", "tokens": 1e12}, {"parameters": 1e9, "architecture": "sparse mixture-of-experts"},
     {"energy_kwh": 100000.0, "energy_from": "stated"}),
    # device time from count x duration; one entry without power: no energy
    ({"hardware": [{"count": 10, "duration": "10 h", "board_power": "1 kW"}]}, {},
     {"energy_kwh": 100.0, "energy_from": "device time x power"}),
    ({"hardware": [{"count": 10, "duration": "10 h", "board_power": "1 kW"}, {"count": 1, "duration": "1 h"}]}, {},
     {}),
    ({"energy": "not a quantity", "compute": "1e21 FLOP"}, {}, {"compute_flop": 1e21, "compute_from": "stated"}),
])
def test_figures_of_made_up_phases(training: dict[str, object], model: dict[str, object],
                                   expected: dict[str, object]) -> None:
    assert figures_of({"model": model, "energy": {"training": training}}) == expected


def test_figures_of_odd_documents() -> None:
    assert figures_of(["not", "a", "mapping"]) == {}
    assert figures_of({"model": "x", "energy": {"training": "y"}}) == {}
    assert json.loads(line_of({"figures": figures_of({"model": {"id": "a</script>"}})})) == {
        "figures": {"model": "a</script>"}}


def test_the_journal_reads_back_only_the_figures_after_writing_and_after_resuming(tmp_path: Path) -> None:
    from openwatt.audit.journal import Journal
    from openwatt.audit.results import Entry
    from openwatt.findings import Verdict

    def entry(file: str, figures: dict[str, float]) -> Entry:
        line = line_of({"id": file, "file": file, "sha256": "ab", "verdict": "pass",
                        "findings": [{"values": [{"figures": {"carbon_intensity": 1}}]}], "figures": figures})
        return Entry(file=file, sha256="ab", verdict=Verdict.PASS, line=line)

    journal = Journal(tmp_path, {"setup": 1}, resume=False)
    journal.append(entry("a.yaml", {"carbon_intensity": 400}))
    journal.append(entry("b.yaml", {}))
    journal.append(entry("a.yaml", {"carbon_intensity": 57}))  # checked again: the last line counts
    journal.close()
    for opened in (journal, Journal(tmp_path, {"setup": 1}, resume=True)):
        with opened.path.open("rb") as handle:
            assert opened.figures(handle, "a.yaml") == {"carbon_intensity": 57}
            assert opened.figures(handle, "b.yaml") == {}
            assert figures_in(opened.read(handle, "a.yaml")) == {"carbon_intensity": 57}
        opened.close()
