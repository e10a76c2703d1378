"""Evidence files a disclosure references, merged into it: gaps filled, disagreements reported.

A phase of a disclosure (`energy.training`, `energy.fine_tuning`) may name an evidence file in its
`evidence` field, e.g. `evidence: evidence/emissions.csv`: a CodeCarbon log, a Hugging Face model card,
a MOT file or another disclosure, in any format `load_any` reads. The figures of the matching phase of
the evidence (the phase of the same name, or the evidence's only phase) are merged by these rules:

1. **Stated values win.** A field the disclosure states is never replaced by the evidence.
2. **Evidence fills gaps.** A field the disclosure's phase leaves out is taken from the evidence. Its
   position is the `evidence:` line of the disclosure, the statement that brought it in, so a finding on
   it points there.
3. **Disagreements are findings.** A stated value that differs from the evidence beyond rounding is a
   problem of kind `conflict`, for the caller to report; the stated value stays. Compared, with units: the quantities
   (energy, emissions, duration, accelerator_time, compute, water, carbon_intensity), which agree if within
   1 % of each other or if the evidence rounds to the stated figure at the last significant digit written
   ('74 MWh' agrees with 74.4 MWh, '4.1 tCO2e' with 4.14 tCO2e), never beyond 5 % of the evidence whatever
   the notation ('0e2 tCO2e' and '1e3 kWh' are conflicts against 41.44 tCO2e and 1,400 kWh), and a stated
   zero only with a zero; `pue`, within 1 %; and `method`, exactly.
   Text that may be worded differently and be right (tool, methodology, location, provider) and the
   hardware list are filled when missing but not compared.

An evidence path is relative to the disclosure's folder and must stay inside that folder's tree. It is
resolved once (links and `..` followed in order, as the system does) and the file opened is the one
resolved, named under the disclosure's folder with no link or `..` left below it. An absolute path, a
URL, a path that climbs out with `..` or through a symbolic link, the disclosure itself, anything but a
regular file (a folder, a named pipe) and a file that cannot be read are refused; each is a problem of
kind `evidence`, located at the `evidence:` line, and the rest of the disclosure is checked all the same. Evidence files are not followed further: the evidence of an
evidence file is ignored.
"""

from __future__ import annotations

import copy
import math
import ntpath
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from openwatt.documents.importers.common import clip
from openwatt.documents.importers.detection import load_any
from openwatt.documents.loading import special_file_kind
from openwatt.documents.problems import Problem, ProblemKind
from openwatt.documents.source import Document, DocumentError, Path, format_path
from openwatt.values.quantities import QUANTITY_RE, Quantity, QuantityError, parse_quantity

__all__ = ["ROUNDING_LIMIT", "TOLERANCE", "EvidenceReference", "evidence_references", "merge_evidence"]

TOLERANCE = 0.01
"""Relative difference (1 %) within which a stated quantity agrees with its evidence."""

ROUNDING_LIMIT = 0.05
"""The most a stated quantity may differ from its evidence (5 % of the evidence) when it is the evidence
rounded to the digits written: rounding is no leeway beyond this, however few digits a notation shows."""

_MAX_POWER = 308  # 10.0 ** 309 overflows

PHASES = ("training", "fine_tuning")
_QUANTITIES = ("energy", "emissions", "duration", "accelerator_time", "compute", "water", "carbon_intensity")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


_CONFLICT_HINT = ("correct whichever is wrong: the stated value is the one checked, so make it agree with the "
                  "evidence or explain the difference in methodology")


@dataclass(frozen=True, slots=True)
class EvidenceReference:
    """An `evidence:` field of a disclosure: where it is, what it says and the file it names."""

    path: Path
    line: int
    column: int
    written: str
    file: str


def evidence_references(document: Document) -> list[EvidenceReference]:
    """The evidence fields of ``document`` that name a file, in phase order; ``file`` is the path joined
    to the disclosure's folder (not yet checked: merge_evidence refuses paths that leave it)."""
    found = []
    folder = os.path.dirname(document.file)
    energy = document.data.get("energy") if isinstance(document.data, dict) else None
    for phase in PHASES:
        section = energy.get(phase) if isinstance(energy, dict) else None
        written = section.get("evidence") if isinstance(section, dict) else None
        if isinstance(written, str) and written.strip():
            path: Path = ("energy", phase, "evidence")
            line, column, _ = document.locate(path)
            found.append(EvidenceReference(path, line, column, written.strip(),
                                           os.path.normpath(os.path.join(folder, written.strip()))))
    return found


