"""A plain (non-editable) `pip install .` ships the policies and schemas and runs from anywhere."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with openwatt installed from the source tree as a wheel would be.
    Its dependencies come from this environment's site-packages (a .pth file), so the test needs no
    network; openwatt itself is built and installed by pip, without the editable finder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(subprocess.run([str(venv / "bin" / "python"), "-c",
                                   "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True).stdout.strip())
    outer = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (purelib / "outer.pth").write_text("\n".join(outer) + "\n", encoding="utf-8")
    build = tmp_path_factory.mktemp("build")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(purelib), "--no-compile", str(ROOT)],
                   check=True, cwd=build, env={**os.environ, "PIP_NO_INDEX": "1"})
    return venv


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv / "bin" / "python"), "-m", "openwatt", *args], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=120)


def test_installed_copy_is_imported_with_its_data(installed: Path, tmp_path: Path) -> None:
    probe = subprocess.run(
        [str(installed / "bin" / "python"), "-c",
         "import json, openwatt, openwatt.resources as r; print(json.dumps([openwatt.__file__, str(r.POLICIES_DIR), "
         "str(r.SCHEMAS_DIR), sorted(p.name for p in r.POLICIES_DIR.glob('*.policy'))]))"],
        cwd=tmp_path, check=True, capture_output=True, text=True)
    module, policies, schemas, packs = json.loads(probe.stdout)
    assert module.startswith(str(installed)), module
    assert policies.startswith(str(installed)) and schemas.startswith(str(installed))
    assert "recommended.policy" in packs
    assert (Path(schemas) / "disclosure.schema.json").is_file()
    assert (Path(schemas) / "report.schema.json").is_file()
    assert (Path(module).parent / "language" / "grammar.lark").is_file()


def test_installed_check_runs_the_default_pack(installed: Path, tmp_path: Path) -> None:
    sample = tmp_path / "aurora.yaml"
    sample.write_bytes((ROOT / "samples" / "aurora-7b.yaml").read_bytes())
    evidence = tmp_path / "evidence" / "aurora-7b" / "emissions.csv"  # the log the disclosure cites
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes((ROOT / "samples" / "evidence" / "aurora-7b" / "emissions.csv").read_bytes())
    result = _run(installed, "check", "aurora.yaml", "--format", "json", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert {tuple(f["required_by"]) for f in report["findings"]} == {("recommended",)}
    assert report["provenance"]["inputs"][0]["file"] == "aurora.yaml"
    assert sysconfig.get_paths()  # the outer interpreter is untouched
