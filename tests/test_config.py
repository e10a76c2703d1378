"""Project configuration that is wrong in form: a clear error, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from openwatt.config import ConfigError, find_config
from openwatt.language.errors import PolicyErrors, render_errors
from openwatt.language.loader import PolicyLoader


def test_pyproject_whose_tool_is_not_a_table_has_no_openwatt_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("tool = 5\n", encoding="utf-8")
    assert find_config(tmp_path).policies == ()


def test_pyproject_whose_openwatt_is_not_a_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool]\nopenwatt = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        find_config(tmp_path)
    assert (caught.value.message, caught.value.hint) == (
        "[tool] openwatt is not a table", "write the settings under a [tool.openwatt] header")


def test_a_policy_path_with_a_nul_character() -> None:
    with pytest.raises(PolicyErrors) as caught:
        PolicyLoader().load("a\0b.policy")
    assert render_errors(caught.value) == ("a\\0b.policy: OW050 cannot read policy file: the path has a NUL "
                                           "character\n    hint: check the path in the configuration or on the "
                                           "command line")
