"""ONE input -> its findings: the single pipeline that `check`, `policy test` and `audit` all call.

`check_input` opens any supported input (a disclosure in YAML or JSON, a Hugging Face model card, a MOT
file, a CodeCarbon log, or a document already in memory such as a policy test's inline disclosure),
merges the evidence files it cites, validates it against the disclosure schema, reads its waivers once
and evaluates every applied policy, one finding per judgement. An input that cannot be read is one
`openwatt/load` finding; nothing here raises for a bad input.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from .documents.importers.detection import load_any
from .documents.problems import Problem, ProblemKind
from .documents.source import DEFAULT_LIMITS, Document, DocumentError, Limits
from .documents.validation import validate
from .evaluation import AppliedPolicies, evaluate
from .findings import Finding, InputRole, InputSource
from .waivers import InputWaivers, Waiver

__all__ = ["InputOptions", "InputResult", "OpenedInput", "check_input", "open_input"]

Source = str | os.PathLike[str] | Document


@dataclass(frozen=True, slots=True, kw_only=True)
class InputOptions:
    """How every input of a check is read and judged."""

    as_of: dt.date  # the date waivers' expiry and `today` are judged against
    waivers: tuple[Waiver, ...] = ()  # from waivers files, beside each input's own
    input_waivers: InputWaivers = InputWaivers.APPLY  # what the waivers written in each input do
    limits: Limits = DEFAULT_LIMITS
    input_format: str | None = None  # one of INPUT_FORMATS; None: detected per file


@dataclass(frozen=True, slots=True, kw_only=True)
class InputResult:
    """What one input gave: its findings, the problems among them (load, schema, evidence), and the files
    read for it with their digests (the input first, then its evidence files)."""

    file: str
    findings: tuple[Finding, ...]
    problems: tuple[Problem, ...]
    sources: tuple[InputSource, ...]
    document: Document | None = None  # as the policies saw it (evidence merged); None when it could not be read

    @property
    def unreadable(self) -> Problem | None:
        """The load problem of an input that could not be read at all, else None."""
        return next((p for p in self.problems if p.kind is ProblemKind.LOAD), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenedInput:
    """An input as the policies see it: the document with its evidence merged, its problems (evidence,
    schema) and the files read for it (the input first, then its evidence files)."""

    document: Document
    problems: tuple[Problem, ...]
    sources: tuple[InputSource, ...]


def open_input(source: Source, options: InputOptions) -> OpenedInput:
    """One input loaded (any format), its evidence merged and the result validated: what `check_input`
    evaluates, and what `openwatt explain` evaluates a rule's parts on. Raises DocumentError when the
    input cannot be read at all."""
    if isinstance(source, Document):
        document = source
    else:
        document = load_any(source, limits=options.limits, input_format=options.input_format)
    document, problems, evidence = _with_evidence(document, options.limits)
    problems.extend(validate(document))
    return OpenedInput(document=document, problems=tuple(problems),
                       sources=(InputSource(document.file, document.digest), *evidence))


def check_input(source: Source, applied: AppliedPolicies, options: InputOptions) -> InputResult:
    """Every finding of one input under the applied policies (see the module docstring)."""
    try:
        opened = open_input(source, options)
    except DocumentError as error:
        problem = error.problem
        return InputResult(file=problem.file, findings=(Finding.from_problem(problem),), problems=(problem,),
                           sources=(InputSource(problem.file, ""),))
    findings = [Finding.from_problem(p) for p in opened.problems]
    findings.extend(evaluate(applied, opened.document, waivers=options.waivers, as_of=options.as_of,
                             input_waivers=options.input_waivers))
    return InputResult(file=opened.document.file, findings=tuple(findings), problems=opened.problems,
                       sources=opened.sources, document=opened.document)


def _with_evidence(document: Document, limits: Limits) -> tuple[Document, list[Problem], list[InputSource]]:
    """The document with its evidence files merged in, the conflicts and unusable evidence as problems,
    and the evidence files read (their digests go into the report's provenance)."""
    from .documents.importers.evidence import merge_evidence  # only disclosures that cite evidence need it

    read: list[InputSource] = []

    def load(file: str) -> Document:
        evidence = load_any(file, limits=limits)
        read.append(InputSource(evidence.file, evidence.digest, InputRole.EVIDENCE))
        return evidence
    merged, problems = merge_evidence(document, load)
    return merged, problems, read

