"""The one configuration object: policies from a search path, documents with limits, a check -> Report."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .documents.discovery import discover
from .documents.importers.detection import load_any
from .documents.source import DEFAULT_LIMITS, Document, DocumentError, Limits
from .documents.validation import validate
from .evaluation import document_scope, evaluate
from .findings import (EVIDENCE_RULE, INPUT_POLICY, LOAD_RULE, SCHEMA_RULE, Finding, InputRole, InputSource,
                       Location, PolicySource, Provenance, Report)
from .language.loader import PolicyLoader, is_policy_path
from .language.policy import CompiledPolicy
from .values.paths import format_path
from .values.verdicts import Reason, Severity, Status
from .waivers import Waiver

DEFAULT_POLICY = "recommended"
from . import __version__ as VERSION


class Engine:
    """Policies compiled once, then applied to any number of documents.

    `search_path`: folders where `import` and policy ids are looked up, before the shipped packs.
    `params`: NAME -> VALUE as written on the command line (--set); `config_params`: typed values
    from openwatt.toml. Both apply to every policy in a tree that declares the param.
    """

    def __init__(self, *, search_path: Sequence[Path | str] = (), params: Mapping[str, str] | None = None,
                 config_params: Mapping[str, Any] | None = None, limits: Limits = DEFAULT_LIMITS) -> None:
        self.search_path = tuple(Path(p) for p in search_path)
        self.params, self.config_params = dict(params or {}), dict(config_params or {})
        self.limits = limits

    def _loader(self) -> PolicyLoader:
        return PolicyLoader(self.search_path, self.params, self.config_params)

    def policy(self, ref: str | Path) -> CompiledPolicy:
        """Compile a policy named by file path (`grant.policy`) or by id (`recommended`).
        Raises PolicyErrors, every error at once."""
        if is_policy_path(ref):
            return self._loader().load(Path(ref))
        return self._loader().load_id(str(ref))

    def policies(self, refs: Iterable[str | Path]) -> list[CompiledPolicy]:
        """Each policy once, in the order first named (`-p x -p x` checks x once)."""
        compiled: dict[tuple[str, str], CompiledPolicy] = {}
        for ref in refs:
            policy = self.policy(ref)
            compiled.setdefault((policy.id, os.path.realpath(policy.file)), policy)
        return list(compiled.values())

    def check(self, paths: Sequence[str | os.PathLike[str]], policies: Sequence[CompiledPolicy], *,
              waivers: Sequence[Waiver] = (), as_of: dt.date | None = None,
              fail_on: Severity | None = Severity.ERROR, generated_at: str | None = None,
              input_format: str | None = None) -> Report:
        """Every document found under `paths` checked against every policy. A file that cannot be read
        or does not fit the schema gets error findings; the others are checked all the same.
        Model cards, MOT files and CodeCarbon logs are imported (`input_format` forces one format);
        evidence files a disclosure references are merged in, and their conflicts are findings."""
        as_of = as_of or dt.date.today()
        findings: list[Finding] = []
        inputs: list[InputSource] = []
        files, missing = _files(paths)
        for error in missing:
            findings.append(_load_finding(error))
            inputs.append(InputSource(error.file, ""))
        for path in files:
            try:
                document = load_any(path, limits=self.limits, input_format=input_format)
            except DocumentError as error:
                findings.append(_load_finding(error))
                inputs.append(InputSource(os.fspath(path), ""))
                continue
            inputs.append(InputSource(document.file, document.digest))
            document, evidence, evidence_inputs = self._with_evidence(document)
            inputs.extend(evidence_inputs)
            findings.extend(evidence)
            findings.extend(check_document(document, policies, waivers=waivers, as_of=as_of))
        sources = {(s.id, s.file): PolicySource(s.id, s.version, s.file, s.sha256)
                   for p in policies for s in p.sources}
        provenance = Provenance(VERSION, generated_at or _now(), as_of.isoformat(), fail_on,
                                tuple(sorted(sources.values(), key=lambda s: (s.id, s.file))),
                                tuple(sorted(inputs, key=lambda i: i.file)))
        return Report(tuple(findings), provenance)


    def _with_evidence(self, document: Document) -> tuple[Document, list[Finding], list[InputSource]]:
        """The document with its evidence files merged in, the conflicts and problems as findings, and
        the evidence files read (their digests go into the report's provenance)."""
        from .documents.importers.evidence import merge_evidence  # only disclosures that cite evidence need it

        read: list[InputSource] = []

        def load(file: str) -> Document:
            evidence = load_any(file, limits=self.limits)
            read.append(InputSource(evidence.file, evidence.digest, InputRole.EVIDENCE))
            return evidence
        merged, issues = merge_evidence(document, load)
        return merged, [_evidence_finding(merged, issue) for issue in issues], read


def check_document(document: Document, policies: Sequence[CompiledPolicy], *, waivers: Sequence[Waiver] = (),
                   as_of: dt.date) -> list[Finding]:
    """Schema problems and every policy's findings for one loaded document."""
    findings = [_schema_finding(document, problem) for problem in validate(document)]
    scope = document_scope(document, as_of)  # a rule several policies import is judged once
    for policy in policies:
        findings.extend(evaluate(policy, document, waivers=waivers, as_of=as_of, scope=scope))
    return findings


def _files(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Path], list[DocumentError]]:
    """Every file to check, each once (a file named twice, or named and inside a named folder, is
    checked once, under the name it was first met by), and the paths that are not there."""
    files: dict[str, Path] = {}
    missing: list[DocumentError] = []
    for path in paths:
        try:
            for file in discover([path]):
                files.setdefault(os.path.realpath(file), file)
        except DocumentError as error:
            missing.append(error)
    return list(files.values()), missing


