"""report.html: the data embedded safely, the caps, and the page as headless Chromium draws it (figures, the
per-rule chart, the cohort plots with their outlier, a screenshot)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from openwatt.audit import report_html
from openwatt.audit.cohort import Metric, Outlier
from openwatt.audit.report_html import HtmlReport, embed, page
from openwatt.cli.main import main
from openwatt.values.verdicts import FailOn

REAL = Path(__file__).resolve().parents[2] / "samples" / "real"
HOSTILE = "x</script><img src=x onerror=\"document.title='pwned'\"><!--"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = ("no Chromium found (looked for chromium, chromium-browser, google-chrome): install Debian's package "
           "with `apt-get install -y --no-install-recommends chromium` (.ci/run does so when it runs as root)")


class _Dom(HTMLParser):
    """The elements of a page, each as (tag, attributes), and the text of each element with an id."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: dict[str, str] = {}
        self._open: list[str | None] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.elements.append((tag, found))
        if tag not in ("meta", "input", "br", "img", "link"):
            self._open.append(found.get("id"))
            if found.get("id"):
                self.text[found["id"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for name in self._open:
            if name:
                self.text[name] += data

    def having(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k.replace("_", "-")) == v
                                                                for k, v in attrs.items())]


def _audit(tmp_path: Path, *extra: str) -> Path:
    """samples/real and one hostile disclosure audited into tmp_path/out."""
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    (hostile / "evil<img src=x onerror=alert(1)>.yaml").write_text(
        f"openwatt: '1.0'\nmodel:\n  id: {json.dumps(HOSTILE)}\n  name: {json.dumps(HOSTILE)}\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["audit", str(REAL), str(hostile), "-p", "energy-transparency", "-p", "mof", "--out", str(out),
                 "--as-of", "2026-01-01", *extra])
    assert code == 1
    return out


# ---- without a browser -----------------------------------------------------------------------------------------


def test_embedded_json_cannot_close_its_element() -> None:
    data = {"text": HOSTILE, "amp": "a & b", "unicode": "Île-de-France \u2028"}
    text = embed(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data


def test_no_text_of_an_input_becomes_markup(tmp_path: Path) -> None:
    out = _audit(tmp_path)
    text = (out / "report.html").read_text(encoding="utf-8")
    assert text.count("</script>") == 2  # the data's element and the script's, nothing an input wrote
    assert "<img" not in text and "<!--" not in text
    assert re.search(r"https?://", text.split('<script type="application/json"')[0]) is None  # nothing fetched
    assert "<link" not in text and "<img" not in text and "@import" not in text and "url(" not in text
    data = json.loads(_Dom(text).text["audit-data"])
    [row] = [r for r in data["inputs"] if r["model"] == HOSTILE]
    assert row["file"].endswith("evil<img src=x onerror=alert(1)>.yaml")


def test_the_data_of_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _audit(tmp_path)
    data = json.loads(_Dom((out / "report.html").read_text(encoding="utf-8")).text["audit-data"])
    summary = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert data["totals"] == {"inputs": 15, "pass": 0, "fail": 15, "error": 0,
                              "failing_rules": len({r["rule"] for r in csv.DictReader((out / "rules.csv").open())
                                                    if r["fail"] != "0"})}
    assert [p["id"] for p in data["packs"]] == ["energy-transparency", "mof"]
    capsys.readouterr()
    for pack in data["packs"]:  # as `check` judges the inputs with that pack alone
        main(["check", str(REAL), str(tmp_path / "hostile"), "-p", pack["id"], "--format", "json",
              "--as-of", "2026-01-01", "--input-waivers", "report"])
        verdicts = [v["verdict"] for v in json.loads(capsys.readouterr().out)["verdicts"]]
        assert {k: pack[k] for k in ("pass", "fail", "error")} == {k: verdicts.count(k) for k in ("pass", "fail", "error")}
    assert [(p["pass"], p["fail"]) for p in data["packs"]] == [(4, 11), (1, 14)]
    intensity = data["cohort"]["carbon_intensity"]
    assert (intensity["count"], intensity["flagged"], len(intensity["points"])) == (9, 1, 9)
    [flagged] = [p for p in intensity["points"] if p["o"] == "low"]
    assert flagged["m"] == "meta-llama/Llama-3.3-70B-Instruct" and flagged["x"] == 4900000.0
    by_file = {r["file"]: r for r in summary}
    assert by_file[flagged["f"]]["carbon_intensity_outlier"] == "low"
    assert by_file[flagged["f"]]["carbon_intensity"] == "2.63265"
    llama = next(r for r in data["inputs"] if r["file"] == flagged["f"])
    assert llama["outliers"] == {"carbon_intensity": "low"}  # no energy per FLOP: that one is not judged
    failing = llama["findings"][0]
    assert set(failing) == {"rule", "status", "severity", "message", "place", "fix"}
    assert re.fullmatch(r".+\.yaml:\d+( \(.+\))?", failing["place"]), failing["place"]
    assert all(f["status"] in ("fail", "error", "waived") for r in data["inputs"] for f in r["findings"])


def test_the_caps_say_what_they_leave_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_html, "MAX_ROWS", 3)
    monkeypatch.setattr(report_html, "MAX_FINDINGS", 2)
    monkeypatch.setattr(report_html, "MAX_POINTS", 2)
    report = HtmlReport(packs=[("p", "1.0")], bands={}, fail_on=FailOn.ERROR)
    finding = {"file": "f", "policy": "p", "rule": "p/r", "status": "fail", "severity": "error", "message": "m",
               "location": {"file": "f", "line": 3, "column": 1, "path": "model"}, "fix": "do", "required_by": ["p"]}
    for i in range(5):
        flag = {Metric.CARBON_INTENSITY: Outlier.HIGH if i == 4 else Outlier.NO}
        report.add({"id": str(i), "file": f"f{i}", "verdict": "fail", "findings": [finding] * 3,
                    "figures": {"carbon_intensity": 400.0 + i, "energy_kwh": 1.0}}, flag)
    data = report.data({"sources": ["in"]}, [])
    assert len(data["inputs"]) == 3 and data["totals"]["inputs"] == 5
    assert [len(r["findings"]) for r in data["inputs"]] == [2, 2, 2] and data["inputs"][0]["more"] == 1
    assert data["inputs"][0]["findings"][0]["place"] == "f:3 (model)"
    points = data["cohort"]["carbon_intensity"]["points"]
    assert [p["f"] for p in points] == ["f0", "f4"]  # the outlier kept in the place of an ordinary point
    assert data["packs"] == [{"id": "p", "version": "1.0", "pass": 0, "fail": 5, "error": 0, "rules": 1,
                              "failing_rules": 1}]
    text = page(data)
    assert "Showing the first 3 of 5 inputs (by file); every input is in summary.csv and findings.jsonl." in text


