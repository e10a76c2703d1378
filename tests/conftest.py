"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare output with tests/<relative path>; OPENWATT_UPDATE_GOLDENS=1 rewrites the file instead."""

    def check(relative: str, got: str) -> None:
        path = TESTS / relative
        if os.environ.get("OPENWATT_UPDATE_GOLDENS"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(got, encoding="utf-8", newline="")
        assert got == path.read_text(encoding="utf-8")

    return check


@pytest.fixture(autouse=True, scope="session")
def _policy_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests (and the processes they start) keep parsed policies in a folder of their own."""
    os.environ["OPENWATT_CACHE_DIR"] = str(tmp_path_factory.mktemp("policy-cache"))
