"""The static parts of report.html: its style sheet and the small script that draws it from the embedded data.

Nothing here is fetched: the page has no link, no external script, style sheet or font. The script reads the
JSON of `<script type="application/json" id="audit-data">` and builds every element with `textContent` and
`createElementNS`, never with markup from the data, so no text of an input can become markup.
"""

from __future__ import annotations

__all__ = ["SCRIPT", "STYLE"]

STYLE = """
:root { --pass: #2e7d32; --fail: #c62828; --error: #6a1b9a; --muted: #666; --line: #ddd; --band: #e3f2fd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; padding: 16px 24px;
       max-width: 1240px; color: #222; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); }
.meta, .note { color: var(--muted); font-size: 12px; }
.headline { display: flex; gap: 12px; flex-wrap: wrap; margin: 14px 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 130px; }
.figure .value { font-size: 26px; font-weight: 600; display: block; }
.figure .label { color: var(--muted); font-size: 12px; }
.figure.pass .value { color: var(--pass); } .figure.fail .value { color: var(--fail); }
.figure.error .value { color: var(--error); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
#inputs th { cursor: pointer; user-select: none; white-space: nowrap; }
#inputs th[aria-sort="ascending"]::after { content: " \\25B2"; } #inputs th[aria-sort="descending"]::after { content: " \\25BC"; }
.verdict-pass { color: var(--pass); font-weight: 600; } .verdict-fail { color: var(--fail); font-weight: 600; }
.verdict-error { color: var(--error); font-weight: 600; }
.flag { background: #ffebee; color: var(--fail); border-radius: 3px; padding: 0 4px; font-size: 12px; }
.controls { display: flex; gap: 10px; margin: 8px 0; align-items: center; }
.controls input { width: 320px; padding: 4px 6px; }
details summary { cursor: pointer; color: #1565c0; }
details ul { margin: 4px 0; padding-left: 18px; } details li { margin-bottom: 6px; }
.place { font-family: ui-monospace, monospace; font-size: 12px; color: var(--muted); }
.fix { color: #1b5e20; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
svg .bar-pass { fill: var(--pass); } svg .bar-rest { fill: #eee; }
svg .point { fill: #1565c0; fill-opacity: 0.75; } svg .point.outlier { fill: var(--fail); fill-opacity: 1; }
svg .band { fill: var(--band); } svg .axis { stroke: #999; } svg .grid { stroke: #eee; }
.plots { display: flex; gap: 24px; flex-wrap: wrap; }
.plot { flex: 1 1 560px; }
"""

SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("audit-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function sig(x) {
    if (x === null || x === undefined || x === "") return "";
    var a = Math.abs(x);
    return (a !== 0 && (a >= 1e6 || a < 1e-3)) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
  }

  // ---- per-rule pass rates: one bar per rule and params, worst first ----
  function drawRules() {
    var box = document.getElementById("rules-chart");
    var rules = data.rules.filter(function (r) { return r.pass_rate !== null; });
    rules.sort(function (a, b) { return a.pass_rate - b.pass_rate || (a.rule < b.rule ? -1 : 1); });
    var row = 18, left = 380, width = 860, barw = width - left - 60;
    var chart = svg("svg", {width: width, height: rules.length * row + 24, role: "img",
                            "aria-label": "pass rate per rule"});
    rules.forEach(function (r, i) {
      var y = i * row + 4;
      var name = r.rule + (r.params ? " (" + r.params + ")" : "");
      var label = svg("text", {x: left - 6, y: y + 12, "text-anchor": "end"}, name.length > 60 ? name.slice(0, 59) + "\u2026" : name);
      label.appendChild(svg("title", {}, name));
      chart.appendChild(label);
      chart.appendChild(svg("rect", {"class": "bar-rest", x: left, y: y, width: barw, height: row - 5}));
      var bar = svg("rect", {"class": "bar bar-pass", x: left, y: y, width: Math.max(0, barw * r.pass_rate),
                             height: row - 5, "data-rule": r.rule});
      bar.appendChild(svg("title", {}, name + ": " + r.pass + " pass, " + r.fail + " fail, " + r.waived +
                                        " waived, " + r.error + " error"));
      chart.appendChild(bar);
      chart.appendChild(svg("text", {x: left + barw + 6, y: y + 12}, (100 * r.pass_rate).toFixed(1) + " %"));
    });
    box.appendChild(chart);
    if (!rules.length) box.appendChild(el("p", {"class": "note"}, "No rule applied to any input."));
    box.setAttribute("data-rendered", "true");
  }

  // ---- per-pack results ----
  function drawPacks() {
    var body = document.querySelector("#packs tbody");
    data.packs.forEach(function (p) {
      var tr = el("tr");
      tr.appendChild(el("td", {}, p.id));
      tr.appendChild(el("td", {}, p.version));
      ["pass", "fail", "error"].forEach(function (k) { tr.appendChild(el("td", {"class": "num"}, p[k])); });
      tr.appendChild(el("td", {"class": "num"}, p.rules));
      tr.appendChild(el("td", {"class": "num"}, p.failing_rules));
      body.appendChild(tr);
    });
  }

  // ---- the inputs: sortable, filterable, each with its findings ----
  var COLUMNS = [
    {key: "id", label: "input"}, {key: "verdict", label: "verdict"},
    {key: "pass", label: "pass", num: true}, {key: "fail", label: "fail", num: true},
    {key: "waived", label: "waived", num: true}, {key: "error", label: "error", num: true},
    {key: "energy_per_flop", label: "J/FLOP", num: true}, {key: "carbon_intensity", label: "gCO2e/kWh", num: true},
    {key: "findings", label: "findings", sortable: false}
  ];
  var sortKey = null, sortDir = 1;

  function findingsCell(input) {
    var td = el("td");
    if (!input.findings.length) { td.appendChild(el("span", {"class": "note"}, "none failing")); return td; }
    var details = el("details");
    details.appendChild(el("summary", {}, (input.findings.length + input.more) + " finding" + (input.findings.length + input.more === 1 ? "" : "s")));
    var ul = el("ul");
    input.findings.forEach(function (f) {
      var li = el("li", {"class": "finding"});
      li.appendChild(el("span", {"class": "verdict-" + (f.status === "waived" ? "pass" : f.status === "error" ? "error" : "fail")},
                        f.status + " "));
      li.appendChild(el("strong", {}, f.rule));
      li.appendChild(el("span", {"class": "note"}, " " + f.severity));
      li.appendChild(el("div", {"class": "place"}, f.place));
      li.appendChild(el("div", {}, f.message));
      if (f.fix) li.appendChild(el("div", {"class": "fix"}, "fix: " + f.fix));
      ul.appendChild(li);
    });
    if (input.more) ul.appendChild(el("li", {"class": "note"}, input.more + " more in findings.jsonl"));
    details.appendChild(ul);
    td.appendChild(details);
    return td;
  }

  function inputRow(input) {
    var tr = el("tr", {"data-verdict": input.verdict});
    var name = el("td", {title: input.file});
    name.appendChild(el("div", {}, input.id));
    if (input.model) name.appendChild(el("div", {"class": "note"}, input.model));
    tr.appendChild(name);
    tr.appendChild(el("td", {"class": "verdict-" + input.verdict}, input.verdict));
    ["pass", "fail", "waived", "error"].forEach(function (k) { tr.appendChild(el("td", {"class": "num"}, input[k])); });
    ["energy_per_flop", "carbon_intensity"].forEach(function (k) {
      var td = el("td", {"class": "num"}, sig(input[k]));
      var flag = input.outliers[k];
      if (flag === "high" || flag === "low") td.appendChild(el("span", {"class": "flag", title: "far outside the cohort"}, " " + flag));
      tr.appendChild(td);
    });
    tr.appendChild(findingsCell(input));
    tr.haystack = (input.id + " " + input.file + " " + (input.model || "") + " " +
                   input.findings.map(function (f) { return f.rule; }).join(" ")).toLowerCase();
    tr.input = input;
    return tr;
  }

  function drawInputs() {
    var table = document.getElementById("inputs");
    var head = el("tr");
    COLUMNS.forEach(function (c) {
      var th = el("th", {"class": c.num ? "num" : "", "data-key": c.key}, c.label);
      if (c.sortable !== false) th.addEventListener("click", function () { sortBy(c.key, th); });
      head.appendChild(th);
    });
    table.querySelector("thead").appendChild(head);
    var body = table.querySelector("tbody");
    data.inputs.forEach(function (input) { body.appendChild(inputRow(input)); });
    document.getElementById("filter-text").addEventListener("input", applyFilter);
    document.getElementById("filter-verdict").addEventListener("change", applyFilter);
    applyFilter();
  }

  function value(input, key) {
    var v = input[key];
    return (v === undefined || v === null) ? null : v;
  }

  function sortBy(key, th) {
    sortDir = sortKey === key ? -sortDir : 1;
    sortKey = key;
    document.querySelectorAll("#inputs th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
    var body = document.querySelector("#inputs tbody");
    var rows = Array.prototype.slice.call(body.children);
    rows.sort(function (a, b) {
      var x = value(a.input, key), y = value(b.input, key);
      if (x === y) return 0;
      if (x === null) return 1;  // rows without the figure last, either way
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sortDir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function applyFilter() {
    var text = document.getElementById("filter-text").value.trim().toLowerCase();
    var verdict = document.getElementById("filter-verdict").value;
    var shown = 0;
    document.querySelectorAll("#inputs tbody tr").forEach(function (tr) {
      var ok = (!verdict || tr.input.verdict === verdict || (verdict === "outlier" && Object.keys(tr.input.outliers).some(
                  function (k) { return tr.input.outliers[k] !== "no"; }))) && (!text || tr.haystack.indexOf(text) >= 0);
      tr.hidden = !ok;
      shown += ok ? 1 : 0;
    });
    document.getElementById("filter-count").textContent = shown + " of " + data.inputs.length + " rows";
  }

  // ---- the cohort: log-log scatter plots with the band of ordinary values ----
  function drawScatter(metric) {
    var c = data.cohort[metric.key], box = document.getElementById("scatter-" + metric.key);
    var pts = c.points.filter(function (p) { return p.x > 0 && p.y > 0; });
    var W = 580, H = 360, L = 70, R = 16, T = 14, B = 44;
    var chart = svg("svg", {width: W, height: H, role: "img", "aria-label": metric.title, "class": "scatter",
                            "data-metric": metric.key});
    if (!pts.length) {
      box.appendChild(el("p", {"class": "note"}, "No audited input gives the figures for this plot."));
      box.setAttribute("data-rendered", "true");
      return;
    }
    function range(vals) {
      var lo = Math.floor(Math.log10(Math.min.apply(null, vals))), hi = Math.ceil(Math.log10(Math.max.apply(null, vals)));
      return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
    }
    var ys = pts.map(function (p) { return p.y; });
    if (c.band) ys.push(c.band.low, c.band.high);
    var xr = range(pts.map(function (p) { return p.x; })), yr = range(ys);
    function sx(v) { return L + (Math.log10(v) - xr[0]) / (xr[1] - xr[0]) * (W - L - R); }
    function sy(v) { return H - B - (Math.log10(v) - yr[0]) / (yr[1] - yr[0]) * (H - T - B); }
    if (c.band) {
      var top = Math.max(T, sy(c.band.high)), bottom = Math.min(H - B, sy(c.band.low));
      chart.appendChild(svg("rect", {"class": "band", x: L, y: top, width: W - L - R, height: Math.max(0, bottom - top)}));
      chart.appendChild(svg("line", {"class": "axis", x1: L, x2: W - R, y1: sy(c.band.median), y2: sy(c.band.median),
                                     "stroke-dasharray": "4 3"}));
    }
    for (var e = xr[0]; e <= xr[1]; e++) {
      chart.appendChild(svg("line", {"class": "grid", x1: sx(Math.pow(10, e)), x2: sx(Math.pow(10, e)), y1: T, y2: H - B}));
      chart.appendChild(svg("text", {x: sx(Math.pow(10, e)), y: H - B + 14, "text-anchor": "middle"}, "1e" + e));
    }
    for (var f = yr[0]; f <= yr[1]; f++) {
      chart.appendChild(svg("line", {"class": "grid", x1: L, x2: W - R, y1: sy(Math.pow(10, f)), y2: sy(Math.pow(10, f))}));
      chart.appendChild(svg("text", {x: L - 6, y: sy(Math.pow(10, f)) + 4, "text-anchor": "end"}, "1e" + f));
    }
    chart.appendChild(svg("line", {"class": "axis", x1: L, x2: L, y1: T, y2: H - B}));
    chart.appendChild(svg("line", {"class": "axis", x1: L, x2: W - R, y1: H - B, y2: H - B}));
    chart.appendChild(svg("text", {x: (L + W - R) / 2, y: H - 8, "text-anchor": "middle"}, metric.x));
    chart.appendChild(svg("text", {x: 14, y: (T + H - B) / 2, "text-anchor": "middle",
                                   transform: "rotate(-90 14 " + (T + H - B) / 2 + ")"}, metric.y));
    pts.forEach(function (p) {
      var out = p.o === "high" || p.o === "low";
      var dot = svg("circle", {"class": "point" + (out ? " outlier" : ""), cx: sx(p.x), cy: sy(p.y), r: out ? 5 : 3.5,
                               "data-file": p.f, "data-flag": p.o || ""});
      dot.appendChild(svg("title", {}, (p.m || p.f) + ": " + sig(p.y) + " " + metric.unit + (out ? " (" + p.o + ", far outside the cohort)" : "")));
      chart.appendChild(dot);
      if (out) {
        var right = sx(p.x) > W / 2;  // label on the side with room
        chart.appendChild(svg("text", {"class": "outlier-label", x: sx(p.x) + (right ? -8 : 8), y: sy(p.y) + 4,
                                       "text-anchor": right ? "end" : "start"}, p.m || p.f));
      }
    });
    box.appendChild(chart);
    var note = c.band ? (c.count + " inputs; median " + sig(c.band.median) + " " + metric.unit + "; ordinary band " +
                         sig(c.band.low) + " to " + sig(c.band.high) + " (shaded); " + c.flagged + " flagged")
                      : (c.count + " inputs give this figure: too few to judge (at least " + data.min_cohort + ")");
    if (c.points.length < c.count) note += "; " + c.points.length + " points drawn";
    box.appendChild(el("p", {"class": "note"}, note));
    box.setAttribute("data-rendered", "true");
  }

  drawRules();
  drawPacks();
  drawInputs();
  drawScatter({key: "energy_per_flop", title: "energy per training FLOP", x: "training compute (FLOP)",
               y: "energy per FLOP (J/FLOP)", unit: "J/FLOP"});
  drawScatter({key: "carbon_intensity", title: "carbon intensity", x: "training energy (kWh)",
               y: "carbon intensity (gCO2e/kWh)", unit: "gCO2e/kWh"});
  document.body.setAttribute("data-rendered", "true");
})();
"""
