"""Property tests of the loaders and of evidence merging: whatever the bytes, a Document or a
DocumentError; whatever the figures, merged or reported, never another exception. Fast by default;
OPENWATT_FUZZ_EXAMPLES sets how many examples (the shared profile of tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from openwatt.documents import Document, DocumentError, Problem, merge_evidence, parse_any, validate
from openwatt.documents.importers import INPUT_FORMATS
from openwatt.documents.loading import parse_document

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SEEDS = [(SAMPLES / "glacier-1b.yaml").read_bytes(), (SAMPLES / "evidence" / "emissions.csv").read_bytes(),
         (SAMPLES / "model-cards" / "glacier-1b-instruct" / "README.md").read_bytes(),
         (SAMPLES / "mot" / "glacier-1b-mot.yaml").read_bytes(), (SAMPLES / "aurora-7b.yaml").read_bytes()]
NAMES = st.sampled_from(["d.yaml", "d.yml", "d.json", "README.md", "emissions.csv", "x.txt", "mot.yaml"])
FORMATS = st.sampled_from([None, *INPUT_FORMATS])


def _read(raw: bytes, name: str, input_format: str | None) -> None:
    try:
        document = parse_any(raw, name, input_format=input_format)
    except DocumentError as error:
        assert error.message and error.file == name
        return
    assert isinstance(document, Document)
    assert all(isinstance(problem, Problem) for problem in validate(document))


@given(raw=st.binary(max_size=600), name=NAMES, input_format=FORMATS)
def test_any_bytes_are_a_document_or_a_document_error(raw: bytes, name: str, input_format: str | None) -> None:
    _read(raw, name, input_format)


@given(seed=st.sampled_from(SEEDS), data=st.data(), name=NAMES, input_format=FORMATS)
def test_a_damaged_sample_is_a_document_or_a_document_error(seed: bytes, data: st.DataObject, name: str,
                                                              input_format: str | None) -> None:
    start = data.draw(st.integers(0, len(seed)))
    end = data.draw(st.integers(start, min(len(seed), start + 60)))
    inserted = data.draw(st.one_of(st.binary(max_size=20), st.sampled_from(
        [b"\xff\xfe", b"\x00", b"&a [*a, *a]", b"!!python/object:os.system", b"{", b"'", b"\xed\xa0\x80", b"1e999",
         b"-", b"\n  - ", b": :", b"---\n", "\ufeff".encode()])))
    _read(seed[:start] + inserted + seed[end:], name, input_format)


# --- evidence merging: any stated figures against any evidenced ones ------------------------------------

NUMBERS = st.one_of(st.integers(-10**30, 10**30), st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from(["0e2", "0e309", "1e-400", "9" * 400, "1.0e+3", "-0", "0.000", ".5", "5."]))
UNITS = st.sampled_from(["kWh", "MWh", "GWh", "J", "tCO2e", "kgCO2e", "gCO2e", "h", "s", "days", "FLOP", "L", "m3",
                         "gCO2e/kWh", "kgCO2e/kWh", "MWhr", ""])
QUANTITIES = st.builds(lambda n, u: f"{n} {u}".strip(), NUMBERS, UNITS)
VALUES: st.SearchStrategy[Any] = st.one_of(QUANTITIES, NUMBERS, st.text(max_size=20), st.none(), st.booleans(),
                                           st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5),
                                                                                                st.integers(), max_size=2))
KEYS = st.sampled_from(["energy", "emissions", "duration", "accelerator_time", "compute", "water",
                        "carbon_intensity", "pue", "method", "tool", "location", "hardware", "evidence"])
PHASES = st.dictionaries(KEYS, VALUES, max_size=6)


def _disclosure(phases: dict[str, Any], name: str) -> Document:
    data = {"openwatt": "1.0", "model": {"id": "x"}, "energy": phases}
    return parse_document(json.dumps(data).encode(), name)


@given(stated=st.dictionaries(st.sampled_from(["training", "fine_tuning", "inference"]), PHASES, max_size=2),
       evidenced=st.dictionaries(st.sampled_from(["training", "fine_tuning"]), PHASES, max_size=2),
       written=st.sampled_from(["e.json", "sub/e.json", "../e.json", "/etc/e.json", "https://x/e", "e\x00.json", ""]))
def test_any_figures_merge_or_are_reported(stated: dict[str, Any], evidenced: dict[str, Any], written: str) -> None:
    for phase in stated.values():
        phase["evidence"] = written
    document = _disclosure(stated, "d.json")
    evidence = _disclosure(evidenced, "e.json")
    merged, problems = merge_evidence(document, load=lambda path: evidence)
    assert isinstance(merged, Document) and all(isinstance(problem, Problem) for problem in problems)
    for phase, section in stated.items():
        for key, value in section.items():  # stated values win
            if isinstance(merged.data["energy"].get(phase), dict):
                assert merged.data["energy"][phase][key] == value


MANTISSAS = st.one_of(st.integers(0, 10**6).map(str), st.decimals(0, 10**6, places=3, allow_nan=False).map(str))
EXPONENTS = st.one_of(st.just(""), st.integers(-30, 30).map(lambda e: f"e{e}"))


@given(mantissa=MANTISSAS, exponent=EXPONENTS, evidenced=st.floats(1e-12, 1e12), unit=st.sampled_from(["kWh", "MWh"]))
def test_agreement_is_never_beyond_five_percent_whatever_the_notation(mantissa: str, exponent: str,
                                                                      evidenced: float, unit: str) -> None:
    from openwatt.documents.importers.evidence import ROUNDING_LIMIT, _compare
    from openwatt.values.quantities import parse_quantity

    stated = f"{mantissa}{exponent} {unit}"
    a, b = parse_quantity(stated).base, parse_quantity(f"{evidenced!r} kWh").base
    if _compare(stated, f"{evidenced!r} kWh", "energy") is None:  # they agree
        assert a != 0 and abs(a - b) <= ROUNDING_LIMIT * abs(b) * (1 + 1e-9)
