"""manifest.json: what an audit was run with (version, policies and their digests, params, dates) and how
many inputs it judged; and the fingerprint a journal must match to be resumed."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from typing import Any

from ..language.params import literal
from ..language.policy import CompiledPolicy
from ..version import __version__ as VERSION
from .executors import AuditSetup

__all__ = ["fingerprint", "manifest", "now"]


def fingerprint(setup: AuditSetup, policies: Sequence[CompiledPolicy]) -> dict[str, Any]:
    """Everything an entry's findings depend on besides the input: a journal resumes only when it matches."""
    return {"openwatt_version": VERSION, "policies": _policies(policies), "as_of": setup.as_of.isoformat(),
            "fail_on": setup.fail_on.value, "input_format": setup.input_format,
            "input_waivers": setup.input_waivers.value, "waivers": _waivers(setup)}


def manifest(setup: AuditSetup, policies: Sequence[CompiledPolicy], *, sources: Sequence[str], inputs: int,
             started_at: str, ended_at: str) -> str:
    """manifest.json's text: keys in a fixed order, indented (it is small)."""
    data = {
        "openwatt_audit": 1,
        "openwatt_version": VERSION,
        "started_at": started_at,
        "ended_at": ended_at,
        "as_of": setup.as_of.isoformat(),
        "fail_on": setup.fail_on.value,
        "input_format": setup.input_format,
        "input_waivers": setup.input_waivers.value,
        "waivers": _waivers(setup),
        "sources": list(sources),
        "inputs": inputs,
        "params": dict(sorted(setup.params.items())),
        "policies": _policies(policies),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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
    return [{"rule": w.rule, "reason": w.reason, "approver": w.approver, "expires": w.expires.isoformat(),
             "origin": w.origin} for w in setup.waivers]
