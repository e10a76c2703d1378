"""The README's CI snippets stay true: the GitHub Actions workflow and the GitLab job parse, every `openwatt`
command in them is accepted by the real command line and writes the files the next step reads, and each
format they name is in the registry. (The pre-commit snippet is the config tests/test_pre_commit.py runs.)"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from openwatt.cli.main import _parser
from openwatt.reports import REPORTERS

if TYPE_CHECKING:
    from conftest import Openwatt

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _yaml_block(heading: str) -> Any:
    section = README[README.index(heading):]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None, f"no yaml block under {heading}"
    return yaml.safe_load(block.group(1))


def _commands(lines: list[str]) -> list[list[str]]:
    return [shlex.split(line.split("||")[0]) for line in lines if line.startswith("openwatt ")]


def _outputs(argv: list[str]) -> dict[str, str]:
    """The files a check command writes, by format (its --format one included when it goes to a file)."""
    args = _parser().parse_args(argv[1:])  # SystemExit (a failed test) for an option the CLI does not have
    written = {}
    for item in args.output:
        name, sep, file = item.partition("=")
        if sep and name in REPORTERS:
            written[name] = file
        else:
            written[args.format] = item
    return written


def _workflow_steps() -> list[dict[str, Any]]:
    workflow = _yaml_block("### GitHub Actions")
    [job] = workflow["jobs"].values()
    assert workflow["permissions"]["security-events"] == "write"  # upload-sarif needs it
    return job["steps"]  # type: ignore[no-any-return]


def test_github_workflow_uploads_the_sarif_the_check_writes() -> None:
    steps = _workflow_steps()
    [command] = _commands([s["run"] for s in steps if "run" in s])
    args = _parser().parse_args(command[1:])
    assert args.format == "github"
    [upload] = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == _outputs(command)["sarif"]
    assert upload["if"] == "always()"  # the check exits 1 on failures: upload them all the same


def test_gitlab_job_reports_the_junit_the_check_writes() -> None:
    job = _yaml_block("### GitLab and Jenkins")["openwatt"]
    [command] = _commands(job["script"])
    assert job["artifacts"]["reports"]["junit"] == _outputs(command)["junit"]
    assert job["artifacts"]["when"] == "always"


def test_jenkins_step_writes_the_file_the_junit_step_reads() -> None:
    section = README[README.index("### GitLab and Jenkins"):]
    read = re.search(r"`junit '([^']+)'`", section)
    run = re.search(r"`sh '(openwatt [^']+)'`", section)
    assert read is not None and run is not None
    [command] = _commands([run.group(1)])
    assert _outputs(command)["junit"] == read.group(1)


@pytest.mark.parametrize("where", ["github", "gitlab"])
def test_snippet_commands_run(where: str, tmp_path: Path, openwatt: Openwatt) -> None:
    """The command as the README writes it, in a folder holding one passing disclosure."""
    if where == "github":
        [command] = _commands([s["run"] for s in _workflow_steps() if "run" in s])
    else:
        [command] = _commands(_yaml_block("### GitLab and Jenkins")["openwatt"]["script"])
    shutil.copy(ROOT / "samples" / "delta-3b-estimated.yaml", tmp_path / "disclosure.yaml")
    result = openwatt(*command[1:], cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    for file in _outputs(command).values():
        assert (tmp_path / file).read_text(encoding="utf-8")


def test_every_format_is_in_the_readme_table() -> None:
    table = README[README.index("| `--format` | for | shape |"):]
    assert re.findall(r"^\| `(\w+)` \|", table, re.M)[:len(REPORTERS)] == list(REPORTERS)