def _now() -> str:
    """The report time: SOURCE_DATE_EPOCH when set (reproducible builds), else now, to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit() else None
    except (OverflowError, OSError, ValueError):  # past year 9999, or too many digits: the time now
        when = None
    when = when or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return when.isoformat().replace("+00:00", "Z")


def _input_finding(file: str, rule: str, title: str, line: int, column: int, path: str, message: str,
                   hint: str | None) -> Finding:
    return Finding(file, INPUT_POLICY, VERSION, rule, title, Status.ERROR, Severity.ERROR, Reason.INVALID_INPUT,
                   message, message, (), Location(file, line, column, path), "", hint or "")


def _load_finding(error: DocumentError) -> Finding:
    return _input_finding(error.file, LOAD_RULE, "The file can be read as a disclosure", error.line, error.column,
                          "", error.message, error.hint)


def _evidence_finding(document: Document, issue: Any) -> Finding:
    """A Conflict (the disclosure contradicts its evidence) or an EvidenceProblem (unusable evidence)."""
    from .documents.importers.evidence import Conflict

    title = "Stated figures agree with their evidence files"
    path = format_path(issue.path)
    if isinstance(issue, Conflict):  # a failure of the disclosure, not of its reading
        line, column, _ = document.locate(issue.path)
        return Finding(document.file, INPUT_POLICY, VERSION, EVIDENCE_RULE, title, Status.FAIL, Severity.ERROR,
                       Reason.VIOLATED, issue.message, issue.message,
                       ((path, str(issue.stated)), (issue.evidence_file, str(issue.evidenced))),
                       Location(document.file, line, column, path), "", issue.hint)
    return _input_finding(document.file, EVIDENCE_RULE, title, issue.line, issue.column, path, issue.message,
                          issue.hint)


def _schema_finding(document: Document, problem: Any) -> Finding:
    return _input_finding(document.file, SCHEMA_RULE, "The disclosure fits the openwatt disclosure schema",
                          problem.line, problem.column, format_path(problem.path) if problem.path else "",
                          problem.message, problem.hint)
