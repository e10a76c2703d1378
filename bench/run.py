"""Run every openwatt benchmark, print one table, write bench/results/latest.json.

    .venv/bin/python bench/run.py            # the full run (a few minutes)
    .venv/bin/python bench/run.py --quick    # fewer repeats, smaller inputs: a smoke run
    .venv/bin/python bench/run.py --only cli throughput
    .venv/bin/python bench/run.py --targets  # issue 13's speed targets, each MET or NOT MET (--full: 100,000 inputs)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_cli, bench_compile, bench_targets, bench_evaluate, bench_precommit, bench_throughput  # noqa: E402
from bench.common import BENCH, ROOT, Result, Row, packs  # noqa: E402

BENCHMARKS = {"compile": bench_compile, "evaluate": bench_evaluate, "cli": bench_cli, "throughput": bench_throughput,
              "precommit": bench_precommit}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller inputs")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS))
    parser.add_argument("--output", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument("--targets", action="store_true", help="only the speed targets, each MET or NOT MET")
    parser.add_argument("--full", action="store_true", help="with --targets: memory at 10,000 vs 100,000 inputs")
    args = parser.parse_args()
    if args.targets:
        print(bench_targets.header(), flush=True)
        met = bench_targets.run(quick=args.quick, full=args.full)
        print(f"{sum(t.met for t in met)} of {len(met)} targets met")
        return 0

    selected = packs()
    print(f"openwatt benchmarks  {dt.datetime.now().isoformat(timespec='seconds')}  python {platform.python_version()}"
          f"  {os.cpu_count()} cpus  commit {_commit()}{'  (quick)' if args.quick else ''}")
    print(f"packs ({selected.source}): {', '.join(selected.ids)}")
    for pid, why in selected.skipped.items():
        print(f"  skipped {pid}: does not compile ({why})")

    results: dict[str, Result] = {}
    for name in args.only:
        start = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results[name] = BENCHMARKS[name].run(quick=args.quick)
        print(f"  {name} took {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)

    print()
    print(table([row for result in results.values() for row in result.rows]))
    if "cli" in results:
        print(importtime(results["cli"].extra["importtime"]))

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({
        "when": dt.datetime.now().isoformat(timespec="seconds"), "commit": _commit(), "quick": args.quick,
        "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
        "packs": {"source": selected.source, "ids": list(selected.ids), "skipped": selected.skipped},
        "benchmarks": {name: {"rows": [{**asdict(r), "ratio": r.ratio} for r in result.rows], **result.extra}
                       for name, result in results.items()},
    }, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    return 0


def table(rows: list[Row]) -> str:
    header = ("benchmark", "figure", "value", "unit", "baseline", "baseline value", "ratio", "note")
    cells = [header] + [(r.bench, r.figure, _num(r.value), r.unit, r.baseline,
                         _num(r.baseline_value) if r.baseline_value is not None else "",
                         _ratio(r.ratio), r.note) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    right = {2, 5, 6}
    lines = []
    for i, c in enumerate(cells):
        lines.append("  ".join(v.rjust(w) if k in right else v.ljust(w) for k, (v, w) in enumerate(zip(c, widths)))
                     .rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def importtime(data: dict[str, list[list[object]]]) -> str:
    columns = [("top 10 by cumulative", data["top_cumulative"]), ("top 10 by self", data["top_self"]),
               ("self time by package", data["by_package"][:10])]
    cells = [[f"{name:<{max(len(str(n)) for n, _ in rows)}} {ms:7.1f}" for name, ms in rows] for _, rows in columns]
    widths = [max(len(title), *map(len, col)) for (title, _), col in zip(columns, cells)]
    out = [f"\ncold start imports (python -X importtime, ms, median of runs; {data['total_ms'][0][1]:.0f} ms in all)",
           "   ".join(title.ljust(w) for (title, _), w in zip(columns, widths))]
    for i in range(max(map(len, cells))):
        out.append("   ".join((col[i] if i < len(col) else "").ljust(w) for col, w in zip(cells, widths)).rstrip())
    return "\n".join(out)


def _ratio(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.2f}x" if ratio >= 0.1 else f"{ratio:.3f}x"


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def _commit() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return sha + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