def merge_evidence(document: Document, load: Callable[[str], Document] = load_any
                   ) -> tuple[Document, list[Problem]]:
    """``document`` with the figures of its evidence files merged in (rules in the module docstring),
    and the conflicts (problems of kind `conflict`, located at the stated value) and unusable evidence
    (kind `evidence`, located at the `evidence:` line) found, in phase order. ``load`` reads one evidence file (default:
    load_any with the default limits). The document returned keeps the file, digest and format of the
    disclosure; without evidence references it is ``document`` itself."""
    references = evidence_references(document)
    if not references:
        return document, []
    # Merging writes only into the phases the references name: those mappings (and the ones holding them) are
    # copied, the rest is shared with ``document``, which stays as it was.
    energy = dict(document.data["energy"])
    for reference in references:
        energy[reference.path[1]] = dict(energy[reference.path[1]])
    data = {**document.data, "energy": energy}
    positions = dict(document.positions)
    issues: list[Problem] = []
    for reference in references:
        checked = _checked(document, reference)
        if isinstance(checked, Problem):
            issues.append(checked)
            continue
        try:
            evidence = load(checked)
        except DocumentError as error:
            where = f" (line {error.line}, column {error.column})" if error.line else ""
            issues.append(_problem(document, reference, f"cannot read the evidence file {clip(checked, 120)}: "
                                              f"{error.message}{where}", error.hint))
            continue
        phase = reference.path[1]
        source = _phase(evidence, str(phase))
        if source is None:
            issues.append(_problem(document, reference, f"the evidence file {reference.file} has no energy figures",
                                   "name a CodeCarbon emissions.csv, a model card with co2_eq_emissions, or a "
                                   "disclosure with this phase"))
            continue
        stated = data["energy"][phase]
        for key, value in evidence.data["energy"][source].items():
            if key == "evidence":
                continue
            target: Path = ("energy", phase, key)
            if key not in stated:
                stated[key] = copy.deepcopy(value)
                for inner in _paths(value, target):
                    positions[inner] = (reference.line, reference.column)
            elif (conflict := _compare(stated[key], value, key)) is not None:
                issues.append(_conflict(document, target, conflict, evidence, ("energy", source, key)))
    return Document(document.file, data, positions, document.digest, document.format), issues


def _problem(document: Document, reference: EvidenceReference, message: str, hint: str | None) -> Problem:
    return Problem(kind=ProblemKind.EVIDENCE, file=document.file, line=reference.line, column=reference.column,
                   path=reference.path, message=message, hint=hint)


def _conflict(document: Document, path: Path, values: tuple[Any, Any], evidence: Document,
              evidenced_at: Path) -> Problem:
    """The stated value at `path` that the evidence (its value at `evidenced_at`) contradicts."""
    stated, evidenced = values
    line, column, _ = document.locate(path)
    evidence_line = evidence.locate(evidenced_at)[0]
    message = (f"{format_path(path)} is {_shown(stated)}, but the evidence {evidence.file} gives "
               f"{_shown(evidenced)} (line {evidence_line})")
    return Problem(kind=ProblemKind.CONFLICT, file=document.file, line=line, column=column, path=path,
                   message=message, hint=_CONFLICT_HINT,
                   values=((format_path(path), str(stated)), (evidence.file, str(evidenced))))


def _checked(document: Document, reference: EvidenceReference) -> str | Problem:
    """The path to open for `reference`, or why it is refused. The path is resolved once (every link and
    `..` followed in order, as the system does), checked, and given back under the disclosure's folder as
    the disclosure names it with nothing but plain folders below (no link, no `..`): the path opened is
    the path checked."""
    written = clip(reference.written, 120)
    if any(ord(character) < 32 for character in reference.written):
        return _problem(document, reference, f"evidence {written!r} has a control character in its path",
                        "give the path relative to the disclosure's folder, e.g. evidence/emissions.csv")
    if _URL.match(reference.written):
        return _problem(document, reference, f"evidence {written!r} is a URL; evidence is a file next to the disclosure",
                        "download the file into the disclosure's folder and give its relative path")
    path = reference.written
    if os.path.isabs(path) or ntpath.isabs(path) or ntpath.splitdrive(path)[0] or path.startswith("~"):
        return _problem(document, reference, f"evidence {written!r} is an absolute path",
                        "give the path relative to the disclosure's folder, e.g. evidence/emissions.csv")
    try:
        folder = os.path.realpath(os.path.dirname(document.file) or ".")
        target = os.path.realpath(os.path.join(folder, path))
    except (OSError, ValueError) as error:  # a symbolic link loop, a path too long to resolve
        return _problem(document, reference, f"evidence {written!r} cannot be resolved: {str(error).lower()}",
                        "check the path")
    if os.path.commonpath([folder, target]) != folder:
        return _problem(document, reference, f"evidence {written!r} is outside the disclosure's folder",
                        "keep evidence files in the disclosure's folder or below it")
    if (refusal := _unusable(document, reference, target)) is not None:
        return refusal
    return os.path.join(os.path.dirname(document.file), os.path.relpath(target, folder))


