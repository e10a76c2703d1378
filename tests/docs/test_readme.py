"""The README shows what openwatt does today: every Python example runs, every `openwatt` command of a
```sh or ```console block is run with the exit code the README gives it (or is listed in SKIPPED with
the reason), and its example output lines are real. Commands run in-process, as tests/cli's do."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from openwatt import Engine, PolicyErrors

if TYPE_CHECKING:
    from conftest import Openwatt

ROOT = Path(__file__).resolve().parents[2]
README_PATH = ROOT / "README.md"
README = README_PATH.read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)


@dataclass(frozen=True, slots=True)
class Block:
    """A fenced code block: its language, the README line of its first line of code, its section."""

    language: str
    line: int
    text: str
    section: str


def _blocks(*languages: str) -> list[Block]:
    found = []
    for match in FENCE.finditer(README):
        if match.group(1) in languages:
            before = README[:match.start(2)]
            headings = re.findall(r"^#+ (.*)$", before, re.M)
            found.append(Block(language=match.group(1), line=before.count("\n") + 1, text=match.group(2),
                               section=headings[-1] if headings else ""))
    return found


def _commands() -> list[str]:
    """Each `openwatt ...` command of a sh or console block as written, without its comment; a command
    run from a virtual environment (`.venv/bin/openwatt`) is the same command."""
    found = []
    for block in _blocks("sh", "console"):
        lines = block.text.splitlines()
        if block.language == "console":  # the rest is output
            lines = [line.removeprefix("$ ") for line in lines if line.startswith("$ ")]
        for line in lines:
            for part in line.split("&&"):
                command = re.sub(r"\s+#.*", "", part).strip()
                if command.split(" ")[0].rsplit("/", 1)[-1] == "openwatt":
                    found.append("openwatt" + command.split("openwatt", 1)[1])
    return found


def _root(tmp_path: Path) -> Path:
    return ROOT


def _acme_grant(tmp_path: Path) -> Path:
    """The README's acme-grant policy beside a disclosure whose training energy (1100 MWh) is over budget."""
    [policy] = [b.text for b in _blocks("") if b.text.startswith("policy acme-grant\n")]
    (tmp_path / "acme-grant.policy").write_text(policy, encoding="utf-8")
    shutil.copy(ROOT / "samples" / "cirrus-70b-custom-licence.yaml", tmp_path / "disclosure.yaml")
    return tmp_path


def _a_docs_folder(tmp_path: Path) -> Path:
    """An empty project with a docs/ folder, so that regenerating the catalogue leaves the checkout alone."""
    (tmp_path / "docs").mkdir()
    return tmp_path


def _submissions(tmp_path: Path) -> Path:
    """The audit section's sources: a folder of the samples and a manifest naming two of them."""
    shutil.copytree(ROOT / "samples", tmp_path / "submissions", ignore=shutil.ignore_patterns("hostile"))
    (tmp_path / "manifest.csv").write_text("id,path\nG-001,submissions/aurora-7b.yaml\n"
                                           "G-002,submissions/glacier-1b.yaml\n", encoding="utf-8")
    return tmp_path


def _after(*commands: str) -> Callable[[Path], Path]:
    """The audit section's sources, with these README commands run first (in this process, output discarded)."""
    from openwatt.cli.main import main

    def folder(tmp_path: Path) -> Path:
        cwd = _submissions(tmp_path)
        for command in commands:
            with contextlib.chdir(cwd), redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                main(shlex.split(command)[1:])
        return cwd
    return folder


_GRANT = "openwatt audit manifest.csv -p funder-grant-example --set emissions_budget='50 tCO2e' --out grant/"
_GRANT_4T = ("openwatt audit manifest.csv -p funder-grant-example --set emissions_budget='4 tCO2e' --out grant-4t/ "
             "--compare grant/")


@dataclass(frozen=True, slots=True)
class Run:
    """How one README command is run: the exit code the README gives or implies, and the working folder."""

    code: int
    folder: Callable[[Path], Path] = _root


