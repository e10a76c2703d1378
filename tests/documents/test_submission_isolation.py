"""Submissions side by side, as an auditor holds them: one submission's evidence and discovery never read
another's files, or any file outside the folder given (docs/security.md, "Evidence that leaks")."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from openwatt.checking import Engine
from openwatt.documents import load_document, merge_evidence
from openwatt.documents.discovery import select
from openwatt.evaluation import AppliedPolicies
from openwatt.findings import InputRole
from openwatt.inputs import InputOptions, check_input

EMISSIONS_B = "duration,emissions,energy_consumed\n3600,0.5,41440\n"  # B's figures: 41,440 kWh, 0.5 t
EMISSIONS_A = "duration,emissions,energy_consumed\n3600,0.001,2\n"


def disclosure(evidence: str, energy: str = "") -> str:
    stated = f"    energy: {energy}\n" if energy else ""
    return f"openwatt: '1.0'\nmodel:\n  id: example/m\nenergy:\n  training:\n{stated}    evidence: {evidence}\n"


def auditors_folder(root: Path, evidence_of_a: str) -> Path:
    """`root` holding submissions A and B; A's evidence is `evidence_of_a`; A holds a link to a folder
    two levels down in itself; a secret sits beside `root`, outside the folder an auditor checks."""
    (root / "A" / "deep" / "deeper").mkdir(parents=True)
    (root / "A" / "link").symlink_to(root / "A" / "deep" / "deeper")
    (root / "A" / "disclosure.yaml").write_text(disclosure(evidence_of_a), encoding="utf-8")
    (root / "B").mkdir()
    (root / "B" / "disclosure.yaml").write_text(disclosure("emissions.csv"), encoding="utf-8")
    (root / "B" / "emissions.csv").write_text(EMISSIONS_B, encoding="utf-8")
    (root.parent / "secret.csv").write_text(EMISSIONS_B, encoding="utf-8")
    return root


def merged_a(root: Path) -> tuple[dict[str, object], list[str]]:
    merged, issues = merge_evidence(load_document(root / "A" / "disclosure.yaml"))
    return merged.data["energy"]["training"], [issue.message for issue in issues]


def test_a_link_and_dot_dot_do_not_read_another_submission(tmp_path: Path) -> None:
    # Resolved, A/link/../../B/emissions.csv is A/B/emissions.csv (inside A, and not there); read by its
    # normalised name it was B/emissions.csv, B's figures in A's report.
    root = auditors_folder(tmp_path / "audit", "link/../../B/emissions.csv")
    training, messages = merged_a(root)
    assert training == {"evidence": "link/../../B/emissions.csv"}
    assert messages == [f"cannot read the evidence file {root}/A/B/emissions.csv: no such file or directory"]


def test_the_file_opened_is_the_file_checked(tmp_path: Path) -> None:
    # A plants its own A/B/emissions.csv: that file, and not B's, is the evidence.
    root = auditors_folder(tmp_path / "audit", "link/../../B/emissions.csv")
    (root / "A" / "B").mkdir()
    (root / "A" / "B" / "emissions.csv").write_text(EMISSIONS_A, encoding="utf-8")
    training, messages = merged_a(root)
    assert (training["energy"], messages) == ("2 kWh", [])


def test_a_link_to_another_submission_is_refused(tmp_path: Path) -> None:
    root = auditors_folder(tmp_path / "audit", "theirs.csv")
    (root / "A" / "theirs.csv").symlink_to(root / "B" / "emissions.csv")
    assert merged_a(root) == ({"evidence": "theirs.csv"}, ["evidence 'theirs.csv' is outside the disclosure's folder"])


def test_a_link_to_a_file_of_the_machine_is_refused(tmp_path: Path) -> None:
    root = auditors_folder(tmp_path / "audit", "link/passwd")
    (root / "A" / "deep" / "deeper" / "passwd").symlink_to(root.parent / "secret.csv")
    assert merged_a(root)[1] == ["evidence 'link/passwd' is outside the disclosure's folder"]


def test_a_disclosure_is_not_its_own_evidence(tmp_path: Path) -> None:
    for written in ("disclosure.yaml", "./disclosure.yaml", "link/../../disclosure.yaml", "me.yaml"):
        root = auditors_folder(tmp_path / written.replace("/", "_") / "audit", written)
        (root / "A" / "me.yaml").symlink_to(root / "A" / "disclosure.yaml")
        merged, issues = merge_evidence(load_document(root / "A" / "disclosure.yaml"))
        assert [(i.message, i.hint) for i in issues] == [(
            f"evidence {written!r} is the disclosure itself",
            "cite the measurement's own file (a CodeCarbon log, a model card), not the disclosure")]


def test_a_hard_link_to_the_disclosure_is_the_disclosure(tmp_path: Path) -> None:
    root = auditors_folder(tmp_path / "audit", "copy.yaml")
    os.link(root / "A" / "disclosure.yaml", root / "A" / "copy.yaml")
    assert merged_a(root)[1] == ["evidence 'copy.yaml' is the disclosure itself"]


def test_evidence_that_is_not_a_regular_file_is_not_opened(tmp_path: Path) -> None:
    root = auditors_folder(tmp_path / "audit", "pipe.csv")
    os.mkfifo(root / "A" / "pipe.csv")  # opening it for reading would wait for ever
    assert merged_a(root)[1] == ["evidence 'pipe.csv' is a named pipe, not a regular file"]
    (root / "A" / "disclosure.yaml").write_text(disclosure("deep"), encoding="utf-8")
    assert merged_a(root)[1] == ["evidence 'deep' is a folder, not a regular file"]


def test_discovery_reports_links_that_leave_the_folder(tmp_path: Path) -> None:
    root = auditors_folder(tmp_path / "audit", "emissions.csv")
    (root / "A" / "emissions.csv").write_text(EMISSIONS_A, encoding="utf-8")
    (root / "A" / "stolen.yaml").symlink_to(root / "B" / "disclosure.yaml")  # B's: outside A, inside root
    (root / "A" / "passwd.yaml").symlink_to(root.parent / "secret.csv")
    (root / "A" / "loop.yaml").symlink_to(root / "A" / "loop.yaml")
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(disclosure("emissions.csv"), encoding="utf-8")
    (root / "A" / "elsewhere.yaml").symlink_to(outside)

    selection = select([root / "A"])
    # A link loop stays inside: selected, and its reading fails as a load problem of its own.
    assert selection.files == (root / "A" / "disclosure.yaml", root / "A" / "loop.yaml")
    assert [(e.file, e.message, e.hint) for e in selection.problems] == [
        (f"{root}/A/{name}", f"is a symbolic link to a file outside {root}/A; not read",
         "copy the file into the folder, or give its path directly")
        for name in ("elsewhere.yaml", "passwd.yaml", "stolen.yaml")]
    # Inside root, stolen.yaml is B's disclosure: read once, under the name first met (as before).
    assert select([root]).files == (root / "A" / "disclosure.yaml", root / "A" / "loop.yaml", root / "A" / "stolen.yaml")
    assert [e.file for e in select([root]).problems] == [f"{root}/A/{n}" for n in ("elsewhere.yaml", "passwd.yaml")]
    assert select([root / "A" / "elsewhere.yaml"]).files == (root / "A" / "elsewhere.yaml",)  # named: read


def test_an_auditor_checking_every_submission_sees_each_ones_own_figures(tmp_path: Path) -> None:
    root = auditors_folder(tmp_path / "audit", "link/../../B/emissions.csv")
    (root / "A" / "passwd.yaml").symlink_to(root.parent / "secret.csv")
    engine = Engine()
    report = engine.check([root], engine.policies(["energy-transparency"]), as_of=dt.date(2026, 1, 1))
    evidence = [(i.file, i.role) for i in report.provenance.inputs if i.role is InputRole.EVIDENCE]
    assert evidence == [(f"{root}/B/emissions.csv", InputRole.EVIDENCE)]  # read once, for B
    assert {i.file for i in report.provenance.inputs} == {
        f"{root}/A/disclosure.yaml", f"{root}/A/passwd.yaml", f"{root}/B/disclosure.yaml", f"{root}/B/emissions.csv"}
    problems = [(f.file, f.rule, f.message) for f in report.findings if f.is_input_problem]
    assert problems == [
        (f"{root}/A/disclosure.yaml", "openwatt/evidence",
         f"cannot read the evidence file {root}/A/B/emissions.csv: no such file or directory"),
        (f"{root}/A/passwd.yaml", "openwatt/load", f"is a symbolic link to a file outside {root}; not read")]
    applied = AppliedPolicies(engine.policies(["energy-transparency"]))
    result = check_input(root / "A" / "disclosure.yaml", applied, InputOptions(as_of=dt.date(2026, 1, 1)))
    assert "41440" not in repr(result.findings)
