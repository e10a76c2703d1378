"""Running policy tests: test files found on disk, each case checked, the asserted statuses gathered
into rule coverage; `run_tests` returns a TestReport. Nothing here prints."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checking import Engine
from ..documents.loading import Expected, parse_document
from ..documents.problems import Problem, ProblemKind
from ..documents.source import Document, DocumentError, Format
from ..evaluation import AppliedPolicies
from ..findings import SCHEMA_RULE
from ..inputs import InputOptions, check_input
from ..language.ast import Span
from ..language.loader import is_policy_path
from ..language.errors import PolicyError, PolicyErrors, did_you_mean, render_error
from ..language.loader import POLICY_SUFFIX, PolicyLoader, display
from ..language.params import literal
from ..language.policy import CompiledPolicy
from ..values.verdicts import Reason, Status
from .results import (CaseResult, Expectation, Mismatch, PolicyCoverage, RuleCoverage, TestFileResult, TestReport,
                      Verdict, problem_in)
from .schema import schema_problems

__all__ = ["DEFAULT_AS_OF", "SCHEMA_CHECK", "TEST_SUFFIX", "find_test_files", "run_tests"]

TEST_SUFFIX = ".test.yaml"
DEFAULT_AS_OF = dt.date(2026, 1, 1)  # fixed, so that a test with a waiver does not start failing one day
SCHEMA_CHECK = SCHEMA_RULE  # the disclosure schema check, as an expectation names it
_PARAMS_ORIGIN = "params"  # how a bad param value is introduced: "params budget=5 kg: expected ..."
_TEST_FILE = Expected("a test file", "a test file is a mapping with policy: (the policy under test) and cases: (a list)")


def find_test_files(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Path], list[Problem]]:
    """Files as given; each folder's *.test.yaml files, recursively, sorted, hidden ones left out."""
    found: dict[Path, None] = {}
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.update(dict.fromkeys(sorted(Path(root, n) for n in names
                                                  if n.endswith(TEST_SUFFIX) and not n.startswith("."))))
        elif path.is_file():
            found[path] = None
        else:
            problems.append(problem_in(os.fspath(given), 0, 0, "no such file or directory",
                                    "give policy test files (*.test.yaml) or folders that hold them"))
    return sorted(found), problems


def run_tests(paths: Sequence[str | os.PathLike[str]], engine: Engine | None = None, *,
              min_coverage: float = 100.0) -> TestReport:
    """Run every test file under `paths` (files, or folders searched for *.test.yaml).

    `engine` gives the search path for policy ids and base params (under each file's own); config
    params are not used, so that a test gives the same result wherever it runs. Policies in the
    folders given that no test file names are reported with no coverage."""
    engine = engine or Engine()
    files, problems = find_test_files(paths)
    if not files and not problems:
        shown = ", ".join(os.fspath(p) for p in paths)
        problems.append(problem_in(shown, 0, 0, f"no policy test files (*{TEST_SUFFIX}) found",
                                f"write one beside the policy, e.g. policies/<policy-id>{TEST_SUFFIX}"))
    runner = _Runner(engine)
    results = [runner.run_file(path) for path in files]
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    problems.extend(runner.untested(folders))
    coverage = sorted(runner.coverage(), key=lambda c: (c.policy, c.file))
    return TestReport(tuple(results), tuple(coverage), tuple(problems), min_coverage)


@dataclass(slots=True)
class _Seen:
    policy: CompiledPolicy
    statuses: dict[str, set[Status]] = field(default_factory=dict)
    tested: bool = True


