"""3. Cold wall time of `openwatt check samples/aurora-7b.yaml --format json` versus check-jsonschema.

Both console scripts from .venv/bin, run alternately (so drift hits both alike), median of the runs
after warm-up. A bare `python -c pass` is timed too: the floor every Python CLI pays. Then where a
cold openwatt spends its time: phases (import, compile, check, render) measured inside a fresh
interpreter, and `python -X importtime` top modules (median over several runs).
"""

from __future__ import annotations

import collections
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH, PYTHON, ROOT, SCHEMA, VENV_BIN, Result, Row, child_env, packs, wall

SAMPLE = "samples/aurora-7b.yaml"
_CLI = "import sys; from openwatt.cli.main import main; sys.exit(main(sys.argv[1:]))"  # the console script


def run(quick: bool = False) -> Result:
    selected = packs()
    policy_args = selected.cli_args()
    openwatt = [str(VENV_BIN / "openwatt"), "check", SAMPLE, "--format", "json", "-o", "/dev/null", *policy_args]
    commands = {  # name -> (command, environment)
        "openwatt": (openwatt, child_env()),
        "check-jsonschema": ([str(VENV_BIN / "check-jsonschema"), "--schemafile", str(SCHEMA.relative_to(ROOT)),
                              SAMPLE], child_env()),
        "python -c pass": ([str(PYTHON), "-c", "pass"], child_env()),
        "openwatt, no .pyc": (openwatt, child_env(bytecode=False)),
    }
    runs, warmup = (10, 1) if quick else (15, 2)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu_times: dict[str, list[float]] = {name: [] for name in commands}
    codes: dict[str, set[int]] = {name: set() for name in commands}
    for i in range(warmup + runs):
        for name, (cmd, env) in commands.items():
            seconds, cpu, code = wall(cmd, env)
            codes[name].add(code)
            if i >= warmup:
                times[name].append(seconds)
                cpu_times[name].append(cpu)
    med = {name: statistics.median(t) * 1e3 for name, t in times.items()}
    cpu_med = {name: statistics.median(t) * 1e3 for name, t in cpu_times.items()}
    bad = {name: sorted(c) for name, c in codes.items() if not c <= {0, 1}}  # 2: the run did not check

    phases = _phases([arg for arg in policy_args if arg != "-p"], runs=5 if quick else 10)
    imports = _importtime(openwatt[1:], runs=3 if quick else 5)
    ran = "openwatt " + " ".join(openwatt[1:])
    rows = [
        Row("cli", "openwatt check (cold wall)", med["openwatt"], "ms", "check-jsonschema", med["check-jsonschema"],
            note="target < 1" + (f"; EXIT CODES {bad}" if bad else "")),
        Row("cli", "openwatt check (cold CPU user+sys)", cpu_med["openwatt"], "ms", "check-jsonschema",
            cpu_med["check-jsonschema"], note="steadier than wall on a busy machine"),
        Row("cli", "check-jsonschema (cold wall)", med["check-jsonschema"], "ms", "python -c pass",
            med["python -c pass"]),
        Row("cli", "python -c pass (floor)", med["python -c pass"], "ms"),
        Row("cli", "openwatt check, sources not byte-compiled", med["openwatt, no .pyc"], "ms", "check-jsonschema",
            med["check-jsonschema"], note="as with PYTHONDONTWRITEBYTECODE=1 and an editable install"),
        *(Row("cli", f"  phase: {name}", ms, "ms", "phases run wall", phases["wall"]) for name, ms in phases.items()
          if name != "wall"),
    ]
    extra = {"command": ran, "runs": runs, "wall_ms": {n: sorted(t * 1e3 for t in ts) for n, ts in times.items()},
             "cpu_ms": {n: sorted(t * 1e3 for t in ts) for n, ts in cpu_times.items()},
             "exit_codes": {k: sorted(v) for k, v in codes.items()}, "phases_ms": phases, "importtime": imports}
    return Result(rows, extra)


def _phases(refs: list[str], runs: int) -> dict[str, float]:
    """Median ms per phase of a cold check, and its wall time: what is left is interpreter start and exit.
    The first run, which may write .pyc, is left out."""
    samples = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        out = subprocess.run([str(PYTHON), str(BENCH / "_cold_phases.py"), SAMPLE, *refs], cwd=ROOT, env=child_env(),
                             capture_output=True, text=True, check=True).stdout
        wall_ms, phases = (time.perf_counter() - start) * 1e3, json.loads(out)
        samples.append({**phases, "interpreter start + exit": wall_ms - sum(phases.values()), "wall": wall_ms})
    return {name: statistics.median(s[name] for s in samples[1:]) for name in samples[0]}


def _importtime(cli_args: list[str], runs: int) -> dict[str, list[list[object]]]:
    """Top modules by cumulative and by self import time (ms, median over runs), and self time per package."""
    cumulative: dict[str, list[float]] = collections.defaultdict(list)
    own: dict[str, list[float]] = collections.defaultdict(list)
    for _ in range(runs):
        err = subprocess.run([str(PYTHON), "-X", "importtime", "-c", _CLI, *cli_args], cwd=ROOT, env=child_env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
        for line in err.splitlines():
            parts = line.removeprefix("import time:").split("|")
            if len(parts) != 3 or not parts[0].strip().isdigit():
                continue  # the header line
            own[parts[2].strip()].append(int(parts[0]) / 1e3)
            cumulative[parts[2].strip()].append(int(parts[1]) / 1e3)
    cum = {m: statistics.median(v) for m, v in cumulative.items()}
    self_ = {m: statistics.median(v) for m, v in own.items()}
    packages: dict[str, float] = collections.defaultdict(float)
    for module, ms in self_.items():
        packages[module.split(".")[0]] += ms

    def top(table: dict[str, float], n: int = 10) -> list[list[object]]:
        return [[name, round(ms, 2)] for name, ms in sorted(table.items(), key=lambda kv: -kv[1])[:n]]

    return {"top_cumulative": top(cum), "top_self": top(self_), "by_package": top(packages, 12),
            "total_ms": [["all imports", round(sum(self_.values()), 2)]]}


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv)
    for row in result.rows:
        print(row)
    print(json.dumps(result.extra["importtime"], indent=1))