RUN: dict[str, Run] = {
    "openwatt check samples/": Run(2),  # "it exits with 2 because one sample is deliberately malformed"
    "openwatt check samples/cirrus-70b-custom-licence.yaml": Run(1),  # its output ends "exit code 1"
    'openwatt check disclosure.yaml -p acme-grant.policy --set budget="400 MWh"': Run(1, _acme_grant),
    "openwatt policy show osaid-1.0": Run(0),
    # Aurora's 138 Wh per 1,000 queries is above a 100 Wh ceiling: the tender's rule fails.
    "openwatt check samples/aurora-7b.yaml -p procurement-example --set mof_class_floor=II "
    "--set inference_energy_ceiling='100 Wh'": Run(1),
    "openwatt explain samples/cirrus-70b-custom-licence.yaml --rule weights-licence": Run(0),
    "openwatt policy test": Run(0),  # the shipped packs' tests pass with 100 % rule coverage
    "openwatt policy doc -o docs/policies.md": Run(0, _a_docs_folder),
    "openwatt audit submissions/ -p eu-ai-act-gpai -p energy-transparency --out audit-2026/ --jobs 2":
        Run(1, _submissions),  # some samples fail
    "openwatt audit manifest.csv -p funder-grant-example --set emissions_budget='50 tCO2e' --out grant/":
        Run(1, _submissions),
    "openwatt audit submissions/ -p eu-ai-act-gpai --out audit-2026/ --resume": Run(1, _submissions),
    "openwatt verify grant/": Run(0, _after(_GRANT)),
    _GRANT_4T: Run(1, _after(_GRANT)),  # aurora-7b's 4.14 tCO2e is over the tighter budget
    "openwatt diff grant/ grant-4t/": Run(1, _after(_GRANT, _GRANT_4T)),  # that change
    "openwatt policy fmt --check policies": Run(0),  # the shipped packs are formatted
    "openwatt policy lint policies": Run(0),  # and lint clean
}
SKIPPED: dict[str, str] = {}  # command -> why it is not run


@pytest.mark.parametrize("command", _commands())
def test_readme_command(command: str, tmp_path: Path, openwatt: Openwatt) -> None:
    if command in SKIPPED:
        pytest.skip(SKIPPED[command])
    if command not in RUN:
        pytest.fail(f"README.md shows `{command}`, which tests/docs/test_readme.py neither runs nor skips: "
                    "add it to RUN (with its exit code and folder) or to SKIPPED (with the reason)", pytrace=False)
    run = RUN[command]
    cwd = run.folder(tmp_path)
    result = openwatt(*shlex.split(command)[1:], cwd=cwd)  # as a shell would split it
    assert (result.returncode, result.stderr) == (run.code, ""), result.stdout
    if command.startswith("openwatt policy doc"):
        assert (cwd / "docs" / "policies.md").read_text(encoding="utf-8") == \
            (ROOT / "docs" / "policies.md").read_text(encoding="utf-8"), "docs/policies.md is stale"
    if "--set budget=" in command:
        assert "training used 1100 MWh; the grant allows 400 MWh" in result.stdout


def test_every_listed_command_is_still_in_the_readme() -> None:
    gone = sorted((set(RUN) | set(SKIPPED)) - set(_commands()))
    assert not gone, f"no longer in README.md, delete from RUN or SKIPPED: {gone}"
    assert not set(RUN) & set(SKIPPED), "a command is either run or skipped"


# What a Python example prints, by its section: a line it must print.
PRINTS = {"As a library": "exceed the grant's budget of 400 tCO2e."}


@pytest.mark.parametrize("block", _blocks("python"), ids=lambda b: f"README.md:{b.line}")
def test_python_example(block: Block, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)  # the examples name files of the checkout, as its reader runs them
    code = compile("\n" * (block.line - 1) + block.text, str(README_PATH), "exec")  # tracebacks at README lines
    exec(code, {"__name__": "__readme__"})
    out = capsys.readouterr().out
    assert out
    if block.section in PRINTS:
        assert PRINTS[block.section] in out


def test_a_param_the_packs_do_not_declare_or_a_value_of_the_wrong_kind_raise_policy_errors() -> None:
    # as the paragraph under the library example says
    for params, code in (({"budget": "400 MWh"}, "OW033"), ({"emissions_budget": "400 MWh"}, "OW041")):
        with pytest.raises(PolicyErrors) as caught:
            Engine(params=params).policy("funder-grant-example")
        assert [e.code for e in caught.value.errors] == [code]


def test_the_example_check_output_is_real(openwatt: Openwatt) -> None:
    block = re.search(r"\$ (openwatt check \S+)\n```\n\n```\n(.*?)```", README, re.S)
    assert block is not None
    command, shown = block.groups()
    result = openwatt(*command.split()[1:], cwd=ROOT, env={"COLUMNS": "100"})
    for line in shown.splitlines():
        if line.strip() and line.strip() != "…":
            assert line in result.stdout.splitlines(), line


def test_quickstart_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    quickstart = README[README.index("## Quickstart"):README.index("## What a check looks like")]
    commands = re.findall(r"```sh\n(.*?)\n```", quickstart, re.S)
    assert len(commands) == 2
    assert commands[0].endswith(".venv/bin/openwatt check samples/")
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
