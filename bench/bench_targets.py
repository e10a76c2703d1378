"""The speed targets of issue 13, each measured beside its baseline in the same run, each MET or NOT MET.

    .venv/bin/python bench/run.py --targets            # or: .venv/bin/python bench/bench_targets.py
    .venv/bin/python bench/run.py --targets --quick    # smaller inputs, fewer runs: a smoke run
    .venv/bin/python bench/run.py --targets --full     # memory at 10,000 vs 100,000 inputs (slow)
    .venv/bin/python bench/bench_targets.py 1 6        # some of them, by number

1. full check (YAML parse + schema + rules: `Engine.check` of the folder) with the 20-rule policy
   (bench/policies/bench-twenty.policy), one core, >= 0.6x the rate of bare libyaml parsing (yaml.load with
   CSafeLoader) of the same files;
2. every shipped pack alone >= 1,000 inputs/s per core (each pack's rate printed);
   (1 and 2 count this process's CPU time, so waiting for a shared core is not charged: rates per core)
3. `openwatt audit --jobs 2` >= 1.8x `--jobs 1`;
4. the audit's peak memory the same as the inputs grow (2,500 vs 10,000 by default, both above the 2,000
   inputs report.html lists, below which its table grows by design; 10,000 vs 100,000 with --full): at
   most 1.1x;
5. the audit's journal under 5 % of its time (time in the journal's methods, counted inside the audit);
6. a cold `openwatt check` of one file <= 0.5x the time of `check-jsonschema` on the same file.

Nothing asserts: the lines say MET or NOT MET. The machine may be shared: rates move with the load,
ratios (measured in turns within one run) much less; the header gives the load average.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from bench.bench_audit import audit
from bench.bench_throughput import generate
from bench.common import AS_OF, FALLBACK, PYTHON, ROOT, SCHEMA, SHIPPED, VENV_BIN, child_env, packs, wall

TWENTY = "bench-twenty"  # bench/policies/bench-twenty.policy: 20 judgements
SAMPLE = "samples/aurora-7b.yaml"


@dataclass(frozen=True)
class Target:
    number: int
    what: str
    value: float
    baseline: str
    goal: str  # as printed: ">= 0.6x"
    met: bool
    detail: str = ""

    def line(self) -> str:
        verdict = "MET" if self.met else "NOT MET"
        value = f"{self.value:.1f} %" if self.baseline.startswith("%") else f"{self.value:.2f}x {self.baseline}"
        return f"({self.number}) {self.what}: {value} (target {self.goal})  {verdict}" + (
            f"\n    {self.detail}" if self.detail else "")


def _cpu_rates(fns: dict[str, Callable[[], object]], count: int, repeats: int) -> dict[str, float]:
    """Rates per core (count / median CPU seconds of this process) of each function, taking turns within every
    repeat after a warm-up. CPU time, not wall time: on shared cores, waiting for a core is not work."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for name, fn in fns.items():
        fn()
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.process_time()
            fn()
            samples[name].append(time.process_time() - start)
    return {name: count / statistics.median(times) for name, times in samples.items()}


def check_vs_libyaml(folder: Path, files: list[Path], repeats: int) -> Target:
    from openwatt.checking import Engine
    from openwatt.evaluation import AppliedPolicies

    engine = Engine(search_path=[FALLBACK])
    policies = [engine.policy(TWENTY)]
    rules = len(AppliedPolicies(policies).judgements)
    rates = _cpu_rates({
        "check": lambda: engine.check([str(folder)], policies, as_of=AS_OF),
        "libyaml": lambda: [yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader) for f in files],
    }, len(files), repeats)
    ratio = rates["check"] / rates["libyaml"]
    return Target(1, f"full check, {rules}-rule policy, one core", ratio, "libyaml parsing", ">= 0.6x",
                  ratio >= 0.6, f"check {rates['check']:,.0f} inputs/s, yaml.load(CSafeLoader) "
                                f"{rates['libyaml']:,.0f} files/s, {len(files):,} generated disclosures")


def every_pack(folder: Path, count: int, repeats: int) -> Target:
    from openwatt.checking import Engine

    engine = Engine()
    selected = packs()
    compiled = {pid: [engine.policy(pid)] for pid in selected.ids}
    rates = _cpu_rates({pid: lambda policies=policies: engine.check([str(folder)], policies, as_of=AS_OF)
                        for pid, policies in compiled.items()}, count, repeats)
    slowest = min(rates, key=rates.__getitem__)
    detail = ", ".join(f"{pid} {rate:,.0f}/s" for pid, rate in sorted(rates.items(), key=lambda kv: kv[1]))
    return Target(2, f"every shipped pack alone, slowest {slowest}", rates[slowest] / 1000, "1,000 inputs/s",
                  ">= 1.0x", rates[slowest] >= 1000, f"{count:,} generated disclosures: {detail}")


def jobs(folder: Path, count: int, out: Path) -> Target:
    runs = {n: audit(folder, out / f"jobs-{n}", n) for n in (1, 2)}
    rate = {n: count / r["seconds"] for n, r in runs.items()}
    ratio = rate[2] / rate[1]
    return Target(3, "audit --jobs 2", ratio, "--jobs 1", ">= 1.8x", ratio >= 1.8,
                  f"{count:,} inputs, every shipped pack, end to end: --jobs 1 {rate[1]:,.0f}/s, --jobs 2 "
                  f"{rate[2]:,.0f}/s; {os.cpu_count()} cpus")


