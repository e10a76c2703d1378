"""Where the shipped policy packs and schemas are: inside the installed package, or in a checkout."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    # An installed wheel carries openwatt/policies and openwatt/schemas (pyproject maps them in);
    # a source checkout or an editable install keeps them at the repository root, beside engine/.
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


POLICIES_DIR = _data_dir("policies")
SCHEMAS_DIR = _data_dir("schemas")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """A shipped JSON schema (`disclosure`, `report`, `policy-test`), parsed once per process. Shared:
    never change it."""
    return json.loads((SCHEMAS_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
