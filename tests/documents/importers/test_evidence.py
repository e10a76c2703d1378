"""Evidence files merged into the disclosure that references them: stated values win, evidence fills gaps,
disagreements beyond rounding are conflicts, and paths that leave the disclosure's folder are refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from openwatt.documents import Document, Problem, ProblemKind, format_path, load_document, parse_document
from openwatt.documents.importers.evidence import EvidenceReference, evidence_references, merge_evidence

from conftest import CARD, EMISSIONS, GLACIER, assert_valid


def write(folder: Path, training: str, name: str = "disclosure.yaml") -> Path:
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"openwatt: '1.0'\nmodel:\n  id: example/m\nenergy:\n  training:\n{training}", encoding="utf-8")
    return target


def conflict(disclosure: Document, path: tuple[str, ...], stated: object, evidenced: object, evidence_file: str,
             evidence_line: int) -> Problem:
    """The problem a stated value at `path` that its evidence contradicts gives, located at the statement."""
    line, column, _ = disclosure.locate(path)
    return Problem(kind=ProblemKind.CONFLICT, file=disclosure.file, line=line, column=column, path=path,
                   message=f"{format_path(path)} is {stated}, but the evidence {evidence_file} gives {evidenced} "
                           f"(line {evidence_line})",
                   hint="correct whichever is wrong: the stated value is the one checked, so make it agree with the "
                        "evidence or explain the difference in methodology",
                   values=((format_path(path), str(stated)), (evidence_file, str(evidenced))))


def evidence_of(**fields: object) -> object:
    """A `load` that returns an evidence disclosure whose training phase holds ``fields``."""
    lines = "".join(f"    {key}: {value}\n" for key, value in fields.items())
    raw = f"openwatt: '1.0'\nmodel:\n  id: e\nenergy:\n  training:\n{lines}".encode()
    return lambda path: parse_document(raw, path)


# --- the sample: a CodeCarbon log and a model card --------------------------------------------------------

def test_sample_merge_fills_gaps_and_reports_the_conflict() -> None:
    disclosure = load_document(GLACIER)
    merged, issues = merge_evidence(disclosure)
    assert merged.data["energy"] == {
        "training": {
            "energy": "284 kWh",  # stated, and confirmed by the log's 284.409 kWh
            "method": "measured",
            "compute": "6.6e20 FLOP",
            "compute_methodology": "6 x parameters x training tokens (6 x 1.1e9 x 1.0e11), dense transformer.",
            "evidence": "evidence/emissions.csv",
            "tool": "codecarbon 3.2.1",
            "hardware": [{"type": "NVIDIA H100 80GB HBM3", "count": 8, "duration": "187923.84 s"}],
            "duration": "187923.84 s",
            "location": "île-de-france, France (FRA)",
            "pue": 1.2,
            "boundary": "facility",
            "emissions": "15.983788019 kgCO2e",
            "emissions_basis": "location-based",
        },
        "fine_tuning": {
            "energy": "30 kWh",
            "method": "measured",
            "hardware": [{"type": "NVIDIA H100 80GB HBM3", "count": 8, "duration": "6.5 h"}],
            "emissions": "1.2 kgCO2e",  # stated: kept, and reported below
            "evidence": "model-cards/glacier-1b-instruct/README.md",
            "tool": "codecarbon",
            "location": "Île-de-France, France",
        },
    }
    assert issues == [conflict(disclosure, ("energy", "fine_tuning", "emissions"), "1.2 kgCO2e", "1710 gCO2e",
                               str(CARD), 20)]
    assert issues[0].message == (f"energy.fine_tuning.emissions is 1.2 kgCO2e, but the evidence {CARD} "
                                 "gives 1710 gCO2e (line 20)")
    assert (issues[0].line, issues[0].column) == disclosure.positions[("energy", "fine_tuning", "emissions")]
    assert_valid(merged)
    # filled values are located at the evidence line that brought them; stated ones keep their own place
    assert merged.positions[("energy", "training", "emissions")] == (65, 5) == disclosure.positions[
        ("energy", "training", "evidence")]
    assert merged.positions[("energy", "training", "hardware", 0, "count")] == (65, 5)
    assert merged.positions[("energy", "fine_tuning", "location")] == (74, 5)
    assert merged.positions[("energy", "training", "energy")] == disclosure.positions[("energy", "training", "energy")]
    assert merged.file == disclosure.file and merged.digest == disclosure.digest
    assert disclosure.data["energy"]["training"].get("emissions") is None  # the original is not changed


def test_references() -> None:
    disclosure = load_document(GLACIER)
    folder = os.path.dirname(str(GLACIER))
    assert evidence_references(disclosure) == [
        EvidenceReference(("energy", "training", "evidence"), 65, 5, "evidence/emissions.csv",
                          os.path.join(folder, "evidence", "emissions.csv")),
        EvidenceReference(("energy", "fine_tuning", "evidence"), 74, 5, "model-cards/glacier-1b-instruct/README.md",
                          os.path.join(folder, "model-cards", "glacier-1b-instruct", "README.md")),
    ]


def test_without_evidence_the_document_is_returned_as_it_is() -> None:
    aurora_like = parse_document(b"openwatt: '1.0'\nmodel: {id: x}\nenergy: {training: {energy: 1 MWh}}\n", "d.yaml")
    assert merge_evidence(aurora_like) == (aurora_like, [])


def test_evidence_from_the_log_alone(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "emissions.csv").write_bytes(EMISSIONS.read_bytes())
    disclosure = load_document(write(tmp_path, "    evidence: logs/emissions.csv\n"))
    merged, issues = merge_evidence(disclosure)
    assert issues == []
    assert merged.data["energy"]["training"]["energy"] == "284.409039492 kWh"
    assert merged.data["energy"]["training"]["method"] == "measured"
    assert_valid(merged)


# --- agreement: units, 1 %, and the precision a figure is written with --------------------------------------

@pytest.mark.parametrize(("key", "stated", "evidenced"), [
    ("energy", "284 kWh", "284.409039492 kWh"),
    ("energy", "0.284 MWh", "284.409039492 kWh"),     # other unit, same energy
    ("energy", "74 MWh", "74.4 MWh"),                 # rounding to the stated precision
    ("energy", "74 MWh", "74.6 MWh"),                 # beyond the rounding of '74', but within 1 %
    ("energy", "1.2 MWh", "1.24 MWh"),                # 3 % apart, but 1.24 written to one decimal is 1.2
    ("energy", "1.02e3 kWh", "1024 kWh"),             # the precision of an exponent form: 10 kWh
    ("emissions", "4.1 tCO2e", "4.14 tCO2e"),
    ("emissions", "16 kgCO2e", "15.983788019 kgCO2e"),
    ("emissions", "1.71 kgCO2e", "1710 gCO2e"),
    ("duration", "52.2 h", "187923.84 s"),
    ("duration", "2.2 days", "187923.84 s"),
    ("pue", 1.2, 1.21),
    ("method", "measured", "measured"),
    ("tool", "codecarbon 2.8", "codecarbon 3.2.1"),   # text is not compared
    ("location", "Paris", "île-de-france, France (FRA)"),
    ("energy", "74 MWhr", "74 MWh"),                  # a stated value the schema rejects is not compared
    ("energy", "74 MWh", "30 h"),                     # neither is one of another dimension
    ("pue", int("1" + "0" * 400), 1.2),               # nor a number too large for a float
])
def test_agreeing_or_not_compared(tmp_path: Path, key: str, stated: object, evidenced: object) -> None:
    disclosure = load_document(write(tmp_path, f"    {key}: {stated}\n    evidence: e.yaml\n"))
    merged, issues = merge_evidence(disclosure, load=evidence_of(**{key: evidenced}))
    assert issues == []
    assert merged.data["energy"]["training"][key] == stated


@pytest.mark.parametrize(("key", "stated", "evidenced"), [
    ("energy", "70 MWh", "75 MWh"),
    ("energy", "74 MWh", "75.2 MWh"),                 # 1.6 %, and beyond the rounding of '74'
    ("energy", "1.2 MWh", "1.26 MWh"),
    ("emissions", "1.2 kgCO2e", "1710 gCO2e"),
    ("duration", "40 h", "187923.84 s"),
    ("pue", 1.2, 1.5),
    ("method", "estimated", "measured"),
    ("water", "1 mL", "1e306 m3"),                    # beyond any float in base units: far apart
    ("carbon_intensity", "1 gCO2e/kWh", "1e306 kgCO2e/kWh"),
])
def test_conflicting(tmp_path: Path, key: str, stated: object, evidenced: object) -> None:
    disclosure = load_document(write(tmp_path, f"    {key}: {stated}\n    evidence: e.yaml\n"))
    merged, issues = merge_evidence(disclosure, load=evidence_of(**{key: evidenced}))
    assert issues == [conflict(disclosure, ("energy", "training", key), stated, evidenced, str(tmp_path / "e.yaml"), 6)]
    assert merged.data["energy"]["training"][key] == stated


def test_only_phase_of_the_evidence_is_used_for_another_phase(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    (folder / "card").mkdir(parents=True)
    (folder / "card" / "README.md").write_text("---\nco2_eq_emissions:\n  emissions: 1710\n  training_type: "
                                               "fine-tuning\n---\n", encoding="utf-8")
    disclosure = load_document(write(folder, "    evidence: card/README.md\n"))
    merged, issues = merge_evidence(disclosure)
    assert issues == [] and merged.data["energy"]["training"]["emissions"] == "1710 gCO2e"


def test_the_evidence_of_evidence_is_not_followed(tmp_path: Path) -> None:
    load = evidence_of(energy="1 MWh", evidence="elsewhere.csv")
    merged, issues = merge_evidence(load_document(write(tmp_path, "    evidence: e.yaml\n")), load=load)
    assert issues == [] and merged.data["energy"]["training"] == {"evidence": "e.yaml", "energy": "1 MWh"}


# --- refused and unreadable evidence ------------------------------------------------------------------------

def problem(tmp_path: Path, evidence: str, setup: object = None) -> Problem:
    disclosure_path = write(tmp_path / "model", f"    energy: 1 MWh\n    evidence: {evidence}\n")
    if callable(setup):
        setup(tmp_path)
    merged, issues = merge_evidence(load_document(disclosure_path))
    assert merged.data["energy"]["training"] == {"energy": "1 MWh", "evidence": yaml.safe_load(evidence)}
    assert len(issues) == 1 and issues[0].kind is ProblemKind.EVIDENCE
    assert (issues[0].path, issues[0].line, issues[0].column) == (("energy", "training", "evidence"), 7, 5)
    return issues[0]


def test_absolute_path_is_refused(tmp_path: Path) -> None:
    found = problem(tmp_path, str(EMISSIONS))
    assert (found.message, found.hint) == (
        f"evidence {str(EMISSIONS)!r} is an absolute path",
        "give the path relative to the disclosure's folder, e.g. evidence/emissions.csv")


@pytest.mark.parametrize("written", ["C:/logs/emissions.csv", "'\\\\server\\share\\emissions.csv'", "~/emissions.csv"])
def test_other_absolute_forms_are_refused(tmp_path: Path, written: str) -> None:
    assert problem(tmp_path, written).message.endswith("is an absolute path")


def test_url_is_refused(tmp_path: Path) -> None:
    found = problem(tmp_path, "https://example.org/emissions.csv")
    assert (found.message, found.hint) == (
        "evidence 'https://example.org/emissions.csv' is a URL; evidence is a file next to the disclosure",
        "download the file into the disclosure's folder and give its relative path")


def test_climbing_out_is_refused(tmp_path: Path) -> None:
    found = problem(tmp_path, "../secrets.csv", lambda root: (root / "secrets.csv").write_bytes(EMISSIONS.read_bytes()))
    assert (found.message, found.hint) == ("evidence '../secrets.csv' is outside the disclosure's folder",
                                           "keep evidence files in the disclosure's folder or below it")
    assert problem(tmp_path / "b", "logs/../../x.csv").message == (
        "evidence 'logs/../../x.csv' is outside the disclosure's folder")


def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_bytes(EMISSIONS.read_bytes())

    def link(root: Path) -> None:
        (root / "model" / "emissions.csv").symlink_to(outside)

    assert problem(tmp_path, "emissions.csv", link).message == (
        "evidence 'emissions.csv' is outside the disclosure's folder")


def test_a_link_inside_the_folder_is_followed(tmp_path: Path) -> None:
    disclosure = write(tmp_path, "    evidence: latest.csv\n")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "run.csv").write_bytes(EMISSIONS.read_bytes())
    (tmp_path / "latest.csv").symlink_to(tmp_path / "logs" / "run.csv")
    assert merge_evidence(load_document(disclosure))[1] == []


def test_missing_evidence(tmp_path: Path) -> None:
    found = problem(tmp_path, "emissions.csv")
    assert (found.message, found.hint) == (
        f"cannot read the evidence file {tmp_path}/model/emissions.csv: no such file or directory", "check the path")


def test_unreadable_evidence_names_its_own_line(tmp_path: Path) -> None:
    def broken(root: Path) -> None:
        (root / "model" / "emissions.csv").write_text("duration,emissions,energy_consumed\n1,2,many\n")

    found = problem(tmp_path, "emissions.csv", broken)
    assert (found.message, found.hint) == (
        f"cannot read the evidence file {tmp_path}/model/emissions.csv: energy_consumed on row 1 is 'many', "
        "not a number (line 2, column 5)", "write energy_consumed as a plain number, e.g. 0.0123")


def test_evidence_without_energy(tmp_path: Path) -> None:
    def card(root: Path) -> None:
        (root / "model" / "README.md").write_text("---\nlicense: mit\n---\n")

    found = problem(tmp_path, "README.md", card)
    assert (found.message, found.hint) == (
        f"the evidence file {tmp_path}/model/README.md has no energy figures",
        "name a CodeCarbon emissions.csv, a model card with co2_eq_emissions, or a disclosure with this phase")


def test_merge_takes_any_loader(tmp_path: Path) -> None:
    seen: list[str] = []

    def load(path: str) -> Document:
        seen.append(path)
        return evidence_of(energy="2 MWh")(path)  # type: ignore[operator]

    merge_evidence(load_document(write(tmp_path, "    evidence: sub/e.yaml\n")), load=load)
    assert seen == [str(tmp_path / "sub" / "e.yaml")]


def test_a_control_character_in_the_path_is_refused(tmp_path: Path) -> None:
    found = problem(tmp_path, '"logs/a\\0b.csv"')
    assert (found.message, found.hint) == (
        "evidence 'logs/a\\x00b.csv' has a control character in its path",
        "give the path relative to the disclosure's folder, e.g. evidence/emissions.csv")


def test_a_long_path_is_clipped_in_the_message(tmp_path: Path) -> None:
    found = problem(tmp_path, "x" * 500)
    assert found.message.startswith(f"cannot read the evidence file {tmp_path}/model/xxx")
    assert "..." in found.message and len(found.message) < 250



# --- hostile figures: compared without OverflowError or ValueError ----------------------------------------

@pytest.mark.parametrize(("stated", "shown"), [
    ("0e309 kWh", "0e309 kWh"),                       # 10.0 ** 309 overflows: no rounding leeway, a conflict
    ("0e" + "0" * 5000 + "1 kWh", "0e" + "0" * 115 + "..."),  # a stated zero is no rounding of 5 kWh; int()
                                                                 # refuses 4301 digits
    ("5e-" + "9" * 5000 + " kWh", "5e-" + "9" * 114 + "..."),  # a step below the smallest float: no leeway
])
def test_exponents_beyond_a_float(tmp_path: Path, stated: str, shown: str | None) -> None:
    disclosure = load_document(write(tmp_path, f"    energy: {stated}\n    evidence: e.yaml\n"))
    _, issues = merge_evidence(disclosure, load=evidence_of(energy="5 kWh"))
    assert [issue.message for issue in issues] == ([] if shown is None else [  # the stated value clipped
        f"energy.training.energy is {shown}, but the evidence {tmp_path / 'e.yaml'} gives 5 kWh (line 6)"])


# --- rounding leeway comes from the digits written, bounded whatever the notation -------------------------

@pytest.mark.parametrize(("stated", "evidenced"), [
    ("0e2 tCO2e", "41440 kgCO2e"),                    # the exponent gave a leeway of 50 t: no more
    ("0 tCO2e", "41440 kgCO2e"),
    ("0.0 tCO2e", "41440 kgCO2e"),
    ("0e-3 kWh", "0.0004 kWh"),                       # a stated zero is only ever a zero
    ("0 kWh", "1e-300 kWh"),
    ("1e3 kWh", "1400 kWh"),                          # one significant digit, 29 % off: beyond 5 %
    ("1e2 MWh", "106 MWh"),                           # rounds to 1e2, 5.7 % off
])
def test_rounding_is_no_leeway_beyond_five_percent(tmp_path: Path, stated: str, evidenced: str) -> None:
    key = "emissions" if "CO2" in stated else "energy"
    disclosure = load_document(write(tmp_path, f"    {key}: {stated}\n    evidence: e.yaml\n"))
    _, issues = merge_evidence(disclosure, load=evidence_of(**{key: evidenced}))
    assert [issue.message for issue in issues] == [
        f"energy.training.{key} is {stated}, but the evidence {tmp_path / 'e.yaml'} gives {evidenced} (line 6)"]


@pytest.mark.parametrize(("stated", "evidenced"), [
    ("0 tCO2e", "0 kgCO2e"),                          # zero agrees with zero, whatever the unit
    ("4e1 tCO2e", "41.44 tCO2e"),                     # rounds to 4e1, 3.5 % off
    ("1e2 MWh", "104 MWh"),                           # rounds to 1e2, 3.8 % off
    ("41 tCO2e", "41440 kgCO2e"),
])
def test_rounding_within_five_percent_agrees(tmp_path: Path, stated: str, evidenced: str) -> None:
    key = "emissions" if "CO2" in stated else "energy"
    disclosure = load_document(write(tmp_path, f"    {key}: {stated}\n    evidence: e.yaml\n"))
    assert merge_evidence(disclosure, load=evidence_of(**{key: evidenced}))[1] == []