def test_a_resumed_audit_writes_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    out = _audit(tmp_path)
    first = (out / "report.html").read_bytes()
    assert main(["audit", str(REAL), str(tmp_path / "hostile"), "-p", "energy-transparency", "-p", "mof",
                 "--out", str(out), "--as-of", "2026-01-01", "--resume"]) == 1
    assert (out / "report.html").read_bytes() == first


def test_jobs_2_writes_the_bytes_of_jobs_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    pages = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        main(["audit", str(REAL), "-p", "energy-transparency", "--out", str(out), "--jobs", jobs])
        pages.append((out / "report.html").read_bytes())
    assert pages[0] == pages[1]


# ---- in headless Chromium --------------------------------------------------------------------------------------


def _browser() -> str:
    found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    if found is None:
        pytest.skip(INSTALL)
    return found


def _chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--user-data-dir={profile}", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "HOME": str(profile)})


def test_without_chromium_the_test_skips_saying_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install -y --no-install-recommends chromium"):
        _browser()


def test_chromium_draws_the_report(tmp_path: Path) -> None:
    browser = _browser()
    out = _audit(tmp_path)
    url = (out / "report.html").resolve().as_uri()
    result = _chromium(browser, tmp_path / "profile", "--dump-dom", url)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = _Dom(result.stdout)
    assert dom.having("body", data_rendered="true"), "the script did not run to its end"

    totals = {a["data-figure"]: a for a in dom.having("div") if "data-figure" in a}
    assert set(totals) == {"inputs", "pass", "fail", "error", "failing_rules"}
    assert "15inputs" in dom.text["headline"].replace(" ", "") and "0passed" in dom.text["headline"]

    rules = [r for r in csv.DictReader((out / "rules.csv").open(encoding="utf-8")) if r["pass_rate"]]
    assert dom.having("div", id="rules-chart", data_rendered="true")
    bars = [a for t, a in dom.elements if t == "rect" and a.get("class") == "bar bar-pass"]
    assert len(bars) == len(rules) > 30
    assert {b["data-rule"] for b in bars} == {r["rule"] for r in rules}

    for metric, count in (("energy_per_flop", 3), ("carbon_intensity", 9)):
        assert dom.having("div", id=f"scatter-{metric}", data_rendered="true")
    points = [a for t, a in dom.elements if t == "circle" and "point" in a.get("class", "")]
    assert len(points) == 3 + 9
    [outlier] = [p for p in points if p["data-flag"] in ("high", "low")]
    assert outlier["class"] == "point outlier" and outlier["data-flag"] == "low"
    assert outlier["data-file"].endswith("llama-3.3-70b-card.yaml")
    assert "meta-llama/Llama-3.3-70B-Instruct" in dom.text["scatter-carbon_intensity"]
    assert "9 inputs; median 423.4 gCO2e/kWh; ordinary band 42.34 to 4234 (shaded); 1 flagged" in \
        dom.text["scatter-carbon_intensity"]

    rows = [a for t, a in dom.elements if t == "tr" and "data-verdict" in a]
    assert len(rows) == 15
    assert "15 of 15 rows" == dom.text["filter-count"]
    # the hostile input's text is text: no element came of it, and the script was not stopped by it
    assert not dom.having("img") and "pwned" not in result.stdout.split("<title>")[1].split("</title>")[0]
    assert HOSTILE.replace("<", "&lt;").replace(">", "&gt;")[:30] in result.stdout

    shot = tmp_path / "report.png"
    result = _chromium(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000", url)
    assert result.returncode == 0, result.stderr[-2000:]
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 50_000  # a drawn page, not a blank one
