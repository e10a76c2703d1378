"""The JUnit XML view of a report, for the test tabs of GitLab, Jenkins and other CI servers.

One `testsuite` per input and policy (`samples/x.yaml [osaid-1.0]`: the policy that defines the rules; the
input's own problems under `openwatt`), one `testcase` per finding (a rule with its params, or a problem of the
input):
a failure is `<failure>`, an error `<error>`, a rule that did not apply or a waived failure `<skipped>`
with the reason. The layout follows the Apache Ant JUnit schema (the strictest published one, which
GitLab's and Jenkins' readers accept): `properties`, `system-out` and `system-err` on every suite, times of
0 (a check is not timed), the host `localhost` (a report does not record where it ran). A report of a
check that could not run is one suite with one errored testcase.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..findings import Finding, Report, by_file
from ..values.verdicts import Status
from . import RenderOptions

HOSTNAME = "localhost"  # what the schema asks for when the host is not known
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # characters XML 1.0 forbids


def render(report: Report, options: RenderOptions = RenderOptions()) -> str:
    """The report as a `<testsuites>` document; `options` do not apply (every finding is a testcase)."""
    root = ET.Element("testsuites")
    timestamp = report.provenance.generated_at.removesuffix("Z")[:19]
    if report.errors:
        suite = _suite(root, name="openwatt", index=0, timestamp=timestamp, report=report)
        case = ET.SubElement(suite, "testcase", name="check", classname="openwatt", time="0")
        text = "\n".join(e.text + (f"\nhint: {e.hint}" if e.hint else "") for e in report.errors)
        error = ET.SubElement(case, "error", message=_clean(f"the check could not run: {report.errors[0].text}"),
                              type="policy-error")
        error.text = _clean(text)
        _counts(suite, [], errored=1)
        _close(suite)
    groups = by_file(report.findings)
    verdicts = {v.file: v.verdict.value for v in report.verdicts}
    index = 0
    for file in report.files:
        by_policy: dict[str, list[Finding]] = {}
        for f in groups.get(file, []):
            by_policy.setdefault(f.policy, []).append(f)
        for policy, findings in by_policy.items() or [("", [])]:
            suite = _suite(root, name=f"{file} [{policy}]" if policy else file, index=index, timestamp=timestamp,
                           report=report, verdict=verdicts[file])
            index += 1
            for f in findings:
                _testcase(suite, f)
            _counts(suite, findings)
            _close(suite)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(root: ET.Element, *, name: str, index: int, timestamp: str, report: Report,
           verdict: str = "error") -> ET.Element:
    suite = ET.SubElement(root, "testsuite", name=_clean(name) or "-", package="openwatt", id=str(index),
                          timestamp=timestamp, hostname=HOSTNAME)
    properties = ET.SubElement(suite, "properties")
    provenance = report.provenance
    for key, value in (("verdict", verdict), ("as_of", provenance.as_of), ("fail_on", provenance.fail_on.value),
                       ("openwatt_version", provenance.openwatt_version)):
        ET.SubElement(properties, "property", name=key, value=value)
    return suite


def _testcase(suite: ET.Element, f: Finding) -> None:
    params = ", ".join(f"{name}={value}" for name, value in f.params)
    name = f"{f.rule} [{params}]" if params else f.rule
    case = ET.SubElement(suite, "testcase", name=_clean(name), classname=f.policy, time="0")
    place = f"{f.location.file}:{f.location.line}:{f.location.column}"
    if f.status is Status.FAIL:
        failure = ET.SubElement(case, "failure", message=_clean(f.message), type=f.severity.value)
        failure.text = _clean(_body(f, place))
    elif f.status is Status.ERROR:
        error = ET.SubElement(case, "error", message=_clean(f.message),
                              type=f.reason.value if f.reason else "error")
        error.text = _clean(_body(f, place))
    elif f.status is Status.WAIVED:
        ET.SubElement(case, "skipped", message=_clean(f"waived: {f.waiver or f.message}"))
    elif f.status is Status.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", message="not applicable: the rule's condition does not hold")


def _body(f: Finding, place: str) -> str:
    lines = [f"{place}: {f.title}" if f.title else place, f.message]
    if f.detail and f.detail != f.message:
        lines.append(f.detail)
    lines += [f"{path} = {value}" for path, value in f.values]
    if f.fix:
        lines.append(f"fix: {f.fix}")
    if f.cite:
        lines.append(f"source: {f.cite}")
    return "\n".join(lines)


def _counts(suite: ET.Element, findings: list[Finding], errored: int = 0) -> None:
    statuses = [f.status for f in findings]
    suite.set("tests", str(len(findings) + errored))
    suite.set("failures", str(statuses.count(Status.FAIL)))
    suite.set("errors", str(statuses.count(Status.ERROR) + errored))
    suite.set("skipped", str(statuses.count(Status.WAIVED) + statuses.count(Status.NOT_APPLICABLE)))
    suite.set("time", "0")


def _close(suite: ET.Element) -> None:
    ET.SubElement(suite, "system-out")
    ET.SubElement(suite, "system-err")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
