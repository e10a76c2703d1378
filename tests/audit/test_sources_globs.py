"""audit/sources.py: a glob as SOURCE (`subs/**/*.yaml`), expanded by openwatt with a folder's rules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from openwatt.audit.sources import Submission, is_glob, submissions

FILES = ("subs/a.yaml", "subs/b.json", "subs/2026/c.yaml", "subs/2026/q1/d.yaml", "subs/2026/notes.txt",
         "subs/.hidden.yaml", "subs/.git/e.yaml", "subs/drafts/f.yaml", "other/g.yaml")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x: 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _paths(*sources: str, exclude: tuple[str, ...] = ()) -> list[str]:
    return [s.path for s in submissions(list(sources), exclude=exclude)]


def test_double_star_stands_for_any_number_of_folders(tree: Path) -> None:
    assert _paths("subs/**/*.yaml") == ["subs/a.yaml", "subs/2026/c.yaml", "subs/2026/q1/d.yaml",
                                        "subs/drafts/f.yaml"]


def test_a_star_stays_within_one_folder(tree: Path) -> None:
    assert _paths("subs/*.yaml") == ["subs/a.yaml"]
    assert _paths("subs/*/*.yaml") == ["subs/2026/c.yaml", "subs/drafts/f.yaml"]
    assert _paths("*/a.y?ml") == ["subs/a.yaml"]
    assert _paths("subs/[ab].*") == ["subs/a.yaml", "subs/b.json"]


def test_matching_is_case_sensitive_as_in_a_shell(tree: Path) -> None:
    [found] = submissions(["subs/*.YAML"])
    assert found.problem is not None and found.problem.message == "no file matches this glob"


def test_an_absolute_glob_gives_absolute_paths_and_exclude_reads_paths_under_its_folder(tree: Path) -> None:
    assert _paths(f"{tree}/subs/**/*.yaml", exclude=("drafts/*", "2026/q1/*")) == [
        f"{tree}/subs/a.yaml", f"{tree}/subs/2026/c.yaml"]


def test_hidden_names_are_left_out_unless_the_glob_names_them(tree: Path) -> None:
    assert _paths("subs/**") == ["subs/a.yaml", "subs/b.json", "subs/2026/c.yaml", "subs/2026/notes.txt",
                                 "subs/2026/q1/d.yaml", "subs/drafts/f.yaml"]  # no .hidden.yaml, no .git/e.yaml
    assert _paths("subs/.*.yaml") == ["subs/.hidden.yaml"]
    assert _paths("subs/.g*/*.yaml") == ["subs/.git/e.yaml"]


def test_a_glob_matches_files_not_folders(tree: Path) -> None:
    assert _paths("subs/*") == ["subs/a.yaml", "subs/b.json"]


def test_a_glob_matching_nothing_is_a_problem_submission(tree: Path) -> None:
    for source in ("subs/**/*.csv", "nowhere/*.yaml"):
        [found] = submissions([source])
        assert (found.id, found.path) == (source, source)
        assert found.problem is not None and found.problem.message == "no file matches this glob"
        assert found.problem.hint == ("check the pattern (`*` stays within a folder, `**` stands for any number of "
                                      "folders), and quote it so that openwatt, not the shell, expands it")


def test_an_existing_path_with_a_wildcard_character_is_taken_as_it_is(tree: Path) -> None:
    (tree / "odd[1].yaml").write_text("x: 1\n")
    assert _paths("odd[1].yaml") == ["odd[1].yaml"]
    assert is_glob("odd[1].yaml") and not is_glob("subs/a.yaml")


def test_links_leading_outside_the_glob_folder_are_reported_not_followed(tree: Path) -> None:
    (tree / "subs/2026/leak.yaml").symlink_to(tree / "other/g.yaml")
    (tree / "subs/2026/inner.yaml").symlink_to(tree / "subs/a.yaml")
    (tree / "subs/elsewhere").symlink_to(tree / "other")
    (tree / "subs/inside").symlink_to(tree / "subs/2026")
    found = {s.path: s for s in submissions(["subs/**/*.yaml"])}
    assert list(found) == ["subs/elsewhere", "subs/a.yaml", "subs/2026/c.yaml", "subs/2026/inner.yaml",
                           "subs/2026/leak.yaml", "subs/2026/q1/d.yaml", "subs/drafts/f.yaml"]
    leak, folder = found["subs/2026/leak.yaml"].problem, found["subs/elsewhere"].problem
    assert leak is not None and leak.message == (
        f"symbolic link to {tree / 'other/g.yaml'} leads outside subs; not followed")
    assert folder is not None and folder.message == f"symbolic link to {tree / 'other'} leads outside subs; not followed"
    assert found["subs/2026/inner.yaml"].problem is None  # inside: an input; subs/inside is not followed


def test_a_link_to_a_folder_outside_is_reported_only_where_the_glob_could_match(tree: Path) -> None:
    (tree / "subs/elsewhere").symlink_to(tree / "other")
    assert _paths("subs/2026/*.yaml") == ["subs/2026/c.yaml"]
    assert _paths("subs/*.yaml") == ["subs/a.yaml"]  # the pattern has no folder level for subs/elsewhere


def test_a_glob_in_the_current_folder_has_no_prefix(tree: Path) -> None:
    os.chdir(tree / "subs")
    found: list[Submission] = list(submissions(["*.yaml", "**/c.yaml"]))
    assert [s.path for s in found] == ["a.yaml", "2026/c.yaml"]
