"""A cold `openwatt check`, cut into phases; run by bench_cli.py in a fresh interpreter.

Usage: python _cold_phases.py SAMPLE [POLICY...]   (no POLICY: the default pack, as the CLI uses)
Prints JSON: milliseconds spent importing, compiling, checking and rendering. Only `time`, `json` and
`sys` are imported before the clock starts, so openwatt's imports are charged to openwatt.
"""

import json
import sys
import time

start = time.perf_counter()
from openwatt.cli.main import main  # noqa: E402,F401  (what the console script imports)
from openwatt.checking import DEFAULT_POLICY, Engine  # noqa: E402
from openwatt.reports import REPORTERS, RenderOptions  # noqa: E402

imported = time.perf_counter()
engine = Engine()
policies = engine.policies(sys.argv[2:] or [DEFAULT_POLICY])
compiled = time.perf_counter()
report = engine.check([sys.argv[1]], policies)
checked = time.perf_counter()
REPORTERS["json"](report, RenderOptions())
rendered = time.perf_counter()
print(json.dumps({"import": (imported - start) * 1e3, "compile": (compiled - imported) * 1e3,
                  "check": (checked - compiled) * 1e3, "render json": (rendered - checked) * 1e3}))
