"""1. Compiling every pack, by id, with a fresh PolicyLoader each.

Cold compiles run in a fresh interpreter (after its imports, which section 3 covers): once with no
Lark table cache on disk (TMPDIR pointed at an empty folder: the LALR tables are built), once with
it (the tables are unpickled). Warm compiles run here, with the grammar and schema types in memory.
Baseline: Lark alone parsing the same policy texts; the ratio is what compiling adds over parsing.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, Packs, Result, Row, measure, packs


def _child() -> None:
    """In a fresh interpreter: seconds for the first compile of every pack, printed as JSON."""
    chosen = json.loads(sys.argv[2])
    selected = Packs(tuple(chosen["ids"]), tuple(Path(p) for p in chosen["search_path"]), "", {})
    import openwatt.language.policy  # noqa: F401  (imports are section 3's business, not this one's)
    start = time.perf_counter()
    selected.compile_all()
    print(json.dumps({"seconds": time.perf_counter() - start}))


def _cold(selected: Packs, runs: int, no_disk_cache: bool) -> float:
    arg = json.dumps({"ids": selected.ids, "search_path": [str(p) for p in selected.search_path]})
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as empty:
            env = {"TMPDIR": empty} if no_disk_cache else {}
            out = subprocess.run([str(PYTHON), __file__, "--child", arg], cwd=ROOT, env={**os.environ, **env},
                                 capture_output=True, text=True, check=True).stdout
        times.append(json.loads(out)["seconds"])
    return statistics.median(times)


def run(quick: bool = False) -> Result:
    from openwatt.language.parser import _lark

    selected = packs()
    runs, repeats = (2, 3) if quick else (5, 7)
    files = [selected._file(pid) for pid in selected.ids]
    texts = [f.read_text(encoding="utf-8") for f in files]
    lark = _lark()
    parse = measure(lambda: [lark.parse(t, start="start") for t in texts], repeats=repeats)
    warm = measure(selected.compile_all, repeats=repeats)
    _cold(selected, 1, no_disk_cache=False)  # make sure the disk cache exists for the cached runs
    cold_cached = _cold(selected, runs, no_disk_cache=False)
    cold_uncached = _cold(selected, runs, no_disk_cache=True)
    n = f"{len(selected.ids)} pack{'s' if len(selected.ids) != 1 else ''}"
    base = "Lark parse only"
    rows = [
        Row("compile", f"warm, all {n}", warm * 1e3, "ms", base, parse * 1e3),
        Row("compile", "first in process, Lark disk cache", cold_cached * 1e3, "ms", "warm compile", warm * 1e3),
        Row("compile", "first in process, no Lark cache", cold_uncached * 1e3, "ms", "with disk cache",
            cold_cached * 1e3),
    ]
    lines = sum(t.count("\n") + 1 for t in texts)
    return Result(rows, {"packs": list(selected.ids), "policy_lines": lines, "subprocess_runs": runs})


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child()
    else:
        for row in run().rows:
            print(row)
