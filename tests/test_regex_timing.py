"""Every regular expression in engine/ takes time linear in the text it reads, on long adversarial texts.

The patterns are collected, not listed: compiled patterns at module level and in module-level tables, literal
patterns passed to `re.*` functions anywhere in the source, the accelerator table of values/hardware.py, the
pattern tables of values/patterns.py and the `pattern`s of the JSON schemas (jsonschema searches disclosures
with them). Each is run the way the engine runs it (search, match or fullmatch) on
texts made of the characters and words of the pattern itself, repeated, with and without a near-miss ending.

No time limit is asserted: a text four times longer must not take more than ten times longer (a quadratic
pattern takes sixteen, an exponential one for ever), measured only where the longer run takes long enough to be
measured at all. A pattern that runs for more than a minute fails instead of hanging the suite.
"""

from __future__ import annotations

import ast
import importlib
import json
import itertools
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import pytest

import openwatt
from openwatt.resources import SCHEMAS_DIR
from openwatt.values import hardware, patterns

ENGINE = Path(openwatt.__file__).parent
SHORT, LONG = 2_000, 8_000  # characters; LONG = 4 × SHORT
MEASURABLE = 0.05  # seconds: below this a run is too quick for a ratio to mean anything on a loaded machine
MAX_RATIO = 10.0  # linear gives about 4, quadratic 16
HANG = 60  # seconds: a run this long fails the test instead of hanging the suite
SEARCHING = {"search", "sub", "subn", "findall", "finditer", "split"}
MODES = {"search": "search", "match": "match", "fullmatch": "fullmatch", **dict.fromkeys(SEARCHING, "search")}
SEEDS = ("", "8 a", "8 x a", "1", "1e", "a", '"', "h100 ")
FILLERS = (" ", "a", "0", "x", "\n", "\t", "ab", "a ", "0 ")
ENDINGS = ("", "!", "\n!")


@dataclass(frozen=True, slots=True)
class Case:
    """One pattern, where it was found, and the ways the engine runs it."""

    where: str
    pattern: re.Pattern[str]
    modes: frozenset[str]


def _modules() -> Iterator[tuple[str, ModuleType, ast.Module]]:
    for path in sorted(ENGINE.rglob("*.py")):
        parts = path.relative_to(ENGINE).with_suffix("").parts
        name = ".".join(("openwatt", *parts[:-1])) if parts[-1] == "__init__" else ".".join(("openwatt", *parts))
        if name == "openwatt.__main__":
            continue
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional extra (an audit executor) that is not installed
            continue
        yield str(path.relative_to(ENGINE.parent)), module, ast.parse(path.read_text(encoding="utf-8"))


