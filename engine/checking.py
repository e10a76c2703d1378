"""The one configuration object: policies from a search path, inputs selected from paths, a check -> Report.

Each input goes through `inputs.check_input`, the one pipeline from an input to its findings."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .documents.discovery import Selection, select
from .documents.problems import Problem
from .documents.source import DEFAULT_LIMITS, Document, Limits
from .evaluation import AppliedPolicies
from .findings import Finding, InputSource, PolicySource, Provenance, Report, RunError
from .inputs import InputOptions, check_input
from .language.loader import POLICY_SUFFIX, SHIPPED_PREFIX, PolicyLoader, is_policy_path
from .language.policy import CompiledPolicy
from .resources import POLICIES_DIR
from .values.verdicts import DEFAULT_FAIL_ON, FailOn, InputWaivers
from .version import __version__ as VERSION
from .waivers import Waiver

DEFAULT_POLICY = "recommended"


class Engine:
    """Policies compiled once, then applied to any number of inputs.

    `search_path`: folders where `import` and policy ids are looked up, before the shipped packs.
    `params`: NAME -> VALUE as written on the command line (--set); `config_params`: typed values
    from openwatt.toml. Both apply to every policy in a tree that declares the param.
    `allow_no_rules`: apply a policy that has no rules (otherwise the policy error OW039).
    """

    def __init__(self, *, search_path: Sequence[Path | str] = (), params: Mapping[str, str] | None = None,
                 config_params: Mapping[str, Any] | None = None, limits: Limits = DEFAULT_LIMITS,
                 allow_no_rules: bool = False) -> None:
        self.search_path = tuple(Path(p) for p in search_path)
        self.params, self.config_params = dict(params or {}), dict(config_params or {})
        self.limits = limits
        self.allow_no_rules = allow_no_rules  # a policy without rules is an error (OW039) unless allowed

    def _loader(self) -> PolicyLoader:
        return PolicyLoader(self.search_path, self.params, self.config_params, allow_no_rules=self.allow_no_rules)

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

    @staticmethod
    def select(paths: Sequence[str | os.PathLike[str]], input_format: str | None = None) -> Selection:
        """The inputs `paths` select (files as given, folders searched by input format); see `select`."""
        return select(paths, input_format)

    def check(self, inputs: Sequence[str | os.PathLike[str] | Document] | Selection,
              policies: Sequence[CompiledPolicy], *, waivers: Sequence[Waiver] = (), as_of: dt.date | None = None,
              fail_on: FailOn = DEFAULT_FAIL_ON, generated_at: str | None = None,
              input_format: str | None = None, input_waivers: InputWaivers = InputWaivers.APPLY) -> Report:
        """Every input checked against every policy: paths (files, or folders searched for disclosures),
        documents already loaded, or a `select`ion. A file that cannot be read or does not fit the schema
        gets error findings; the others are checked all the same. Model cards, MOT files and CodeCarbon
        logs are imported (`input_format` forces one format); evidence files a disclosure cites are
        merged in, and their conflicts are findings. `as_of` defaults to SOURCE_DATE_EPOCH's date when
        that is set (reproducible reports), else today. `waivers` (from waivers files) apply; the waivers
        written in each input apply, are only reported, or are ignored, as `input_waivers` says (the
        submitter wrote those: an auditor's run reports them rather than applying them).

        The whole report at once; `stream` gives the same findings input by input."""
        run = self.stream(inputs, policies, waivers=waivers, as_of=as_of, fail_on=fail_on, generated_at=generated_at,
                          input_format=input_format, input_waivers=input_waivers)
        findings: list[Finding] = []
        sources: list[InputSource] = []
        for checked in run:
            findings.extend(checked.findings)
            sources.extend(checked.sources)
        provenance = replace(run.provenance, inputs=tuple(sorted(sources, key=lambda i: i.file)))
        return Report(tuple(findings), provenance)

    def stream(self, inputs: Sequence[str | os.PathLike[str] | Document] | Selection,
               policies: Sequence[CompiledPolicy], *, waivers: Sequence[Waiver] = (), as_of: dt.date | None = None,
               fail_on: FailOn = DEFAULT_FAIL_ON, generated_at: str | None = None, input_format: str | None = None,
               input_waivers: InputWaivers = InputWaivers.APPLY, unreadable: Sequence[Problem] = ()) -> CheckRun:
        """The check `check` does, as a `CheckRun`: its provenance (less the inputs) at once, then each input's
        findings as it is checked, in report order (by file name), so that a report can be written as the check
        goes, in memory that does not grow with the number of inputs. `unreadable`: inputs read before the
        check that could not be (standard input), each as its load problem."""
        as_of = judged_as_of(as_of)
        options = InputOptions(as_of=as_of, waivers=tuple(waivers), limits=self.limits, input_format=input_format,
                               input_waivers=input_waivers)
        policy_sources = {(s.id, s.file): PolicySource(s.id, s.version, s.file, s.sha256,
                                                       shadows=shadows_shipped(s.id, s.file))
                          for p in policies for s in p.sources}
        provenance = Provenance(openwatt_version=VERSION, generated_at=generated_at or _now(),
                                as_of=as_of.isoformat(), fail_on=fail_on,
                                policies=tuple(sorted(policy_sources.values(), key=lambda s: (s.id, s.file))),
                                inputs=(), input_waivers=input_waivers,
                                waiver_files=tuple(sorted({w.origin.rpartition(":")[0] for w in waivers})))
        sources = [*_sources(inputs, input_format), *map(Finding.from_problem, unreadable)]
        return CheckRun(provenance, sources, AppliedPolicies(policies), options)


@dataclass(frozen=True, slots=True)
class CheckedInput:
    """One input's findings (in no particular order) and the files read for it (the input first, then its
    evidence files); inputs of the same name, given twice, are one."""

    file: str
    findings: tuple[Finding, ...]
    sources: tuple[InputSource, ...]


class CheckRun:
    """A check under way: `provenance` (its `inputs` empty: they are known as they are read), then, iterated
    once, each input checked in turn, by file name (the order of the report)."""

    def __init__(self, provenance: Provenance, sources: Sequence[Path | Document | Finding], applied: AppliedPolicies,
                 options: InputOptions) -> None:
        self.provenance = provenance
        self._sources, self._applied, self._options = sources, applied, options

    def __iter__(self) -> Iterator[CheckedInput]:
        named = sorted(self._sources, key=_name)
        for file, same in itertools.groupby(named, key=_name):
            findings: list[Finding] = []
            sources: list[InputSource] = []
            for source in same:
                if isinstance(source, Finding):  # a path that is not there
                    findings.append(source)
                    sources.append(InputSource(source.file, ""))
                    continue
                result = check_input(source, self._applied, self._options)
                findings.extend(result.findings)
                sources.extend(result.sources)
            yield CheckedInput(file, tuple(findings), tuple(sources))


def _name(source: Path | Document | Finding) -> str:
    """The file name an input's findings carry."""
    return source.file if isinstance(source, (Document, Finding)) else os.fspath(source)