class _Runner:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: dict[tuple[str, str], _Seen] = {}  # (policy id, file) -> asserted statuses
        self.compiled: dict[tuple[Any, ...], CompiledPolicy] = {}
        self.applied: dict[int, AppliedPolicies] = {}  # id of a compiled policy -> it, applied
        self.sources: dict[str, str] = {}  # test file -> its text, to show a line with a caret
        self.attempted: set[Path] = set()  # policy files some test file named, compiled or not

    # -- one file --

    def run_file(self, path: Path) -> TestFileResult:
        file = display(path)
        try:
            raw = path.read_bytes()
            test = parse_document(raw, file, limits=self.engine.limits, format=Format.YAML, expected=_TEST_FILE)
        except OSError as err:
            return TestFileResult(file, "", (), (problem_in(file, 0, 0, f"cannot read: {err.strerror or err}"),))
        except DocumentError as err:
            return TestFileResult(file, "", (), (problem_in(file, err.line, err.column, err.message, err.hint),))
        self.sources[file] = raw.decode("utf-8-sig")  # parse_document has decoded it once already
        ref = test.data.get("policy") if isinstance(test.data.get("policy"), str) else ""
        problems = schema_problems(test) or _duplicate_names(test)
        if problems:
            return TestFileResult(file, ref, (), tuple(problems))
        base = {**self.engine.params, **_params(test.data.get("params"))}
        policy, problems = self._policy(path, test, ref, base, ("params",))
        if policy is None:
            return TestFileResult(file, ref, (), tuple(problems))
        seen = self.seen.setdefault((policy.id, policy.file), _Seen(policy))
        cases = [self._case(path, test, i, base, policy, seen) for i in range(len(test.data["cases"]))]
        return TestFileResult(file, policy.id, tuple(cases))

    def _policy(self, path: Path, test: Document, ref: str, params: Mapping[str, str],
                params_at: tuple[str | int, ...]) -> tuple[CompiledPolicy | None, list[Problem]]:
        """The policy under test with `params`; or the problems, located in the test file."""
        if (refused := _nul_refused(test, ("policy",), ref)) is not None:
            return None, [refused]
        target: Path | str = (path.parent / ref) if is_policy_path(ref) else ref
        key = (str(target.resolve()) if isinstance(target, Path) else target, path.parent.resolve(),
               tuple(sorted(params.items())))
        if key in self.compiled:
            return self.compiled[key], []
        loader = PolicyLoader((path.parent, *self.engine.search_path), params, override_origin=_PARAMS_ORIGIN)
        found = target if isinstance(target, Path) else loader.available().get(ref)
        if found is not None:
            self.attempted.add(found.resolve())
        try:
            policy = loader.load(target) if isinstance(target, Path) else loader.load_id(ref, self._span(test, ref))
        except PolicyErrors as err:
            return None, _policy_problems(err, test, params_at, ref, self.sources.get(test.file, ""))
        self.compiled[key] = policy
        return policy, []

    def _span(self, test: Document, ref: str) -> Span:
        """Where the `policy:` value is in the test file, for an unknown policy id."""
        line, column, _ = test.locate(("policy",))
        lines = self.sources.get(test.file, "").splitlines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        start = text.find(ref, column + len("policy")) + 1 or column
        return Span(test.file, line, start, line, start + len(ref))

    def _case(self, path: Path, test: Document, index: int, base: Mapping[str, str], policy: CompiledPolicy,
              seen: _Seen) -> CaseResult:
        at: tuple[str | int, ...] = ("cases", index)
        case = test.data["cases"][index]
        line = test.locate(at)[0]

        def error(*problems: Problem) -> CaseResult:
            return CaseResult(case["name"], test.file, line, Verdict.ERROR, 0, (), tuple(problems))

        if "params" in case:
            own_params, problems = self._policy(path, test, test.data["policy"],
                                                {**base, **_params(case["params"])}, (*at, "params"))
            if own_params is None:
                return error(*problems)
            policy = own_params
        expectations = [_expectation(rule, value, test.locate((*at, "expect", rule)))
                        for rule, value in case["expect"].items()]
        unknown = [_unknown_rule(e, policy, test.file) for e in expectations
                   if e.rule != SCHEMA_CHECK and e.rule not in {r.id for r in policy.rules}]
        if unknown:
            return error(*unknown)
        document = self._document(path, test, (*at, "document")) if "document" in case else \
            _inline(test, (*at, "disclosure"))
        if isinstance(document, Problem):
            return error(document)
        as_of = _date(case.get("as_of")) or DEFAULT_AS_OF
        result = check_input(document, self._applied(policy), InputOptions(as_of=as_of, limits=self.engine.limits))
        if (unreadable := result.unreadable) is not None:
            doc_line, doc_column, _ = test.locate((*at, "document"))
            return error(problem_in(test.file, doc_line, doc_column, f"cannot load the document: "
                                      f"{unreadable.where}: {unreadable.message}", unreadable.hint))
        schema = [p for p in result.problems if p.kind is ProblemKind.SCHEMA]
        if schema and SCHEMA_CHECK not in case["expect"]:
            return error(*(problem_in(p.file, p.line, p.column, f"the disclosure does not fit the schema: "
                                        f"{p.message}", p.hint or f"fix the disclosure, or expect {SCHEMA_CHECK}: "
                                        "error in a case that means it") for p in schema))
        outcomes = {f.rule: (f.status, f.reason, f.message) for f in result.findings if not f.is_input_problem}
        outcomes[SCHEMA_CHECK] = _input_check(schema)
        mismatches = []
        for expectation in expectations:
            status, reason, message = outcomes[_qualified(policy, expectation.rule)]
            if not expectation.holds(status, reason, message):
                mismatches.append(Mismatch(expectation, status, reason, message))
            elif _own(policy, expectation.rule):
                seen.statuses.setdefault(expectation.rule, set()).add(expectation.status)
        verdict = Verdict.FAILED if mismatches else Verdict.PASSED
        return CaseResult(case["name"], test.file, line, verdict, len(expectations), tuple(mismatches))

    def _applied(self, policy: CompiledPolicy) -> AppliedPolicies:
        """The policy under test as applied to a case's input, worked out once per compiled policy."""
        if (applied := self.applied.get(id(policy))) is None:
            applied = self.applied[id(policy)] = AppliedPolicies((policy,))
        return applied

    def _document(self, path: Path, test: Document, at: tuple[str | int, ...]) -> Path | Problem:
        """The file a case's `document:` names, as `check` would be given it: relative to the working folder
        when inside it, else without the ".." of "../samples/x.yaml"."""
        written = test.data["cases"][at[1]]["document"]
        if (refused := _nul_refused(test, at, written)) is not None:
            return refused
        target = Path(os.path.normpath(path.parent / written))
        try:
            return target.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return target

    # -- coverage --

    def untested(self, folders: Iterable[Path]) -> list[Problem]:
        """Every policy in `folders` that no test file named joins the coverage report, with nothing covered."""
        problems = []
        for folder in folders:
            for policy_path in sorted(folder.rglob(f"*{POLICY_SUFFIX}")):
                hidden = any(part.startswith(".") for part in policy_path.relative_to(folder).parts)
                if hidden or policy_path.resolve() in self.attempted:
                    continue
                try:
                    policy = PolicyLoader(self.engine.search_path).load(policy_path)
                except PolicyErrors as err:
                    problems.append(problem_in(display(policy_path), 0, 0, "the policy does not compile",
                                                 detail=_render_policy_errors(err.errors, err.sources)))
                    continue
                self.seen.setdefault((policy.id, policy.file), _Seen(policy, tested=False))
        return problems

    def coverage(self) -> list[PolicyCoverage]:
        result = []
        for (policy_id, file), seen in self.seen.items():
            rules = tuple(RuleCoverage(r.id, r.when is not None,
                                       tuple(s for s in Status if s in seen.statuses.get(r.id, ())))
                          for r in seen.policy.rules if r.origin == policy_id)
            result.append(PolicyCoverage(policy_id, file, rules, seen.tested))
        return result


