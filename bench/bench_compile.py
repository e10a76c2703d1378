"""1. Compiling every pack, by id, with a fresh PolicyLoader each.

Cold compiles run in a fresh interpreter (after its imports, which section 3 covers): once with an
empty openwatt cache (OPENWATT_CACHE_DIR and TMPDIR an empty folder: the LALR tables are built and
every policy is parsed), once with it (tables and parsed policies are unpickled). Warm compiles run here, with the grammar and schema types in memory.
Baseline: Lark alone parsing the same policy texts; the ratio is what compiling adds over parsing.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PYTHON, ROOT, SHIPPED, Packs, Result, Row, child_env, measure, packs, plural


def _child() -> None:
    """In a fresh interpreter: seconds for the first compile of every pack, printed as JSON."""
    chosen = json.loads(sys.argv[2])
    selected = Packs(tuple(chosen["ids"]), tuple(Path(p) for p in chosen["search_path"]), "", {})
    import openwatt.language.policy  # noqa: F401  (imports are section 3's business, not this one's)
    start = time.perf_counter()
    selected.compile_all()
    print(json.dumps({"seconds": time.perf_counter() - start}))


def _cold(selected: Packs, runs: int) -> dict[str, float]:
    """Median seconds of a first compile in a fresh interpreter, with and without Lark's disk cache
    (taking turns); a first run, not counted, writes the cache and the .pyc."""
    arg = json.dumps({"ids": selected.ids, "search_path": [str(p) for p in selected.search_path]})
    times: dict[str, list[float]] = {"cached": [], "uncached": []}
    for i in range(runs + 1):
        for kind in times:
            with tempfile.TemporaryDirectory() as empty:
                env = child_env(TMPDIR=empty, OPENWATT_CACHE_DIR=empty) if kind == "uncached" else child_env()
                out = subprocess.run([str(PYTHON), __file__, "--child", arg], cwd=ROOT, env=env,
                                     capture_output=True, text=True, check=True).stdout
            if i:
                times[kind].append(json.loads(out)["seconds"])
    return {kind: statistics.median(t) for kind, t in times.items()}


def run(quick: bool = False) -> Result:
    from openwatt.language.parser import _lark  # the parser openwatt builds, with its options

    selected = packs()
    # Every file the compiles read, imports included, as often as they read it.
    texts = [_source(s.file).read_text(encoding="utf-8") for p in selected.compile_all() for s in p.sources]
    lark = _lark()
    timed = measure({"parse": lambda: [lark.parse(t, start="start") for t in texts],
                     "compile": selected.compile_all}, repeats=3 if quick else 7)
    cold = _cold(selected, runs=2 if quick else 5)
    ms = {name: seconds * 1e3 for name, seconds in {**timed, **cold}.items()}
    rows = [
        Row("compile", f"warm, all {plural(len(selected.ids), 'pack')}", ms["compile"], "ms", "Lark parse only",
            ms["parse"], note=f"{len(texts)} files parsed per compile, imports included"),
        Row("compile", "first in process, openwatt cache", ms["cached"], "ms", "warm compile", ms["compile"]),
        Row("compile", "first in process, empty cache", ms["uncached"], "ms", "with the cache", ms["cached"]),
    ]
    return Result(rows, {"packs": list(selected.ids), "files_per_compile": len(texts)})


def _source(file: str) -> Path:
    """A policy file from its display name in a compiled policy's sources."""
    shipped = "<openwatt>/policies/"
    return SHIPPED / file.removeprefix(shipped) if file.startswith(shipped) else Path(file)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child()
    else:
        for row in run().rows:
            print(row)
