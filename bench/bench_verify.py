"""`openwatt verify` against the audit it replays: wall time of each on N (default 1,000) generated disclosures
(bench_throughput's generator) with every shipped pack, end to end in its own process, and their ratio.

verify replays the whole audit (every input checked again, every output written to a temporary folder) and
then compares the outputs, streaming, so it should cost about one audit plus reading the outputs twice.
`--jobs` is the same for both (default 1). Run: .venv/bin/python bench/bench_verify.py [N] [--jobs J] [--repeat R].
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_throughput import generate
from bench.common import AS_OF, PYTHON, packs


def timed(command: list[str], cwd: Path, codes: tuple[int, ...]) -> float:
    """Wall seconds of one run of `command` in its own process (start-up and policy compilation included)."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in codes:
        raise SystemExit(f"{' '.join(command[2:4])} exited {done.returncode}: {done.stderr[-500:]}")
    return elapsed


def main(n: int, jobs: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="openwatt-bench-verify-") as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        generate(folder / "in", n)
        selected = packs()
        policies = [a for pid in selected.ids for a in ("-p", pid)]
        paths = [a for p in selected.search_path for a in ("--policy-path", str(p))]
        audit = [str(PYTHON), "-m", "openwatt", "audit", "in", *policies, *paths, "--out", "out", "--jobs", str(jobs),
                 "--as-of", AS_OF.isoformat()]
        verify = [str(PYTHON), "-m", "openwatt", "verify", "out", "--jobs", str(jobs)]
        print(f"{n} generated disclosures, packs: {', '.join(selected.ids)}; --jobs {jobs}; load average "
              f"{os.getloadavg()[0]:.1f}")
        audits, verifies = [], []
        for _ in range(repeat):  # in turns, so both see the same load
            audits.append(timed(audit, folder, (0, 1, 2)))
            verifies.append(timed(verify, folder, (0,)))
        a, v = statistics.median(audits), statistics.median(verifies)
        print(f"audit:  {a:.1f} s ({n / a:.0f} inputs/s)")
        print(f"verify: {v:.1f} s ({n / v:.0f} inputs/s), every output confirmed")
        print(f"verify / audit: {v / a:.2f}x")


if __name__ == "__main__":
    argv = sys.argv[1:]

    def option(name: str, default: int) -> int:
        return int(argv[argv.index(name) + 1]) if name in argv else default

    count = next((int(a) for i, a in enumerate(argv) if a.isdigit() and (i == 0 or not argv[i - 1].startswith("--"))),
                 1000)
    main(count, jobs=option("--jobs", 1), repeat=option("--repeat", 1))
