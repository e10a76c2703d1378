"""report.html: the audit for people, one self-contained page written at the end from compact aggregates.

`HtmlReport` takes each entry as the writers stream it past and keeps only what the page shows: the verdict
counts, per pack how many inputs pass, fail or error, the first MAX_ROWS inputs with at most MAX_FINDINGS of
their failing findings each, and at most MAX_POINTS points per cohort plot (outliers first). Per-rule counts
come from the RulesWriter. Memory is bounded by these caps and the number of rules, not by the inputs.

The data goes into the page as JSON inside `<script type="application/json">`, with `<`, `>` and `&` written as
JSON escapes so that no text of an input can close the element; report_page.SCRIPT draws the page from it.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..findings import INPUT_POLICY, LOAD_RULE
from ..values.verdicts import FailOn, Severity, Status
from .cohort import MIN_COHORT, Band, Metric, Outlier
from .report_page import SCRIPT, STYLE
from .writers import RULES_COLUMNS

__all__ = ["MAX_FINDINGS", "MAX_POINTS", "MAX_ROWS", "HtmlReport", "embed"]

MAX_ROWS = 2000  # inputs listed in the table (all are in summary.csv)
MAX_FINDINGS = 25  # failing findings shown per input (all are in findings.jsonl)
MAX_POINTS = 5000  # points per cohort plot

_SHOWN = frozenset({Status.FAIL.value, Status.ERROR.value, Status.WAIVED.value})
_AXES = {Metric.ENERGY_PER_FLOP: "compute_flop", Metric.CARBON_INTENSITY: "energy_kwh"}


class HtmlReport:
    """The page's data, gathered one entry at a time (entries in findings.jsonl order)."""

    def __init__(self, *, packs: Sequence[tuple[str, str]], bands: Mapping[Metric, Band | None],
                 fail_on: FailOn) -> None:
        self._packs = {pack: Counter[str]() for pack, _ in packs}
        self._versions = dict(packs)
        self._pack_rules: dict[str, set[str]] = {pack: set() for pack, _ in packs}
        self._pack_failing: dict[str, set[str]] = {pack: set() for pack, _ in packs}
        self._bands, self._fail_on = bands, fail_on
        self._verdicts: Counter[str] = Counter()
        self._rows: list[dict[str, Any]] = []
        self._points: dict[Metric, list[dict[str, Any]]] = {m: [] for m in Metric}
        self._counts: Counter[Metric] = Counter()
        self._flagged: Counter[Metric] = Counter()

    def add(self, entry: Mapping[str, Any], flags: Mapping[Metric, Outlier]) -> None:
        self._verdicts[entry["verdict"]] += 1
        findings = entry["findings"]
        self._add_packs(findings)
        figures = entry.get("figures") or {}
        for metric in Metric:
            if metric.value in figures:
                self._add_point(metric, entry, figures, flags.get(metric))
        if len(self._rows) < MAX_ROWS:
            self._rows.append(_row(entry, figures, flags))

    def _add_packs(self, findings: Sequence[Mapping[str, Any]]) -> None:
        """Per pack, the verdict `check` would give the input with that pack alone: its own problems (load,
        schema, evidence) count for every pack, the rules' outcomes for the packs requiring them."""
        unreadable = any(f["rule"] == LOAD_RULE for f in findings)
        problems = any(f["policy"] == INPUT_POLICY and f["status"] == Status.ERROR for f in findings)
        worst: dict[str, str] = {}
        for f in findings:
            for pack in f["required_by"]:
                if pack not in self._packs:
                    continue
                self._pack_rules[pack].add(f["rule"])
                if f["status"] == Status.ERROR:
                    worst[pack] = "error"
                elif f["status"] == Status.FAIL and self._fail_on.blocks(Severity(f["severity"])):
                    self._pack_failing[pack].add(f["rule"])
                    worst.setdefault(pack, "fail")
        for pack, counts in self._packs.items():
            verdict = "error" if unreadable else worst.get(pack, "fail" if problems else "pass")
            counts[verdict] += 1

    def _add_point(self, metric: Metric, entry: Mapping[str, Any], figures: Mapping[str, Any],
                   flag: Outlier | None) -> None:
        self._counts[metric] += 1
        out = flag in (Outlier.HIGH, Outlier.LOW)
        self._flagged[metric] += out
        points = self._points[metric]
        point = {"f": entry["file"], "m": figures.get("model"), "x": figures.get(_AXES[metric]),
                 "y": figures[metric.value], "o": flag.value if flag else None}
        if len(points) < MAX_POINTS:
            points.append(point)
        elif out:  # an outlier takes the place of the last ordinary point
            ordinary = next((i for i in range(len(points) - 1, -1, -1) if points[i]["o"] not in ("high", "low")), None)
            if ordinary is not None:
                points[ordinary] = point

    def data(self, manifest: Mapping[str, Any], rules: Iterable[Sequence[Any]]) -> dict[str, Any]:
        """Everything the page shows, as plain JSON-ready data."""
        rule_rows = [_rule(dict(zip(RULES_COLUMNS, r))) for r in rules]
        failing_rules = {r["rule"] for r in rule_rows if r["fail"]}
        inputs = sum(self._verdicts.values())
        return {
            "openwatt_version": manifest.get("openwatt_version"),
            "as_of": manifest.get("as_of"),
            "ended_at": manifest.get("ended_at"),
            "fail_on": manifest.get("fail_on"),
            "sources": manifest.get("sources", []),
            "totals": {"inputs": inputs, "pass": self._verdicts["pass"], "fail": self._verdicts["fail"],
                       "error": self._verdicts["error"], "failing_rules": len(failing_rules)},
            "rules": rule_rows,
            "packs": [{"id": p, "version": self._versions[p], "pass": c["pass"], "fail": c["fail"],
                       "error": c["error"], "rules": len(self._pack_rules[p]),
                       "failing_rules": len(self._pack_failing[p])} for p, c in self._packs.items()],
            "inputs": self._rows,
            "min_cohort": MIN_COHORT,
            "cohort": {m.value: {"count": self._counts[m], "flagged": self._flagged[m],
                                 "band": _band(self._bands.get(m)), "points": self._points[m]} for m in Metric},
        }

    def write(self, path: Path, manifest: Mapping[str, Any], rules: Iterable[Sequence[Any]]) -> None:
        path.write_text(page(self.data(manifest, rules)), encoding="utf-8")


