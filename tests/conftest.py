"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
from hypothesis import HealthCheck, settings

TESTS = Path(__file__).parent

# One profile for every property test (the policy cache, the parser, the loaders, evidence merging, the
# evaluator): 25 examples each by default, fast enough for CI; OPENWATT_FUZZ_EXAMPLES=2000 (say) runs
# longer. No example database: a run depends on its seed only, and writes nothing into the checkout.
settings.register_profile(
    "openwatt", max_examples=int(os.environ.get("OPENWATT_FUZZ_EXAMPLES", "25")), deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
settings.load_profile("openwatt")


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare output with tests/<relative path>; OPENWATT_UPDATE_GOLDENS=1 rewrites the file instead."""

    def check(relative: str, got: str) -> None:
        path = TESTS / relative
        if os.environ.get("OPENWATT_UPDATE_GOLDENS"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(got, encoding="utf-8", newline="")
        assert got == path.read_text(encoding="utf-8")

    return check


@pytest.fixture(autouse=True, scope="session")
def _policy_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests (and the processes they start) keep parsed policies in a folder of their own."""
    os.environ["OPENWATT_CACHE_DIR"] = str(tmp_path_factory.mktemp("policy-cache"))


@dataclass(frozen=True, slots=True)
class Result:
    """What a run of the `openwatt` command gave, named as `subprocess.CompletedProcess` names it."""

    returncode: int
    stdout: str
    stderr: str


class Openwatt(Protocol):
    def __call__(self, *argv: str, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Result: ...


Command = Callable[..., Result]  # `openwatt` with its first arguments or its folder bound (functools.partial)


def _not_a_terminal(fd: int = 1) -> os.terminal_size:
    raise OSError("not a terminal")


@pytest.fixture
def openwatt(capsys: pytest.CaptureFixture[str]) -> Openwatt:
    """The `openwatt` command run in this process (`main(argv)`), as a subprocess with piped output sees it:
    in the folder `cwd`, with NO_COLOR=1 and `env` added to the environment, and no terminal (the text
    report takes its default width, argparse COLUMNS or 80), all undone afterwards. An exit through
    SystemExit (argparse) gives its code as a return does."""
    from openwatt.cli.main import main  # here, so that collecting the tests imports no command

    def run(*argv: str, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Result:
        capsys.readouterr()  # what the test printed before is not the command's
        with pytest.MonkeyPatch.context() as patch:
            if cwd is not None:
                patch.chdir(cwd)
            for name, value in {"NO_COLOR": "1", **(env or {})}.items():
                patch.setenv(name, value)
            patch.setattr(os, "get_terminal_size", _not_a_terminal)
            try:
                code = main(list(argv))
            except SystemExit as exit:
                code = _exit_code(exit)
            out, err = capsys.readouterr()
        return Result(returncode=code, stdout=out, stderr=err)

    return run


def _exit_code(exit: SystemExit) -> int:
    """The exit status a process would have had: None is 0; a message is written to stderr and is 1."""
    if exit.code is None or isinstance(exit.code, int):
        return exit.code or 0
    sys.stderr.write(f"{exit.code}\n")
    return 1


SCHEMAS = TESTS / "reports" / "schemas"  # published schemas of the machine formats, with their sources


@pytest.fixture(scope="session")
def sarif_validator() -> Callable[[str], None]:
    """Validate SARIF text against the OASIS SARIF 2.1.0 schema (draft-04, formats checked)."""
    import json

    import jsonschema

    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return lambda text: validator.validate(json.loads(text))


@pytest.fixture(scope="session")
def junit_validator() -> Callable[[str], None]:
    """Validate JUnit XML text against the Apache Ant JUnit schema (see tests/reports/schemas/README.md)."""
    import xmlschema

    schema = xmlschema.XMLSchema(str(SCHEMAS / "junit-ant.xsd"))
    return lambda text: schema.validate(text)
