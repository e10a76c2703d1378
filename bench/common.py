"""What every benchmark shares: paths, the packs to check against, the samples, and a timer.

Timings are medians of several repeats after a warm-up; each repeat runs the timed function enough
times to last at least `min_time`, so clock resolution and one-off stalls matter little. Nothing here
asserts a timing: the benchmarks report, the reader judges.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
SCHEMA = ROOT / "schemas" / "disclosure.schema.json"
SHIPPED = ROOT / "policies"
FALLBACK = BENCH / "policies"  # used only while no shipped pack compiles
AS_OF = dt.date(2026, 1, 1)  # fixed, so waiver expiry (and so the work done) does not drift by date


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass
class Row:
    """One line of the table: a figure and, when it has one, the baseline it is compared with."""

    bench: str
    figure: str
    value: float
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline_value if self.baseline_value else None


@dataclass
class Result:
    rows: list[Row] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # goes to the JSON only


# ---- what to check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Packs:
    """The policy ids to benchmark and the search path that finds them."""

    ids: tuple[str, ...]
    search_path: tuple[Path, ...]  # () for the shipped packs
    source: str  # "shipped" or "bench fallback"
    skipped: dict[str, str]  # shipped id -> why it was left out (its first compile error)

    def compile_all(self) -> list[Any]:
        from openwatt.language.loader import PolicyLoader
        return [PolicyLoader(self.search_path).load_id(pid) for pid in self.ids]  # a fresh loader each

    def cli_args(self) -> list[str]:
        """-p options for `openwatt check`: none when the default (recommended) pack compiles."""
        if self.source == "shipped" and "recommended" in self.ids:
            return []
        return [arg for pid in self.ids for arg in ("-p", str(self.file(pid)))]

    def file(self, pid: str) -> Path:
        return next(p for p in (*self.search_path, SHIPPED) if (p / f"{pid}.policy").is_file()) / f"{pid}.policy"


def packs() -> Packs:
    """Every shipped pack that compiles; the bench's own packs when none does (policies are being written)."""
    from openwatt.language.errors import PolicyErrors
    from openwatt.language.loader import PolicyLoader

    ok, skipped = [], {}
    for file in sorted(SHIPPED.glob("*.policy")):
        try:
            PolicyLoader().load_id(file.stem)
            ok.append(file.stem)
        except PolicyErrors as err:
            first = err.errors[0]
            skipped[file.stem] = f"{first.code} {first.message}"
    if ok:
        return Packs(tuple(ok), (), "shipped", skipped)
    ids = tuple(sorted(p.stem for p in FALLBACK.glob("*.policy")))
    return Packs(ids, (FALLBACK,), "bench fallback", skipped)


def samples() -> list[Path]:
    """samples/*.yaml that load (samples/malformed/ is a subfolder, so not included)."""
    from openwatt.documents.loading import load_document
    from openwatt.documents.source import DocumentError

    good = []
    for path in sorted((ROOT / "samples").glob("*.yaml")):
        try:
            load_document(path)
            good.append(path)
        except DocumentError:
            pass
    return good


# ---- timing ----------------------------------------------------------------------------------


def measure(fns: dict[str, Callable[[], object]], *, repeats: int = 7, min_time: float = 0.05) -> dict[str, float]:
    """Median seconds per call of each function, after a warm-up call of each. The functions take
    turns within every repeat, so a machine that slows down for a while slows them all alike."""
    numbers = {name: _calibrate(fn, min_time) for name, fn in fns.items()}
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            samples[name].append(_run(fn, numbers[name]) / numbers[name])
    return {name: statistics.median(times) for name, times in samples.items()}


def _calibrate(fn: Callable[[], object], min_time: float) -> int:
    """How many calls make one timed sample last at least `min_time` (the first call warms up)."""
    fn()
    number, elapsed = 1, _run(fn, 1)
    while elapsed < min_time:
        number *= max(2, min(10, int(min_time / max(elapsed, 1e-9)) + 1))
        elapsed = _run(fn, number)
    return number


def _run(fn: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return time.perf_counter() - start


_PYCACHE = tempfile.mkdtemp(prefix="openwatt-bench-pycache-")
_POLICY_CACHE = tempfile.mkdtemp(prefix="openwatt-bench-cache-")  # parsed policies and Lark tables
atexit.register(shutil.rmtree, _PYCACHE, True)


def child_env(bytecode: bool = True, **extra: str) -> dict[str, str]:
    """The environment for timed subprocesses. With `bytecode`, modules are byte-compiled once and the
    .pyc reused, as in any installed package, even where PYTHONDONTWRITEBYTECODE is set (it is on
    these machines); the .pyc go to a private folder, so nothing is written beside the sources.
    Without, PYTHONDONTWRITEBYTECODE=1: openwatt's sources (an editable install) compile every run."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env.update({"PYTHONPYCACHEPREFIX": _PYCACHE} if bytecode else {"PYTHONDONTWRITEBYTECODE": "1"})
    env["OPENWATT_CACHE_DIR"] = _POLICY_CACHE  # openwatt's own cache, private to this run (warmed by the first)
    return {**env, **extra}


def wall(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and exit code of one subprocess run, output discarded.
    CPU time barely moves when other processes compete for the cores; wall time does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                          env=env or child_env())
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, proc.returncode