def could_not_run(errors: Sequence[RunError], *, as_of: dt.date | None = None, fail_on: FailOn = DEFAULT_FAIL_ON,
                  generated_at: str | None = None) -> Report:
    """The report of a check that could not run (e.g. its policy has errors): no input, no finding, the
    errors; every output format says so in its own shape, and its exit code is BAD_INPUT."""
    as_of = judged_as_of(as_of)
    provenance = Provenance(openwatt_version=VERSION, generated_at=generated_at or _now(), as_of=as_of.isoformat(),
                            fail_on=fail_on, policies=(), inputs=())
    return Report((), provenance, errors=tuple(errors))


def shadowing(policies: Sequence[CompiledPolicy]) -> list[tuple[str, str]]:
    """(id, file) of every policy in the trees of `policies` read from another file than the shipped pack
    of the same id: a `policies/` folder or a configured `policy_path` put first on the search path."""
    found = {(s.id, s.file) for p in policies for s in p.sources if shadows_shipped(s.id, s.file)}
    return sorted(found)


def shadows_shipped(policy_id: str, file: str) -> bool:
    """Whether the policy `policy_id`, read from `file` (as findings show it), stands in for a shipped pack."""
    shipped = POLICIES_DIR / f"{policy_id}{POLICY_SUFFIX}"
    if not shipped.is_file() or file.startswith(SHIPPED_PREFIX):
        return False
    try:
        return not os.path.samefile(file, shipped)
    except (OSError, ValueError):  # not a file any more (or an inline policy): not the shipped one
        return True


def _sources(inputs: Sequence[str | os.PathLike[str] | Document] | Selection,
             input_format: str | None) -> list[Path | Document | Finding]:
    """The inputs to check, in order; a path that is not there, or a folder that cannot be read, as its load
    finding (the readable files of that folder are checked all the same)."""
    if isinstance(inputs, Selection):
        selection = inputs
        documents: list[Document] = []
    else:
        documents = [i for i in inputs if isinstance(i, Document)]
        selection = select([i for i in inputs if not isinstance(i, Document)], input_format)
    problems = [Finding.from_problem(error.problem) for error in selection.problems]
    return [*problems, *selection.files, *documents]


def judged_as_of(given: dt.date | None) -> dt.date:
    """The date a check judges waivers and `today` as of: the one given (--as-of), else SOURCE_DATE_EPOCH's
    date (reproducible reports), else today."""
    return given or source_date_epoch() or dt.date.today()


def source_date_epoch() -> dt.date | None:
    """The date of SOURCE_DATE_EPOCH (reproducible builds), or None when it is unset or no date."""
    when = _epoch()
    return when.date() if when is not None else None


def _epoch() -> dt.datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit() else None
    except (OverflowError, OSError, ValueError):  # past year 9999, or too many digits: no date
        return None


def _now() -> str:
    """The report time: SOURCE_DATE_EPOCH when set (reproducible builds), else now, to the second."""
    when = _epoch() or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return when.isoformat().replace("+00:00", "Z")