# ---- pieces ----------------------------------------------------------------------------------


def _own(policy: CompiledPolicy, rule_id: str) -> bool:
    return any(r.id == rule_id and r.origin == policy.id for r in policy.rules)


def _params(raw: Any) -> dict[str, str]:
    """A test file's params as --set writes them: strings as they are, other YAML values as literals."""
    out: dict[str, str] = {}
    for name, value in (raw or {}).items():
        if isinstance(value, str):
            out[name] = value
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        else:
            out[name] = literal(value)
    return out


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if isinstance(value, str) else None  # the schema checked the form


def _expectation(rule: str, value: Any, place: tuple[int, int, Any]) -> Expectation:
    line, column, _ = place
    if isinstance(value, str):
        return Expectation(rule, Status(value), None, None, line, column)
    reason = Reason(value["reason"]) if "reason" in value else None
    return Expectation(rule, Status(value["status"]), reason, value.get("message"), line, column)


def _unknown_rule(expectation: Expectation, policy: CompiledPolicy, file: str) -> Problem:
    known = [r.id for r in policy.rules]
    # An imported rule named bare ("training-energy") is the usual slip: point at its qualified id.
    qualified = sorted(r for r in known if r.rsplit("/", 1)[-1] == expectation.rule.rsplit("/", 1)[-1])
    hint = (f"did you mean '{qualified[0]}'?" if qualified else did_you_mean(expectation.rule, known)) \
        or f"rules of {policy.id}: {', '.join(known)}"
    return problem_in(file, expectation.line, expectation.column,
                   f"unknown rule '{expectation.rule}': policy {policy.id} has no such rule", hint)