def _unusable(document: Document, reference: EvidenceReference, target: str) -> Problem | None:
    """A refusal for a target inside the folder that is not a file of its own: the disclosure itself, or
    not a regular file (a folder, a named pipe that would block for ever, a device). A target that is
    not there is left to the loader, which says so."""
    written = clip(reference.written, 120)
    try:
        found = os.stat(target)
    except (OSError, ValueError):
        return None
    try:
        itself = os.stat(document.file)
    except (OSError, ValueError):  # a document that was not read from a file (a policy test's inline one)
        itself = None
    if itself is not None and (found.st_dev, found.st_ino) == (itself.st_dev, itself.st_ino):
        return _problem(document, reference, f"evidence {written!r} is the disclosure itself",
                        "cite the measurement's own file (a CodeCarbon log, a model card), not the disclosure")
    if not stat.S_ISREG(found.st_mode):
        kind = "a folder" if stat.S_ISDIR(found.st_mode) else special_file_kind(found.st_mode)
        return _problem(document, reference, f"evidence {written!r} is {kind}, not a regular file",
                        "give the path of a file, e.g. evidence/emissions.csv")
    return None


def _phase(evidence: Document, phase: str) -> str | None:
    energy = evidence.data.get("energy") if isinstance(evidence.data, dict) else None
    if not isinstance(energy, dict):
        return None
    present = [name for name in PHASES if isinstance(energy.get(name), dict)]
    if phase in present:
        return phase
    return present[0] if len(present) == 1 else None


def _compare(stated: Any, evidenced: Any, key: str) -> tuple[Any, Any] | None:
    """(stated, evidenced) if they disagree; None if they agree or cannot be compared (a stated value
    the schema rejects is reported by validation, not here)."""
    if key in _QUANTITIES:
        if not isinstance(stated, str) or not isinstance(evidenced, str):
            return None
        try:
            a, b = parse_quantity(stated), parse_quantity(evidenced)
        except QuantityError:
            return None
        if a.dimension != b.dimension or _agrees(stated, a, b):
            return None
        return stated, evidenced
    if key == "pue":
        numbers = [_finite(v) for v in (stated, evidenced)]
        if None in numbers:  # not a number, or too large for one: validation reports the stated value
            return None
        x, y = numbers[0] or 0.0, numbers[1] or 0.0
        if abs(x - y) > TOLERANCE * max(abs(x), abs(y)):
            return stated, evidenced
        return None
    if key == "method" and isinstance(stated, str) and isinstance(evidenced, str) and stated != evidenced:
        return stated, evidenced
    return None


def _agrees(written: str, stated: Quantity, evidenced: Quantity) -> bool:
    """Whether the stated quantity (as `written`) agrees with the evidence: within TOLERANCE of it, or
    equal to it rounded to the last significant digit written ('74 MWh' for 74.4 MWh), but never further
    than ROUNDING_LIMIT from it, whatever the notation ('0e2 tCO2e' is not 41.44 tCO2e rounded). A stated
    zero agrees only with a zero."""
    a, b = stated.base, evidenced.base
    if not (math.isfinite(a) and math.isfinite(b)):  # beyond any float in base units: 1e306 m3 of water
        return False
    if a == 0 or b == 0:
        return a == b
    if abs(a - b) <= TOLERANCE * max(abs(a), abs(b)):
        return True
    if abs(a - b) > ROUNDING_LIMIT * abs(b):
        return False
    match = QUANTITY_RE.match(written.strip())
    if match is None:
        return False
    mantissa, _, exponent = match["number"].lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    power = _exponent(exponent) - decimals  # '4.1' -> -1, '74' -> 0, '1.66e23' -> 21
    if power > _MAX_POWER:  # a step beyond any float: no rounding leeway
        return False
    step = 10.0 ** power  # below 1e-323 it is 0.0: no leeway either
    try:
        in_stated_unit = evidenced.to(stated.unit).magnitude
    except QuantityError:  # beyond any float in the stated unit (1e306 kL as mL): far from the stated value
        return False
    return abs(in_stated_unit - stated.magnitude) <= step / 2 * (1 + 1e-9)


def _finite(value: Any) -> float | None:
    """`value` as a finite float, or None when it is not a number or too large to be one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        return None
    return number if math.isfinite(number) else None


def _exponent(written: str) -> int:
    """The exponent of a number as written ('', '23', '-0007'), kept within ±10**6 so that thousands of
    digits are never converted (Python refuses 4301 or more); a float is 0 or inf long before that."""
    digits = written.lstrip("+-").lstrip("0")
    value = 10 ** 6 if len(digits) > 6 else int(digits or "0")
    return -value if written.startswith("-") else value


def _paths(value: Any, prefix: Path) -> Iterator[Path]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _shown(value: Any) -> str:
    return clip(value if isinstance(value, str) else str(value), 120)
