"""How an audit's manifest.json and a JSON report's `provenance.run` record the settings a replay needs
(`openwatt verify`), and how they are read back: waivers as they read, config params as plain JSON.

Kept apart from verify.py, which replays, so that `openwatt check` records its settings without importing
the audit's machinery (a cold check stays fast).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..waivers import Waiver

__all__ = ["json_params", "params_of", "run_settings", "waiver_records", "waivers_of"]


def waiver_records(waivers: Iterable[Waiver]) -> list[dict[str, str]]:
    """The waivers of waivers files, each as it reads."""
    return [{"rule": w.rule, "reason": w.reason, "approver": w.approver, "expires": w.expires.isoformat(),
             "origin": w.origin} for w in waivers]


def waivers_of(records: Iterable[Mapping[str, str]]) -> tuple[Waiver, ...]:
    """The waivers `waiver_records` wrote; raises KeyError, TypeError or ValueError for a record out of shape."""
    return tuple(Waiver(rule=w["rule"], reason=w["reason"], approver=w["approver"],
                        expires=dt.date.fromisoformat(w["expires"]), origin=w["origin"]) for w in records)


def json_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """A configuration's params (TOML values) as JSON holds them, sorted by name."""
    return dict(json.loads(json.dumps(dict(sorted(params.items())), default=str)))


def run_settings(*, paths: Sequence[str], policies: Sequence[str], search_path: Sequence[str],
                 params: Mapping[str, str], config_params: Mapping[str, Any], input_format: str | None,
                 allow_no_rules: bool, waivers: Sequence[Waiver]) -> dict[str, Any]:
    """A check's settings as a JSON report records them (`provenance.run`), for `verify REPORT.json` to replay."""
    return {"paths": list(paths), "policies": list(policies), "policy_path": list(search_path),
            "params": _listed(params), "config_params": _listed(json_params(config_params)),
            "input_format": input_format, "allow_no_rules": allow_no_rules, "waivers": waiver_records(waivers)}


def _listed(params: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"name": name, "value": value} for name, value in sorted(params.items())]


def params_of(listed: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The params `run_settings` listed, by name; raises KeyError or TypeError for a list out of shape."""
    return {p["name"]: p["value"] for p in listed}
