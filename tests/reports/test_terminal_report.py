"""The terminal reporter: exact plain text, colour only on request, hostile text shown not obeyed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from rich.cells import cell_len

from openwatt.findings import Finding, Location, Report
from openwatt.reports import RenderOptions
from openwatt.reports.terminal import BODY, render
from openwatt.values.verdicts import FailOn, Reason, Severity, Status

ANSI = re.compile(r"\x1b\[[0-9;]*m")

MakeFinding = Callable[..., Finding]
MakeReport = Callable[..., Report]


def test_plain_text_golden(representative: Report, golden: Callable[[str, str], None]) -> None:
    golden("reports/golden/representative.txt", render(representative, RenderOptions()))


def test_verbose_text_golden(representative: Report, golden: Callable[[str, str], None]) -> None:
    golden("reports/golden/representative.verbose.txt", render(representative, RenderOptions(verbose=True)))


def test_quiet_view_counts_passes_per_file_and_verbose_lists_them(representative: Report) -> None:
    quiet = render(representative, RenderOptions())
    verbose = render(representative, RenderOptions(verbose=True))
    findings = quiet.rsplit("\n\n", 2)[0]  # before the verdict lines and the summary
    assert "PASS" not in findings and "N/A" not in findings
    assert "\n  2 passed, 2 not applicable\n" in quiet
    assert "\n  3 passed\n" in quiet
    assert verbose.count("\n  PASS   ") == 5 and verbose.count("\n  N/A    ") == 2
    assert "passed, " not in verbose.rsplit("\n\n", 2)[0]


def test_plain_text_has_no_ansi_codes(representative: Report) -> None:
    assert "\x1b" not in render(representative, RenderOptions(color=False, verbose=True))


def test_colour_adds_ansi_codes_and_nothing_else(representative: Report) -> None:
    for verbose in (False, True):
        coloured = render(representative, RenderOptions(color=True, verbose=verbose))
        assert "\x1b[1;31mFAIL  \x1b[0m" in coloured  # a failing error in bold red
        assert "\x1b[1;33mFAIL  \x1b[0m \x1b[33mwarning\x1b[0m" in coloured  # a warning in yellow
        assert ANSI.sub("", coloured) == render(representative, RenderOptions(verbose=verbose))


def test_output_ignores_the_environment(representative: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = render(representative, RenderOptions())
    coloured = render(representative, RenderOptions(color=True))
    for name, value in {"FORCE_COLOR": "1", "TERM": "dumb", "COLUMNS": "40", "NO_COLOR": "1",
                        "COLORTERM": "truecolor", "TTY_COMPATIBLE": "1"}.items():
        monkeypatch.setenv(name, value)
    assert render(representative, RenderOptions()) == expected
    assert render(representative, RenderOptions(color=True)) == coloured


def test_summary_when_all_clear(make_finding: MakeFinding, make_report: MakeReport) -> None:
    report = make_report((make_finding(), make_finding(rule="other", status=Status.NOT_APPLICABLE)))
    assert render(report) == (
        "samples/aurora-7b.yaml\n"
        "  1 passed, 1 not applicable\n"
        "\n"
        "PASS   samples/aurora-7b.yaml\n"
        "\n"
        "1 input: 1 passed\n"
        "findings: 1 passed, 1 not applicable\n"
    )


def test_exit_line_names_the_fail_on_threshold(every_status: tuple[Finding, ...], make_report: MakeReport) -> None:
    checked = tuple(f for f in every_status if f.status is not Status.ERROR)
    last = {
        fail_on: render(make_report(checked, fail_on=fail_on)).splitlines()[-4:]
        for fail_on in FailOn
    }
    findings = ["findings: 5 passed, 4 failed (3 errors, 1 warning), 2 not applicable, 1 waived,",
                "          4 distinct rules failed"]
    assert last[FailOn.ERROR] == ["2 inputs: 1 passed, 1 failed", *findings,
                                  "exit code 1: 3 failures at or above --fail-on error"]
    assert last[FailOn.WARNING] == ["2 inputs: 1 passed, 1 failed", *findings,
                                    "exit code 1: 4 failures at or above --fail-on warning"]
    assert last[FailOn.INFO] == ["2 inputs: 1 passed, 1 failed", *findings,
                                 "exit code 1: 4 failures at or above --fail-on info"]
    # --fail-on never: failures are reported, nothing blocks, every input passes
    assert last[FailOn.NEVER] == ["", "2 inputs: 2 passed", *findings]


def test_exit_line_when_something_could_not_be_checked(make_finding: MakeFinding, make_report: MakeReport) -> None:
    unreadable = make_finding(
        policy="openwatt", rule="openwatt/load", title="Disclosure can be read", status=Status.ERROR,
        reason=Reason.INVALID_INPUT, message="not valid UTF-8 at byte 12",
        location=Location("samples/aurora-7b.yaml", 0, 0, ""), required_by=(),
    )
    report = make_report((unreadable,), fail_on=FailOn.NEVER)
    assert render(report) == (
        "samples/aurora-7b.yaml\n"
        "  ERROR  error    openwatt/load  Disclosure can be read\n"
        "                  not valid UTF-8 at byte 12\n"
        "                  at samples/aurora-7b.yaml\n"
        "\n"
        "ERROR  samples/aurora-7b.yaml  could not be read\n"
        "\n"
        "1 input: 1 could not be checked\n"
        "findings: 1 input or rule error\n"
        "exit code 2: 1 input or rule error\n"
    )


def test_files_without_findings_and_empty_reports(make_report: MakeReport) -> None:
    assert render(make_report((), files=("a.yaml", "b.yaml"))) == (
        "a.yaml\n  no findings\n\nb.yaml\n  no findings\n\nPASS   a.yaml\nPASS   b.yaml\n\n2 inputs: 2 passed\n"
        "findings: none\n"
    )
    assert render(make_report((), files=())) == "0 inputs\nfindings: none\n"


def test_markup_and_emoji_codes_are_shown_verbatim(make_finding: MakeFinding, make_report: MakeReport) -> None:
    text = "[bold]components[1].license[/bold] is [red]x[/] :warning: [link=http://x]y[/link]"
    failing = make_finding(title="[b]Title[/b]", status=Status.FAIL, reason=Reason.VIOLATED, message=text,
                           fix=r"use \[escaped] text")
    out = render(make_report((failing,)), RenderOptions(width=200))
    assert f"  FAIL   error    funder-grant/rule  [b]Title[/b]\n                  {text}\n" in out
    assert "fix: use \\[escaped] text\n" in out


def test_control_characters_in_input_are_shown_not_obeyed(make_finding: MakeFinding, make_report: MakeReport) -> None:
    hostile = make_finding(status=Status.FAIL, reason=Reason.VIOLATED, title="bell\a",
                           message="model.name is \"\x1b[2J\x1b]8;;http://evil\x07x\r\u202egnp.exe\"\tend")
    out = render(make_report((hostile,)), RenderOptions(color=True))
    assert "\x07" not in out and "\r" not in out and "\u202e" not in out
    assert ANSI.sub("", out).count("\x1b") == 0
    assert r'model.name is "\x1b[2J\x1b]8;;http://evil\x07x\x0d\u202egnp.exe" end' in ANSI.sub("", out)


def test_unicode_is_kept_and_wrapped_by_cell_width(make_finding: MakeFinding, make_report: MakeReport) -> None:
    failing = make_finding(
        file="samples/能源/模型.yaml",
        rule="funder-grant/énergie-déclarée",
        title="L’énergie d’entraînement est déclarée",
        status=Status.FAIL,
        severity=Severity.WARNING,
        reason=Reason.MISSING,
        message="缺少：energy.training.energy（训练能耗必须以千瓦时报告）— 433 MWh × 3 ≤ 1 GWh",
        location=Location("samples/能源/模型.yaml", 3, 5, "energy.training"),
        cite="Règlement (UE) 2024/1689, annexe XI",
    )
    out = render(make_report((failing,), fail_on=FailOn.WARNING), RenderOptions(width=60))
    assert out == (
        "samples/能源/模型.yaml\n"
        "  FAIL   warning  funder-grant/énergie-déclarée  L’énergie\n"
        "                  d’entraînement est déclarée\n"
        "                  缺少：energy.training.energy（训练能耗必须\n"  # 42 cells: CJK count 2
        "                  以千瓦时报告）— 433 MWh × 3 ≤ 1 GWh\n"
        "                  at samples/能源/模型.yaml:3:5\n"
        "                  (energy.training)\n"
        "                  cite: Règlement (UE) 2024/1689, annexe XI\n"
        "\n"
        "FAIL   samples/能源/模型.yaml  1 warning failed\n"
        "\n"
        "1 input: 1 failed\n"
        "findings: 1 failed (1 warning), 1 distinct rule failed\n"
        "exit code 1: 1 failure at or above --fail-on warning\n"
    )
    assert max(cell_len(line) for line in out.splitlines()) <= 60


@pytest.mark.parametrize("width", [40, 60, 100])
def test_long_lines_wrap_under_their_indent(width: int, representative: Report) -> None:
    out = render(representative, RenderOptions(verbose=True, width=width))
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert all(line == line.rstrip() for line in lines)
    details = [line for line in lines if line.startswith(" " * BODY)]
    assert details and all(not line[BODY].isspace() for line in details)


@pytest.mark.parametrize("width", range(84, 106))
def test_summary_wraps_between_its_parts_never_inside_one(width: int, representative: Report) -> None:
    tail = render(representative, RenderOptions(width=width)).split("\n\n")[-1]
    summary = tail.split("exit code")[0].split("findings: ")[1].splitlines()
    assert max(len(line) for line in summary) <= width - len("findings: ")
    assert " ".join(line.strip() for line in summary) == (
        "5 passed, 4 failed (3 errors, 1 warning), 2 not applicable, 1 waived, 1 input or rule error, "
        "4 distinct rules failed"
    )


def test_multiline_message_keeps_its_indent(make_finding: MakeFinding, make_report: MakeReport) -> None:
    failing = make_finding(status=Status.FAIL, reason=Reason.VIOLATED, message="first\nsecond")
    assert "                  first\n                  second\n" in render(make_report((failing,)))


def test_a_passing_rule_with_a_success_text_is_shown(make_finding: Any, make_report: Any) -> None:
    reached = make_finding(rule="mof-class-ii/class-reached", title="MOF Class II is reached",
                           message="reaches MOF Class II (Open Tooling)", location=Location("samples/a.yaml", 3, 1, ""))
    quiet = make_finding(rule="other")
    text = render(make_report((reached, quiet)), RenderOptions())
    assert "  PASS   error    mof-class-ii/class-reached  MOF Class II is reached\n" in text
    assert "                  reaches MOF Class II (Open Tooling)\n" in text
    assert "  1 passed\n" in text  # the other pass is only counted


def test_evidence_files_are_not_listed_as_checked_files(make_finding: Any) -> None:
    from openwatt.findings import InputRole, InputSource, Provenance, Report

    finding = make_finding(file="samples/a.yaml")
    provenance = Provenance(openwatt_version="0.1.0", generated_at="2026-01-01T00:00:00Z", as_of="2026-01-01",
                            fail_on=FailOn.ERROR, policies=(),
                            inputs=(InputSource("samples/a.yaml", ""),
                                    InputSource("samples/evidence.csv", "", InputRole.EVIDENCE)))
    text = render(Report((finding,), provenance), RenderOptions())
    assert "samples/evidence.csv" not in text
    assert text.endswith("1 input: 1 passed\nfindings: 1 passed\n")


@pytest.mark.parametrize("seed", range(300))
def test_plain_text_is_wrapped_as_rich_wraps_it(seed: int) -> None:
    """Without colour, ASCII blocks are wrapped without rich: the lines must be the ones rich draws."""
    import random

    from openwatt.reports.terminal import _Block, _Printer

    rng = random.Random(seed)
    width = rng.choice([20, 40, 60, 79, 80, 81, 100, 140])
    indent = rng.choice([0, 2, 7, 18])
    room = max(width - indent, 20)
    words = ["a", "energy.training.energy", "433", "MWh;", "fix:", "x" * rng.randint(1, 2 * room),
             "y" * (room - 1), "z" * room, "w" * (room + 1), "(path)"]
    seps = [" ", " ", " ", "  ", "\n", "   "]
    body = "".join(rng.choice(seps) * rng.randint(0, 1) + rng.choice(words) for _ in range(rng.randint(0, 30)))
    body += rng.choice(["", " ", "\n", "  "])
    lead = rng.choice([(), (("  ", ""), ("FAIL ", "red"), ("error", "red")), (("exit code 1: ", "bold red"),)])
    block = _Block(((body, ""),), indent, lead)
    options = RenderOptions(width=width)
    assert _Printer(options).print([block]) == _Printer(options, plain=False).print([block])
