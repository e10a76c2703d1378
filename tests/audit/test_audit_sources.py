"""audit/sources.py: folders, files and manifests as a stream of submissions; links leading outside."""

from __future__ import annotations

import os
from pathlib import Path

from openwatt.audit.sources import Submission, submissions


def _paths(found: list[Submission], root: Path) -> list[str]:
    return [os.path.relpath(s.path, root) for s in found]


def test_a_folder_is_searched_recursively_sorted_hidden_names_left_out(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.json", "sub/c.yml", "notes.txt", ".hidden.yaml", ".git/x.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x: 1\n")
    found = list(submissions([str(tmp_path)]))
    assert _paths(found, tmp_path) == ["a.json", "b.yaml", "sub/c.yml"]
    assert all(s.problem is None and s.id == s.path for s in found)


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    for name in ("a.yaml", "sub/b.yaml", "sub/README.md", "drafts/c.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x: 1\n")
    found = submissions([str(tmp_path)], include=["*.yaml", "readme.md"], exclude=["drafts/*"])
    assert _paths(list(found), tmp_path) == ["a.yaml", "sub/README.md", "sub/b.yaml"]


def test_submissions_is_a_generator() -> None:
    found = submissions(["nowhere"])
    assert iter(found) is found


def test_links_leading_outside_the_source_are_reported_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("x: 1\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "own.yaml").write_text("x: 1\n")
    (root / "inner.yaml").symlink_to(root / "own.yaml")
    (root / "leak.yaml").symlink_to(outside / "secret.yaml")
    (root / "folder").symlink_to(outside)
    found = {os.path.relpath(s.path, root): s for s in submissions([str(root)])}
    assert sorted(found) == ["folder", "inner.yaml", "leak.yaml", "own.yaml"]
    assert found["inner.yaml"].problem is None and found["own.yaml"].problem is None
    leak = found["leak.yaml"].problem
    assert leak is not None and leak.message == (
        f"symbolic link to {outside / 'secret.yaml'} leads outside {root}; not followed")
    assert leak.hint == "link the file inside the folder audited, or give the file it points to as a SOURCE itself"
    folder = found["folder"].problem
    assert folder is not None and folder.message == f"symbolic link to {outside} leads outside {root}; not followed"


def test_csv_and_json_lines_manifests(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("id,path\nsub-1,a.yaml\nsub-2,/abs/b.yaml\nbroken\n")
    (tmp_path / "m.jsonl").write_text('{"id": "sub-3", "path": "c.yaml"}\n\n[1]\n')
    found = list(submissions([str(tmp_path / "m.csv"), str(tmp_path / "m.jsonl")]))
    assert [(s.id, s.path, s.problem is None) for s in found] == [
        ("sub-1", str(tmp_path / "a.yaml"), True), ("sub-2", "/abs/b.yaml", True),
        (f"{tmp_path / 'm.csv'}:4", f"{tmp_path / 'm.csv'}:4", False),
        ("sub-3", str(tmp_path / "c.yaml"), True),
        (f"{tmp_path / 'm.jsonl'}:3", f"{tmp_path / 'm.jsonl'}:3", False)]
    problem = found[2].problem
    assert problem is not None and (problem.line, problem.message) == (
        4, "not a manifest entry: expected an id and a path")


def test_a_csv_file_without_the_manifest_header_is_an_input(tmp_path: Path) -> None:
    (tmp_path / "emissions.csv").write_text("timestamp,project_name\n")
    assert [s.path for s in submissions([str(tmp_path / "emissions.csv")])] == [str(tmp_path / "emissions.csv")]


def test_a_missing_source_is_a_problem_submission(tmp_path: Path) -> None:
    [found] = submissions([str(tmp_path / "nope")])
    assert found.problem is not None and found.problem.message == "no such file or directory"
