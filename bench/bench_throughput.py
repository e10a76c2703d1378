"""4. Documents per second for Engine.check over a folder of N generated disclosures, every pack, one process.

The variants are the samples with other ids, names and figures (and now and then a changed licence or
a dropped component, so the findings vary), written to a temporary folder. Baselines on the same
files in the same run: PyYAML's C loader alone (the floor for reading YAML), and openwatt's
load_document alone (reading with positions and limits, no checking).
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from bench.common import AS_OF, Result, Row, packs, plural, samples

_NUMBER = re.compile(r"^\d+(?:\.\d+)?")


def generate(folder: Path, n: int) -> list[Path]:
    """`n` variants of the samples in `folder`, reproducibly."""
    bases = [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for p in samples()]
    files = []
    for i in range(n):
        rng = random.Random(i)
        data = _vary(yaml.load(yaml.dump(bases[i % len(bases)], Dumper=yaml.CSafeDumper), Loader=yaml.CSafeLoader),
                     i, rng)
        path = folder / f"variant-{i:05d}.yaml"
        path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        files.append(path)
    return files


def _vary(data: dict[str, Any], i: int, rng: random.Random) -> dict[str, Any]:
    model = data.setdefault("model", {})
    model["id"] = f"bench-lab/model-{i}"
    model["name"] = f"Bench model {i}"
    if isinstance(model.get("parameters"), int):
        model["parameters"] = int(model["parameters"] * rng.uniform(0.5, 2))
    if i % 7 == 3:
        model["license"] = "Bench Community Licence 1.0"
    if i % 5 == 1 and data.get("components"):
        data["components"].pop(rng.randrange(len(data["components"])))
    for stage in (data.get("energy") or {}).values():
        for key in ("energy", "emissions", "energy_per_1000_queries"):
            if isinstance(stage, dict) and isinstance(stage.get(key), str):
                factor = rng.uniform(0.3, 3)
                stage[key] = _NUMBER.sub(lambda m: f"{float(m.group()) * factor:.3g}", stage[key])
    return data


def _per_second(fn: Any, count: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return count / statistics.median(times)


def run(quick: bool = False) -> Result:
    from openwatt.checking import Engine
    from openwatt.documents.loading import load_document

    n, repeats = (200, 3) if quick else (2000, 3)
    selected = packs()
    engine = Engine(search_path=selected.search_path)
    policies = [engine.policy(pid) for pid in selected.ids]
    with tempfile.TemporaryDirectory(prefix="openwatt-bench-") as tmp:
        files = generate(Path(tmp), n)
        engine.check(files[:20], policies, as_of=AS_OF)  # warm-up
        counts: dict[str, int] = {}

        def check() -> None:
            counts.update(engine.check([tmp], policies, as_of=AS_OF).counts)

        checked = _per_second(check, n, repeats)
        loaded = _per_second(lambda: [load_document(f) for f in files], n, repeats)
        parsed = _per_second(lambda: [yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader) for f in files], n, repeats)
    rows = [
        Row("throughput", f"Engine.check, {n} docs, {plural(len(policies), 'pack')}", checked, "docs/s", "yaml CSafeLoader",
            parsed, note="ratio < 1: slower than the baseline"),
        Row("throughput", "load_document alone", loaded, "docs/s", "yaml CSafeLoader", parsed),
        Row("throughput", "yaml CSafeLoader alone", parsed, "docs/s"),
    ]
    return Result(rows, {"documents": n, "repeats": repeats, "finding_counts": counts})


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv).rows:
        print(row)