def _row(entry: Mapping[str, Any], figures: Mapping[str, Any], flags: Mapping[Metric, Outlier]) -> dict[str, Any]:
    statuses = Counter(f["status"] for f in entry["findings"])
    shown = [f for f in entry["findings"] if f["status"] in _SHOWN]
    return {"id": entry["id"], "file": entry["file"], "verdict": entry["verdict"], "model": figures.get("model"),
            "pass": statuses["pass"], "fail": statuses["fail"], "waived": statuses["waived"],
            "error": statuses["error"],
            **{m.value: figures.get(m.value) for m in Metric},
            "outliers": {m.value: flag.value for m, flag in flags.items()},
            "findings": [_finding(f) for f in shown[:MAX_FINDINGS]], "more": max(0, len(shown) - MAX_FINDINGS)}


def _finding(f: Mapping[str, Any]) -> dict[str, Any]:
    location = f.get("location") or {}
    line = location.get("line")
    place = f"{location.get('file') or f['file']}:{line}" if line else str(location.get("file") or f["file"])
    if location.get("path"):
        place += f" ({location['path']})"
    return {"rule": f["rule"], "status": f["status"], "severity": f["severity"], "message": f["message"],
            "place": place, "fix": f.get("fix") or ""}


def _rule(row: Mapping[str, Any]) -> dict[str, Any]:
    rate = row["pass_rate"]
    return {**{k: row[k] for k in ("rule", "params", "policy")},
            **{s.value: int(row[s.value]) for s in Status}, "pass_rate": float(rate) if rate else None}


def _band(band: Band | None) -> dict[str, float] | None:
    return None if band is None else {"median": band.median, "low": band.low, "high": band.high}


def embed(data: Any) -> str:
    """JSON for a `<script type="application/json">` element: `<`, `>` and `&` escaped, so that no string in it
    can end the element or open a comment, whatever an input's text holds."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page(data: Mapping[str, Any]) -> str:
    """The whole page: headline figures written in the markup, the rest drawn by the script from `data`."""
    totals = data["totals"]
    figures = "".join(
        f'<div class="figure {cls}" data-figure="{key}"><span class="value">{totals[key]}</span>'
        f'<span class="label">{label}</span></div>'
        for key, label, cls in (("inputs", "inputs", ""), ("pass", "passed", "pass"), ("fail", "failed", "fail"),
                                ("error", "errors", "error"), ("failing_rules", "distinct rules failing", "fail")))
    e = html.escape
    sources = ", ".join(str(s) for s in data["sources"])
    shown = len(data["inputs"])
    capped = (f'<p class="note" id="rows-note">Showing the first {shown} of {totals["inputs"]} inputs (by file); '
              f"every input is in summary.csv and findings.jsonl.</p>" if shown < totals["inputs"] else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>openwatt audit: {totals["inputs"]} inputs</title>
<style>{STYLE}</style>
</head>
<body>
<h1>openwatt audit</h1>
<p class="meta">{e(sources)} &middot; as of {e(str(data["as_of"]))} &middot; fail on {e(str(data["fail_on"]))}
 &middot; openwatt {e(str(data["openwatt_version"]))} &middot; finished {e(str(data["ended_at"]))}</p>
<div class="headline" id="headline">{figures}</div>

<h2>Pass rate per rule</h2>
<p class="note">Passed / (passed + failed + waived + error), worst first; a rule that applied to no input is left out.</p>
<div id="rules-chart"></div>

<h2>Per pack</h2>
<table id="packs"><thead><tr><th>pack</th><th>version</th><th class="num">inputs passing</th>
<th class="num">failing</th><th class="num">error</th><th class="num">rules</th><th class="num">rules failing</th>
</tr></thead><tbody></tbody></table>

<h2>Cohort</h2>
<p class="note">Each audited model's training energy per FLOP and grid carbon intensity (location-based) against
the rest of the audit. Red points lie far outside the cohort: |log10(x) &minus; median| &gt; max(3.5 &times; 1.4826
&times; MAD, 1), that is more than 3.5 robust standard deviations and more than a factor of 10 from the median.
A flag says "out of line with the rest": look at it, it may be right.</p>
<div class="plots">
<div class="plot"><h3>Energy per training FLOP</h3><div id="scatter-energy_per_flop"></div></div>
<div class="plot"><h3>Carbon intensity</h3><div id="scatter-carbon_intensity"></div></div>
</div>

<h2>Inputs</h2>
{capped}<div class="controls">
<input id="filter-text" type="search" placeholder="filter: file, id, model or rule" aria-label="filter">
<select id="filter-verdict" aria-label="verdict"><option value="">every verdict</option><option value="pass">pass</option>
<option value="fail">fail</option><option value="error">error</option><option value="outlier">cohort outliers</option></select>
<span class="note" id="filter-count"></span>
</div>
<table id="inputs"><thead></thead><tbody></tbody></table>
<p class="note">Click a column to sort. Each input lists its failing, erroneous and waived findings (at most
{MAX_FINDINGS}), each with its place and fix.</p>

<script type="application/json" id="audit-data">{embed(data)}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""
