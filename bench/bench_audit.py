"""`openwatt audit` throughput and memory: inputs/s with --jobs 1 and --jobs 2 on N generated disclosures
(bench_throughput's generator) with every shipped pack, their ratio, and the peak RSS of the audit's main
process at N and at 5N inputs (memory should stay flat as inputs grow).

Each audit runs as its own process, started by a small wrapper that reports its wall time and its peak
RSS (getrusage of the children: with --jobs 2 that is the largest process, main or worker). One run each,
timed end to end (start-up and policy compilation included). Run: .venv/bin/python bench/bench_audit.py
[N] [--no-memory].
"""

from __future__ import annotations

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


def audit(folder: Path, out: Path, jobs: int) -> dict[str, float]:
    """One audit of `folder` in its own process: wall seconds and peak RSS in KiB."""
    selected = packs()
    policies = [a for pid in selected.ids for a in ("-p", pid)]
    paths = [a for p in selected.search_path for a in ("--policy-path", str(p))]
    command = [str(PYTHON), "-m", "openwatt", "audit", str(folder), *policies, *paths, "--out", str(out),
               "--jobs", str(jobs), "--as-of", AS_OF.isoformat()]
    done = subprocess.run([str(PYTHON), "-c", _WRAPPER, *command], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["code"] not in (0, 1, 2):
        raise SystemExit(f"the audit failed: {result['stderr']}")
    return result


def main(n: int, memory: bool) -> None:
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
        same = all((Path(tmp) / "out-1" / f).read_bytes() == (Path(tmp) / "out-2" / f).read_bytes()
                   for f in ("findings.jsonl", "summary.csv", "rules.csv"))
        print(f"--jobs 2 / --jobs 1: {rates[2] / rates[1]:.2f}x (outputs identical: {same})")
        if memory:
            generate(folder, 5 * n)
            run = audit(folder, Path(tmp) / "out-big", 1)
            print(f"--jobs 1 at {5 * n} inputs: {5 * n / run['seconds']:.0f} inputs/s, peak RSS "
                  f"{run['peak_kib'] / 1024:.0f} MiB")


if __name__ == "__main__":
    count = next((int(a) for a in sys.argv[1:] if a.isdigit()), 2000)
    main(count, memory="--no-memory" not in sys.argv)
