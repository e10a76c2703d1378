"""Project configuration: `openwatt.toml`, or `[tool.openwatt]` in `pyproject.toml`, found upwards from a folder."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .values.verdicts import FailOn

CONFIG_FILES = ("openwatt.toml", "pyproject.toml")
_KEYS = {"policies", "policy_path", "params", "fail_on", "waivers"}


class ConfigError(Exception):
    """A configuration file that cannot be used, with where and why."""

    def __init__(self, file: str, message: str, hint: str | None = None) -> None:
        super().__init__(file, message, hint)
        self.file, self.message, self.hint = file, message, hint

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True, slots=True)
class Config:
    """Defaults for `openwatt check`; command-line options win over every one of them."""

    file: str | None = None
    policies: tuple[str, ...] = ()  # ids or paths (relative to the config file)
    policy_path: tuple[Path, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    fail_on: FailOn | None = None
    waivers: tuple[Path, ...] = ()


def find_config(start: Path) -> Config:
    """The first openwatt.toml, or pyproject.toml with a [tool.openwatt] table, from `start` upwards."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_FILES:
            path = folder / name
            if path.is_file():
                table = _table(path)
                if table is not None:
                    return _config(path, table)
    return Config()


def _table(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(str(path), f"cannot read: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(str(path), f"invalid TOML: {err}", "see https://toml.io") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("openwatt") if isinstance(tool, dict) else None
        if table is not None and not isinstance(table, dict):
            raise ConfigError(str(path), "[tool] openwatt is not a table",
                              "write the settings under a [tool.openwatt] header")
        return table
    return data


def _config(path: Path, table: Mapping[str, Any]) -> Config:
    file, base = str(path), path.parent
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(file, f"unknown setting '{unknown[0]}'", f"settings: {', '.join(sorted(_KEYS))}")

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(file, f"'{key}' must be a list of strings", f'e.g. {key} = ["..."]')
        return tuple(value)

    params = table.get("params", {})
    if not isinstance(params, dict):
        raise ConfigError(file, "'params' must be a table", "e.g. [params] max_training_energy = \"500 MWh\"")
    written = table.get("fail_on")
    try:
        fail_on = None if written is None else FailOn(written)
    except ValueError:
        raise ConfigError(file, f"'fail_on' must be one of {', '.join(FailOn)}, not {written!r}") from None
    policies = tuple(str(base / p) if p.endswith(".policy") else p for p in strings("policies"))
    return Config(file, policies, tuple(base / p for p in strings("policy_path")), dict(params), fail_on,
                  tuple(base / p for p in strings("waivers")))