def _inline(test: Document, at: tuple[str | int, ...]) -> Document:
    """An inline disclosure as a document of its own, located in the test file."""
    data = test.data["cases"][at[1]]["disclosure"]
    positions = {path[len(at):]: place for path, place in test.positions.items() if path[:len(at)] == at}
    return Document(test.file, data, positions, test.digest, test.format)


def _qualified(policy: CompiledPolicy, rule: str) -> str:
    """An expectation's rule as findings name it: the policy's own rules are written bare in test files."""
    return rule if "/" in rule else f"{policy.id}/{rule}"


def _input_check(problems: Sequence[Problem]) -> tuple[Status, Reason | None, str]:
    """What an expectation on `openwatt/schema` is compared with: an error with every problem said, or a pass."""
    if not problems:
        return Status.PASS, None, ""
    return Status.ERROR, Reason.INVALID_INPUT, "; ".join(p.message for p in problems)


def _policy_problems(err: PolicyErrors, test: Document, params_at: tuple[str | int, ...], ref: str,
                     source: str) -> list[Problem]:
    """A policy that could not be loaded, as problems of the test file: a bad param at the params, an
    unknown id at `policy:`, an unreadable file at `policy:`; errors inside the policy's own text
    together, rendered with their carets."""
    problems = []
    in_policy = []
    for error in err.errors:
        span = error.span
        if span.line == 0 and span.file == _PARAMS_ORIGIN:
            line, column, _ = test.locate(params_at)
            problems.append(problem_in(test.file, line, column, f"{error.code} {error.message}", error.hint))
        elif span.file == test.file:
            problems.append(problem_in(test.file, span.line, span.column, f"{error.code} {error.message}", error.hint))
        elif span.line == 0:
            line, column, _ = test.locate(("policy",))
            problems.append(problem_in(test.file, line, column, str(error), error.hint))
        else:
            in_policy.append(error)
    if in_policy:
        line, column, _ = test.locate(("policy",))
        count = len(in_policy)
        problems.append(problem_in(test.file, line, column, f"policy {ref} does not compile "
                                     f"({count} error{'s' if count != 1 else ''})",
                                     detail=_render_policy_errors(in_policy, {**err.sources, test.file: source})))
    return problems


def _render_policy_errors(errors: Iterable[PolicyError], sources: Mapping[str, str]) -> str:
    return "\n\n".join(render_error(e, sources.get(e.span.file)) for e in errors)


def _duplicate_names(test: Document) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for i, case in enumerate(test.data["cases"]):
        line, column, _ = test.locate(("cases", i, "name"))
        if case["name"] in first:
            problems.append(problem_in(test.file, line, column, f"duplicate case name {json.dumps(case['name'])} "
                                    f"(first at line {first[case['name']]})", "give each case its own name"))
        first.setdefault(case["name"], line)
    return problems


def _nul_refused(test: Document, at: tuple[str | int, ...], written: str) -> Problem | None:
    """The problem of a file name with a NUL character, which no file can have; None for any other."""
    if "\0" not in written:
        return None
    line, column, _ = test.locate(at)
    return problem_in(test.file, line, column, f"{json.dumps(written)} has a NUL character, which no file name has",
                   "write the file name as it is on disk")