def memory(small: int, large: int, out: Path) -> Target:
    """Both sizes above report.html's MAX_ROWS (2,000 inputs listed): below it the table grows by design."""
    peaks = {}
    for n in (small, large):
        folder = out / f"in-{n}"
        folder.mkdir()
        generate(folder, n)
        peaks[n] = audit(folder, out / f"memory-{n}", 1)["peak_kib"] / 1024
    ratio = peaks[large] / peaks[small]
    return Target(4, f"audit peak RSS at {large:,} inputs", ratio, f"at {small:,}", "<= 1.1x", ratio <= 1.1,
                  f"{peaks[small]:.0f} MiB at {small:,}, {peaks[large]:.0f} MiB at {large:,} "
                  f"(--jobs 1, every shipped pack){'' if small >= 10_000 else '; --full for 10,000 vs 100,000'}")


_JOURNALED = """
import json, sys, time
from openwatt.audit.journal import Journal
spent = [0.0]
def timed(fn):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start
    return wrapper
for name in ("__init__", "append", "close", "read", "figures", "_reopen"):
    setattr(Journal, name, timed(getattr(Journal, name)))
from openwatt.cli.main import main
start = time.perf_counter()
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps({"seconds": time.perf_counter() - start, "journal": spent[0]}), file=sys.stderr)
"""


def journal(folder: Path, count: int, out: Path) -> Target:
    selected = packs()
    command = [str(PYTHON), "-c", _JOURNALED, "audit", str(folder), *(a for pid in selected.ids for a in ("-p", pid)),
               "--out", str(out / "journaled"), "--jobs", "1", "--as-of", AS_OF.isoformat()]
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                          env=child_env())
    figures = json.loads(done.stderr.strip().splitlines()[-1])
    share = figures["journal"] / figures["seconds"]
    return Target(5, "audit time in the journal", share * 100, "% of the audit", "< 5 %", share < 0.05,
                  f"{figures['journal'] * 1e3:,.0f} ms of {figures['seconds']:.1f} s ({count:,} inputs, every shipped "
                  f"pack, --jobs 1): writing each entry, flushing, reading the lines back for findings.jsonl")


def cold_check(runs: int) -> Target:
    selected = packs()
    commands = {
        "openwatt": [str(VENV_BIN / "openwatt"), "check", SAMPLE, "--format", "json", "-o", "/dev/null",
                     *selected.cli_args()],
        "check-jsonschema": [str(VENV_BIN / "check-jsonschema"), "--schemafile", str(SCHEMA.relative_to(ROOT)),
                             SAMPLE],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(runs + 2):  # two warm-up rounds: the .pyc and openwatt's cache written
        for name, cmd in commands.items():
            seconds, used, _ = wall(cmd)
            if i >= 2:
                times[name].append(seconds)
                cpu[name].append(used)
    med = {name: statistics.median(t) * 1e3 for name, t in times.items()}
    cpu_med = {name: statistics.median(t) * 1e3 for name, t in cpu.items()}
    ratio = med["openwatt"] / med["check-jsonschema"]
    return Target(6, "cold openwatt check of one file", ratio, "check-jsonschema", "<= 0.5x", ratio <= 0.5,
                  f"wall {med['openwatt']:.0f} ms vs {med['check-jsonschema']:.0f} ms (CPU {cpu_med['openwatt']:.0f} "
                  f"vs {cpu_med['check-jsonschema']:.0f} ms, ratio {cpu_med['openwatt'] / cpu_med['check-jsonschema']:.2f}x),"
                  f" median of {runs} runs in turns, {SAMPLE}")


def run(quick: bool = False, full: bool = False, only: Collection[int] = range(1, 7)) -> list[Target]:
    """The targets numbered in `only`, in order, each printed as it is measured."""
    n, per_pack, repeats = (300, 200, 3) if quick else (2000, 1000, 5)
    # Memory: both sizes above report.html's 2,000 listed inputs (below, its table grows by design).
    small, large = (10_000, 100_000) if full else (100, 1000) if quick else (2500, 10_000)
    targets: list[Target] = []
    with tempfile.TemporaryDirectory(prefix="openwatt-bench-targets-") as tmp:
        root = Path(tmp)
        folder, some = root / "twenty", root / "packs"
        folder.mkdir()
        some.mkdir()
        files = generate(folder, n)
        generate(some, per_pack)
        steps: dict[int, Callable[[], Target]] = {
            1: lambda: check_vs_libyaml(folder, files, repeats), 2: lambda: every_pack(some, per_pack, repeats),
            3: lambda: jobs(folder, n, root), 4: lambda: memory(small, large, root), 5: lambda: journal(folder, n, root),
            6: lambda: cold_check(5 if quick else 15)}
        for number in sorted(only):
            target = steps[number]()
            print(target.line(), flush=True)
            targets.append(target)
    return targets


def header() -> str:
    load = os.getloadavg()
    return (f"speed targets (issue 13), {os.cpu_count()} cpus, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
            f" at the start; shipped packs from {SHIPPED.relative_to(ROOT)}/")


if __name__ == "__main__":
    print(header())
    results = run(quick="--quick" in sys.argv, full="--full" in sys.argv,
                  only=[int(a) for a in sys.argv[1:] if a.isdigit()] or range(1, 7))
    print(f"{sum(t.met for t in results)} of {len(results)} targets met")
