"""The reporter registry: names, options, and what importing and rendering costs."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from openwatt.findings import Report
from openwatt.reports import (REPORTERS, Renderer, RenderOptions, csv_report, github, json_lines, json_report, junit, markdown,
                              sarif, terminal)

REPORTS_DIR = Path(__file__).resolve().parents[2] / "engine" / "reports"
_ANCESTORS = {0: "", 1: "openwatt.reports", 2: "openwatt"}  # what `from .`/`from ..` mean in it


def test_registry_names_every_format() -> None:
    assert list(REPORTERS) == ["text", "json", "jsonl", "sarif", "junit", "github", "markdown", "csv"]


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        REPORTERS["xml"] = REPORTERS["json"]  # type: ignore[index]


@pytest.mark.parametrize(("name", "module_render"), [
    ("text", terminal.render), ("json", json_report.render), ("sarif", sarif.render), ("junit", junit.render),
    ("github", github.render), ("markdown", markdown.render), ("csv", csv_report.render),
    ("jsonl", json_lines.render),
])
def test_registry_renders_as_the_module_does(name: str, module_render: Renderer, representative: Report) -> None:
    options = RenderOptions(verbose=True, width=72)
    assert REPORTERS[name](representative, options) == module_render(representative, options)


def test_render_options_defaults_and_frozen() -> None:
    options = RenderOptions()
    assert (options.color, options.verbose, options.width) == (False, False, 100)
    with pytest.raises(FrozenInstanceError):
        options.color = True  # type: ignore[misc]


# Modules that a step imports beyond what `import openwatt` already did, measured in a fresh process.
_PROBE = """
import json, sys
import openwatt
from openwatt.findings import Provenance, Report
from openwatt.values.verdicts import FailOn
base = set(sys.modules)
import openwatt.reports
steps = {"import": sorted(set(sys.modules) - base)}
report = Report((), Provenance(openwatt_version="0.1.0", generated_at="2025-09-01T12:00:00Z", as_of="2025-09-01", fail_on=FailOn.ERROR, policies=(), inputs=()))
base = set(sys.modules)
openwatt.reports.REPORTERS["json"](report, openwatt.reports.RenderOptions())
steps["json"] = sorted(set(sys.modules) - base)
for name in ("sarif", "junit", "github", "markdown", "csv", "text"):
    base = set(sys.modules)
    openwatt.reports.REPORTERS[name](report, openwatt.reports.RenderOptions())
    steps[name] = sorted(set(sys.modules) - base)
base = set(sys.modules)
openwatt.reports.REPORTERS["text"](report, openwatt.reports.RenderOptions(color=True))
steps["text-color"] = sorted(set(sys.modules) - base)
print(json.dumps(steps))
"""


@pytest.fixture(scope="module")
def imported_by() -> dict[str, list[str]]:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def _top(modules: list[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_importing_the_registry_loads_no_reporter(imported_by: dict[str, list[str]]) -> None:
    assert not {"rich", "jsonschema"} & _top(imported_by["import"])
    assert "openwatt.reports.terminal" not in imported_by["import"]
    assert not [m for m in imported_by["import"] if m.startswith("openwatt.reports.")]


@pytest.mark.parametrize("name", ["json", "sarif", "junit", "github", "markdown", "csv"])
def test_machine_formats_do_not_load_rich(name: str, imported_by: dict[str, list[str]]) -> None:
    assert not {"rich", "jsonschema"} & _top(imported_by[name])


def test_text_render_loads_rich_only_for_what_it_must_draw(imported_by: dict[str, list[str]]) -> None:
    assert "rich" not in _top(imported_by["text"])  # plain ASCII text without colour is wrapped by openwatt
    assert "rich" in _top(imported_by["text-color"])


def test_rendering_loads_no_policy_language(imported_by: dict[str, list[str]]) -> None:
    loaded = [m for step in imported_by.values() for m in step]
    assert not [m for m in loaded if m.startswith("openwatt.language")]


@pytest.mark.parametrize("source", sorted(REPORTS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_reports_never_import_the_language(source: Path) -> None:
    imported = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            # Relative to openwatt.reports: `from ..language import x`, `from .. import language`.
            package = ".".join(filter(None, [_ANCESTORS[node.level], node.module]))
            imported += [package, *(f"{package}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
    assert not [m for m in imported if m == "openwatt.language" or m.startswith("openwatt.language.")]
