"""manifest.json: what an audit was run with (version, policies and their digests, params, dates, sources and
globs: everything `openwatt verify` needs to replay it), how many inputs it judged and the digests of the
files it wrote; and the fingerprint a journal must match to be resumed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..language.params import literal
from ..language.policy import CompiledPolicy
from ..version import __version__ as VERSION
from .executors import AuditSetup
from .recorded import json_params, waiver_records

__all__ = ["DIGESTED", "FORMAT", "fingerprint", "manifest", "manifest_text", "now", "sha256_of"]

FORMAT = 1  # `openwatt_audit`: the format version of an audit folder
DIGESTED = ("findings.jsonl", "summary.csv", "rules.csv", "report.html")
"""The outputs whose sha256 manifest.json records (written before it; it cannot hold its own)."""


def fingerprint(setup: AuditSetup, policies: Sequence[CompiledPolicy]) -> dict[str, Any]:
    """Everything an entry's findings depend on besides the input: a journal resumes only when it matches."""
    return {"openwatt_version": VERSION, "policies": _policies(policies), "as_of": setup.as_of.isoformat(),
            "fail_on": setup.fail_on.value, "input_format": setup.input_format,
            "input_waivers": setup.input_waivers.value, "waivers": _waivers(setup)}


def manifest(setup: AuditSetup, policies: Sequence[CompiledPolicy], *, sources: Sequence[str], inputs: int,
             started_at: str, ended_at: str, include: Sequence[str] = (),
             exclude: Sequence[str] = ()) -> dict[str, Any]:
    """manifest.json's data, keys in a fixed order, without the outputs' digests (`manifest_text` adds them)."""
    return {
        "openwatt_audit": FORMAT,
        "openwatt_version": VERSION,
        "started_at": started_at,
        "ended_at": ended_at,
        "as_of": setup.as_of.isoformat(),
        "fail_on": setup.fail_on.value,
        "input_format": setup.input_format,
        "input_waivers": setup.input_waivers.value,
        "waivers": _waivers(setup),
        "sources": list(sources),
        "include": list(include),
        "exclude": list(exclude),
        "inputs": inputs,
        "named_policies": list(setup.policies),
        "policy_path": list(setup.search_path),
        "params": dict(sorted(setup.params.items())),
        "config_params": json_params(setup.config_params),
        "policies": _policies(policies),
    }


def manifest_text(data: Mapping[str, Any], out: Path) -> str:
    """manifest.json's text: `data` and the sha256 of each output already written in `out`, indented."""
    digests = {name: sha256_of(out / name) for name in DIGESTED}
    return json.dumps({**data, "outputs": digests}, indent=2, ensure_ascii=False) + "\n"


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes; raises OSError."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _policies(policies: Sequence[CompiledPolicy]) -> list[dict[str, Any]]:
    return [{"id": p.id, "version": p.version, "file": p.file,
             "params": {name: {"value": literal(param.value), "set_by": str(param.set_by)}
                        for name, param in sorted(p.params.items())},
             "sources": [{"id": s.id, "version": s.version, "file": s.file, "sha256": s.sha256}
                         for s in sorted(p.sources, key=lambda s: (s.id, s.file))]}
            for p in policies]


def now() -> str:
    """The time to record: SOURCE_DATE_EPOCH when set (reproducible outputs), else now, to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit() else None
    except (OverflowError, OSError, ValueError):  # past year 9999, or too many digits: no date
        when = None
    when = when or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return when.isoformat().replace("+00:00", "Z")


def _waivers(setup: AuditSetup) -> list[dict[str, str]]:
    """The waivers files' waivers, each as it reads: a resumed audit must apply the same ones."""
    return waiver_records(setup.waivers)
