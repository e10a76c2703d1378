"""6. `openwatt check` on many inputs: wall time and peak RSS per output format, streamed versus collected.

N (default 2,000) generated disclosures (bench_throughput's generator), every shipped pack, the report
written to a file (`-o`). Each run is its own process; its peak RSS comes from `wait4`. The baseline is the
same command from the commit this branch started at (BASE, `git archive` of its engine, policies and
schemas into a temporary folder, put first on PYTHONPATH), which built the whole report in memory and wrote
it at the end; it has no jsonl. The runs take turns (before, after, before, ...), `--repeats` times, and
the medians are compared. `--flat` also runs the streamed formats at N/4 inputs: their peak RSS should not
move with the number of inputs, while the collected baseline's grows with it.

    .venv/bin/python bench/bench_check.py [N] [--base COMMIT] [--repeats R] [--flat]
"""

from __future__ import annotations

import argparse
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
from bench.common import AS_OF, PYTHON, ROOT, child_env, packs

BASE = "d8239ff"  # main where the `outputs` branch started: the collecting `check`
FORMATS = {"text": "txt", "json": "json", "jsonl": "jsonl"}
MAIN = "import sys; from openwatt.cli.main import main; sys.exit(main(sys.argv[1:]))"


def baseline(commit: str, folder: Path) -> Path:
    """The engine, packs and schemas of `commit`, laid out as an importable `openwatt` in `folder`."""
    archive = subprocess.run(["git", "archive", commit, "engine", "policies", "schemas"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    (folder / "engine").rename(folder / "openwatt")
    return folder


def one(pythonpath: Path, inputs: Path, format: str, out: Path, pack_args: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (KiB) and exit code of one `openwatt check` in its own process."""
    env = child_env(PYTHONPATH=str(pythonpath), SOURCE_DATE_EPOCH="1767225600")
    cmd = [str(PYTHON), "-c", MAIN, "check", str(inputs), *pack_args, "--as-of", AS_OF.isoformat(),
           "--format", format, "-o", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    code = proc.returncode
    if code not in (0, 1, 2) or not out.exists():
        raise SystemExit(f"{' '.join(cmd)} failed ({code}): {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss, code


def which(pythonpath: Path) -> str:
    """Where `import openwatt` leads with this PYTHONPATH (the baseline must not be the working tree)."""
    env = child_env(PYTHONPATH=str(pythonpath))
    return subprocess.run([str(PYTHON), "-c", "import openwatt; print(openwatt.__file__)"], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=2000)
    parser.add_argument("--base", default=BASE)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--flat", action="store_true")
    args = parser.parse_args()
    selected = packs()
    pack_args = [a for pid in selected.ids for a in ("-p", pid)]
    with tempfile.TemporaryDirectory(prefix="openwatt-bench-check-") as tmp:
        work = Path(tmp)
        before = baseline(args.base, work / "base")
        after = ROOT / "engine"  # the editable install maps it; PYTHONPATH at a folder without openwatt
        (work / "none").mkdir()
        after_path = work / "none"
        assert which(before).startswith(str(before)), which(before)
        assert which(after_path).startswith(str(after)), which(after_path)
        inputs = work / "inputs"
        inputs.mkdir()
        generate(inputs, args.n)
        print(f"{args.n} generated inputs, {len(selected.ids)} packs ({', '.join(selected.ids)}); before = {args.base}, "
              f"after = working tree; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        runs: dict[tuple[str, str], list[tuple[float, int]]] = {}
        sizes: dict[tuple[str, str], int] = {}
        for _ in range(args.repeats):
            for format, suffix in FORMATS.items():
                for side, path in (("before", before), ("after", after_path)):
                    if side == "before" and format == "jsonl":
                        continue
                    out = work / f"{side}.{suffix}"
                    seconds, rss, _code = one(path, inputs, format, out, pack_args)
                    runs.setdefault((side, format), []).append((seconds, rss))
                    sizes[(side, format)] = out.stat().st_size
        print(f"{'format':8} {'side':7} {'seconds':>8} {'inputs/s':>9} {'peak RSS MiB':>13} {'output MiB':>11}")
        for (side, format), samples in runs.items():
            seconds = statistics.median(s for s, _ in samples)
            rss = statistics.median(r for _, r in samples) / 1024
            print(f"{format:8} {side:7} {seconds:8.1f} {args.n / seconds:9.0f} {rss:13.0f} "
                  f"{sizes[(side, format)] / 2**20:11.1f}")
        for format in ("text", "json"):
            b, a = runs[("before", format)], runs[("after", format)]
            time_ratio = statistics.median(s for s, _ in a) / statistics.median(s for s, _ in b)
            rss_ratio = statistics.median(r for _, r in a) / statistics.median(r for _, r in b)
            print(f"{format}: after/before time {time_ratio:.2f}x, peak RSS {rss_ratio:.2f}x")
        if args.flat:
            small = work / "small"
            small.mkdir()
            for file in sorted(inputs.iterdir())[: args.n // 4]:
                file.rename(small / file.name)
            for format in ("text", "json", "jsonl"):
                for side, path in (("before", before), ("after", after_path)):
                    if side == "before" and format == "jsonl":
                        continue
                    _, rss_small, _ = one(path, small, format, work / f"flat.{format}", pack_args)
                    rss_big = statistics.median(r for _, r in runs[(side, format)])
                    print(f"flat {format} {side}: peak RSS {rss_small / 1024:.0f} MiB at {args.n // 4} inputs, "
                          f"{rss_big / 1024:.0f} MiB at {args.n}")


if __name__ == "__main__":
    main()
