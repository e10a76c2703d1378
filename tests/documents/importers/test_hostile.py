"""Every case of samples/hostile/make.py: one clear answer, with a location, quickly and in small memory."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from openwatt.documents import DocumentError, load_any, validate

from conftest import ROOT

SECONDS = 5.0  # each case is answered in well under a second; the bound leaves room for slow CI machines


def _make() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostile_make", ROOT / "samples" / "hostile" / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


MAKE = _make()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("hostile")
    MAKE.write(target)
    return target


@pytest.mark.parametrize("case", MAKE.CASES, ids=lambda case: case.name)
def test_hostile_case(folder: Path, case: object) -> None:
    path = folder / case.name  # type: ignore[attr-defined]
    started = time.perf_counter()
    try:
        document = load_any(path)
    except DocumentError as error:
        answer = ("error", [(error.line, error.column, error.message, error.hint)])
        where = f"{path}:{error.line}:{error.column}" if error.line else f"{path}"  # no position: the file
        assert str(error) == f"{where}: {error.message}"
    else:
        problems = validate(document)
        answer = ("schema" if problems else "accepted", [(p.line, p.column, p.message, p.hint) for p in problems])
    elapsed = time.perf_counter() - started
    expected = [] if case.outcome == "accepted" else [  # type: ignore[attr-defined]
        (case.line, case.column, case.message, case.hint)]  # type: ignore[attr-defined]
    assert answer == (case.outcome, expected)  # type: ignore[attr-defined]
    assert elapsed < SECONDS


def test_every_case_has_a_location_except_the_size_limit() -> None:
    unlocated = [c.name for c in MAKE.CASES if c.outcome != "accepted" and (c.line, c.column) == (0, 0)]
    assert unlocated == ["too-large.yaml"]  # refused before it is read: the whole file is the location


def test_cases_cover_each_kind_of_input() -> None:
    names = [case.name for case in MAKE.CASES]
    assert len(names) == len(set(names))
    assert {Path(n).suffix for n in names} == {".yaml", ".json", ".md", ".csv"}


def test_the_bomb_and_the_wide_file_are_refused_in_small_memory(folder: Path) -> None:
    # In a fresh process, so the peak memory is this load's alone.
    code = ("import json, resource, sys\nfrom openwatt.documents import DocumentError, load_any\n"
            "peaks = []\nfor name in sys.argv[1:]:\n    try:\n        load_any(name)\n"
            "    except DocumentError:\n        pass\n"
            "print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024))")
    files = [str(folder / "billion-laughs.yaml"), str(folder / "many-values.yaml")]
    result = subprocess.run([sys.executable, "-c", code, *files], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) < 400  # MiB; composing all of many-values.yaml would take over 1 GiB


def test_make_writes_into_a_folder(tmp_path: Path) -> None:
    written = MAKE.write(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [c.name for c in MAKE.CASES]
    assert (tmp_path / "too-large.yaml").stat().st_size == MAKE.LIMIT + 1