def _compiled_in(value: Any, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
        yield value
    elif depth < 3 and isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _compiled_in(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in itertools.chain(value.keys(), value.values()):
            yield from _compiled_in(item, depth + 1)


def _uses(tree: ast.Module) -> dict[str, set[str]]:
    """Global name -> the methods called on it in the module (`_GPU.fullmatch(...)` -> {"fullmatch"})."""
    uses: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in MODES:
            uses.setdefault(node.value.id, set()).add(MODES[node.attr])
    return uses


def _flags(call: ast.Call, position: int) -> int:
    written = next((k.value for k in call.keywords if k.arg == "flags"), None)
    if written is None and len(call.args) > position:
        written = call.args[position]
    if written is None:
        return 0
    return eval(compile(ast.Expression(written), "<flags>", "eval"), {"re": re})  # re.I | re.M and the like


def _literals(where: str, tree: ast.Module) -> Iterator[Case]:
    """Patterns written as string literals in calls of re.compile / re.search / re.sub / …"""
    flag_position = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2,
                     "split": 3, "sub": 4, "subn": 4}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.func.attr in flag_position and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            pattern = re.compile(node.args[0].value, _flags(node, flag_position[node.func.attr]))
            mode = MODES.get(node.func.attr, "search")  # a compiled pattern is used elsewhere: search is the worst
            yield Case(f"{where}:{node.lineno}", pattern, frozenset({mode}))


def _cases() -> list[Case]:
    found: dict[tuple[str, int], Case] = {}
    for where, module, tree in _modules():
        uses = _uses(tree)
        for name, value in vars(module).items():
            for pattern in _compiled_in(value):
                modes = frozenset(uses.get(name, ())) or frozenset({"search", "fullmatch"})
                found.setdefault((pattern.pattern, pattern.flags), Case(f"{where}: {name}", pattern, modes))
        for case in _literals(where, tree):
            found.setdefault((case.pattern.pattern, case.pattern.flags), case)
    for pattern, row, _ in hardware._compiled():
        found.setdefault((pattern.pattern, pattern.flags),
                         Case(f"engine/values/hardware.py: {row.name}", pattern, frozenset({"search"})))
    for schema in sorted(SCHEMAS_DIR.glob("*.json")):  # jsonschema searches disclosure text with these
        for source in _schema_patterns(json.loads(schema.read_text(encoding="utf-8"))):
            compiled = re.compile(source)
            found.setdefault((source, compiled.flags),
                             Case(f"schemas/{schema.name}", compiled, frozenset({"search"})))
    for source, _ in (*patterns._UNSUPPORTED, *patterns._RESPELL):
        compiled = re.compile(source)
        found.setdefault((source, compiled.flags),
                         Case("engine/values/patterns.py: refusals", compiled, frozenset({"search"})))
    return sorted(found.values(), key=lambda c: (c.where, c.pattern.pattern))


def _schema_patterns(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        yield from node.get("patternProperties", {})
        for value in node.values():
            yield from _schema_patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_patterns(value)


CASES = _cases()


def _texts(pattern: str, size: int) -> Iterator[tuple[str, str]]:
    """(label, text) pairs of about `size` characters built from the pattern's own characters and words."""
    own = sorted({c for c in pattern if c.isprintable()})
    words = sorted(set(re.findall(r"[a-z0-9]{2,}", pattern.lower())))
    fillers = list(dict.fromkeys([*FILLERS, *own, *(w + " " for w in words), "".join(own)]))
    for seed, filler, ending in itertools.product(SEEDS, fillers, ENDINGS):
        body = (filler * (size // len(filler) + 1))[:size]
        yield f"{seed!r} + {filler!r}*n + {ending!r}", seed + body + ending
    for first, second in itertools.combinations(words[:8], 2):
        pair = f"{first} {second} "
        yield f"{pair!r}*n", (pair * (size // len(pair) + 1))[:size]


class _Hang(Exception):
    pass


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Hang


def _seconds(run: Callable[[str], object], text: str, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run(text)
        best = min(best, time.perf_counter() - start)
    return best


def test_the_collection_finds_the_patterns_that_were_slow() -> None:
    sources = {c.pattern.pattern for c in CASES}
    assert len(CASES) >= 40
    assert hardware._compiled()[0][0].pattern in sources  # the accelerator table
    assert any("(?P<count>[1-9][0-9]*)" in s for s in sources)  # the model-card hardware pattern
    assert any("(?P<count>[0-9]+)\\s*x" in s for s in sources)  # the CodeCarbon GPU pattern
    assert "[-_/,()]" in sources  # a literal inside a function
    assert "^[0-9a-f]{64}$" in sources  # a schema's


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.where} {c.pattern.pattern[:40]}")
def test_pattern_time_is_linear(case: Case) -> None:
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(HANG)
    try:
        for mode in sorted(case.modes):
            run = getattr(case.pattern, mode)
            for (label, short), (_, long) in zip(_texts(case.pattern.pattern, SHORT),
                                                 _texts(case.pattern.pattern, LONG)):
                if _seconds(run, long) < MEASURABLE:
                    continue
                ratio = _seconds(run, long, 3) / max(_seconds(run, short, 3), 1e-6)
                assert ratio < MAX_RATIO, f"{mode} on {label}: 4 × the text took {ratio:.0f} × the time"
    except _Hang:
        pytest.fail(f"{case.where}: {case.pattern.pattern!r} ran for more than {HANG} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
