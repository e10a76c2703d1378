"""`openwatt audit` throughput and memory: inputs/s with --jobs 1 and --jobs 2 on N generated disclosures
(bench_throughput's generator) with every shipped pack, their ratio, and the peak RSS of the audit's main
process at N and at 5N inputs (memory should stay flat as inputs grow); and, when dask[distributed] is
installed, `--executor dask --jobs 2` (a LocalCluster of 2 worker processes, one thread each) against
`--jobs 2`, with whether their outputs are the same bytes.

Each audit runs as its own process, started by a small wrapper that reports its wall time and its peak
RSS (getrusage of the children: with --jobs 2 that is the largest process, main or worker). One run each,
timed end to end (start-up and policy compilation included; for Dask, starting and stopping the cluster
too). Run: .venv/bin/python bench/bench_audit.py [N] [--no-memory] [--no-dask].
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_throughput import generate
from bench.common import AS_OF, PYTHON, packs

_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kib": peak, "code": done.returncode, "stderr": done.stderr[-500:]}))
"""


def audit(folder: Path, out: Path, jobs: int, executor: str = "local") -> dict[str, float]:
    """One audit of `folder` in its own process: wall seconds and peak RSS in KiB."""
    selected = packs()
    policies = [a for pid in selected.ids for a in ("-p", pid)]
    paths = [a for p in selected.search_path for a in ("--policy-path", str(p))]
    command = [str(PYTHON), "-m", "openwatt", "audit", str(folder), *policies, *paths, "--out", str(out),
               "--jobs", str(jobs), "--executor", executor, "--as-of", AS_OF.isoformat()]
    done = subprocess.run([str(PYTHON), "-c", _WRAPPER, *command], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["code"] not in (0, 1, 2):
        raise SystemExit(f"the audit failed: {result['stderr']}")
    return result


OUTPUTS = ("findings.jsonl", "summary.csv", "rules.csv")


def _same(first: Path, second: Path) -> bool:
    return all((first / f).read_bytes() == (second / f).read_bytes() for f in OUTPUTS)


def main(n: int, memory: bool, dask: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="openwatt-bench-audit-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        generate(folder, n)
        print(f"{n} generated disclosures, packs: {', '.join(packs().ids)}")
        rates = {}
        for jobs in (1, 2):
            run = audit(folder, Path(tmp) / f"out-{jobs}", jobs)
            rates[jobs] = n / run["seconds"]
            print(f"--jobs {jobs}: {rates[jobs]:.0f} inputs/s ({run['seconds']:.1f} s), peak RSS "
                  f"{run['peak_kib'] / 1024:.0f} MiB")
        same = _same(Path(tmp) / "out-1", Path(tmp) / "out-2")
        print(f"--jobs 2 / --jobs 1: {rates[2] / rates[1]:.2f}x (outputs identical: {same})")
        if dask and importlib.util.find_spec("distributed") is not None:
            run = audit(folder, Path(tmp) / "out-dask", 2, "dask")
            rate = n / run["seconds"]
            print(f"--executor dask --jobs 2 (LocalCluster, 2 workers): {rate:.0f} inputs/s ({run['seconds']:.1f} s), "
                  f"peak RSS {run['peak_kib'] / 1024:.0f} MiB")
            print(f"dask / --jobs 2: {rate / rates[2]:.2f}x (outputs identical: "
                  f"{_same(Path(tmp) / 'out-2', Path(tmp) / 'out-dask')})")
        elif dask:
            print("--executor dask: not measured, dask[distributed] is not installed (pip install '.[dask]')")
        if memory:
            generate(folder, 5 * n)
            run = audit(folder, Path(tmp) / "out-big", 1)
            print(f"--jobs 1 at {5 * n} inputs: {5 * n / run['seconds']:.0f} inputs/s, peak RSS "
                  f"{run['peak_kib'] / 1024:.0f} MiB")


if __name__ == "__main__":
    count = next((int(a) for a in sys.argv[1:] if a.isdigit()), 2000)
    main(count, memory="--no-memory" not in sys.argv, dask="--no-dask" not in sys.argv)
