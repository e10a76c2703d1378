"""Files that are not regular files, folders that cannot be read, folders of hidden files only: each is a problem
reported with its path, never a hang, a traceback or a silent "0 files checked"."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from openwatt.documents import DocumentError, discover, load_any, load_document, survey
from openwatt.documents.loading import read_file

PIPE_HINT = ("openwatt reads only regular files: copy the contents into a file and give its path, or remove this "
             "one from the folder")
UNREADABLE_HINT = ("give the user running openwatt permission to read and enter the folder (chmod u+rx), or leave "
                   "it out of the paths checked")
HIDDEN_HINT = ("names starting with '.' are left out of a folder's files; rename the files, or give a hidden file's "
               "path itself to check it")
DISCLOSURE = 'openwatt: "1.0"\nmodel:\n  id: example/pipe\n'


class _Hung(Exception):
    pass


def _hung(signum: int, frame: FrameType | None) -> None:
    raise _Hung


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A regression (a blocking open of a named pipe) fails the test after 20 s instead of hanging the suite."""
    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _message(error: DocumentError) -> tuple[str, int, int, str, str | None]:
    return error.file, error.line, error.column, error.message, error.hint


@pytest.mark.parametrize("reader", [read_file, load_document, load_any])
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path, reader: object) -> None:
    pipe = tmp_path / "disclosure.yaml"
    os.mkfifo(pipe)
    with pytest.raises(DocumentError) as caught:
        reader(pipe)  # type: ignore[operator]
    assert _message(caught.value) == (str(pipe), 0, 0, "is a named pipe, not a regular file", PIPE_HINT)


def test_a_socket_and_a_device_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(DocumentError) as caught:
            read_file(path)
    assert caught.value.message == "is a socket, not a regular file"
    with pytest.raises(DocumentError) as caught:
        read_file("/dev/zero")  # would otherwise be read up to the size limit
    assert _message(caught.value) == ("/dev/zero", 0, 0, "is a device, not a regular file", PIPE_HINT)


def test_a_directory_and_a_missing_file_keep_their_messages(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        read_file(tmp_path)
    assert caught.value.message == "is a directory, not a file"
    with pytest.raises(DocumentError) as caught:
        read_file(tmp_path / "missing.yaml")
    assert caught.value.message == "no such file or directory"


def _check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "openwatt", "check", *args, "--format", "json"], cwd=cwd,
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=120)


def test_a_named_pipe_in_a_submission_folder_is_a_finding_and_the_rest_is_checked(tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "a.yaml").write_text(DISCLOSURE, encoding="utf-8")
    os.mkfifo(folder / "b.yaml")
    result = _check(str(folder), cwd=tmp_path)  # a hang is a TimeoutExpired, so a failure
    assert "Traceback" not in result.stderr and result.returncode == 2
    findings = json.loads(result.stdout)["findings"]
    [pipe] = [f for f in findings if f["file"] == str(folder / "b.yaml")]
    assert (pipe["rule"], pipe["message"]) == ("openwatt/load", "is a named pipe, not a regular file")
    assert any(f["file"] == str(folder / "a.yaml") and f["policy"] != "openwatt" for f in findings)


def test_a_named_pipe_as_evidence_is_an_evidence_problem(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "emissions.csv")
    disclosure = tmp_path / "d.yaml"
    disclosure.write_text(DISCLOSURE + "energy:\n  training:\n    energy: 1 MWh\n    evidence: emissions.csv\n",
                          encoding="utf-8")
    result = _check(str(disclosure), cwd=tmp_path)
    assert "Traceback" not in result.stderr and result.returncode == 2
    messages = [f["message"] for f in json.loads(result.stdout)["findings"] if f["policy"] == "openwatt"]
    assert any("emissions.csv" in m and "is a named pipe, not a regular file" in m for m in messages), messages


# --- folders -----------------------------------------------------------------------------------------------


def test_a_folder_that_cannot_be_listed_is_a_problem_and_the_rest_is_listed(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yaml").write_text(DISCLOSURE, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.yaml").write_text(DISCLOSURE, encoding="utf-8")
    real = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> Any:
        if os.fspath(path) == str(tmp_path / "locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = survey([tmp_path])
    assert found.files == (tmp_path / "a.yaml",)
    assert [_message(p) for p in found.problems] == [
        (str(tmp_path / "locked"), 0, 0, "cannot read the folder: permission denied", UNREADABLE_HINT)]
    with pytest.raises(DocumentError) as caught:
        discover([tmp_path])
    assert caught.value.message == "cannot read the folder: permission denied"


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_a_folder_without_permissions_is_reported_to_a_user_who_cannot_read_it() -> None:
    # root reads any folder, so the check runs as nobody, for whom chmod 000 means what it says.
    base = Path(tempfile.mkdtemp(prefix="openwatt-locked-"))
    try:
        base.chmod(0o755)
        (base / "locked").mkdir()
        (base / "locked" / "a.yaml").write_text(DISCLOSURE, encoding="utf-8")
        (base / "locked").chmod(0)
        (base / "open.yaml").write_text(DISCLOSURE, encoding="utf-8")
        (base / "open.yaml").chmod(0o644)
        code = ("from openwatt.documents import survey; import sys; s = survey(sys.argv[1:]); "
                "print([str(f) for f in s.files], [(p.file, p.message) for p in s.problems])")
        result = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable,
                                 "-c", code, str(base), str(base / "locked" / "a.yaml")],
                                capture_output=True, text=True, timeout=60, cwd="/",
                                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        if "No module named" in result.stderr or "Permission denied" in result.stderr:
            pytest.skip(f"nobody cannot run openwatt from this checkout: {result.stderr[-200:]}")
        assert result.stdout.strip() == " ".join((repr([str(base / "open.yaml")]), repr([
            (str(base / "locked"), "cannot read the folder: permission denied"),
            (str(base / "locked" / "a.yaml"), "cannot reach the path: permission denied")]))), result.stderr
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)


def test_a_folder_of_hidden_disclosures_only_is_a_problem(tmp_path: Path) -> None:
    for name in (".a.yaml", ".b.json", ".c.yml", ".d.yaml", "notes.txt"):
        (tmp_path / name).write_text(DISCLOSURE, encoding="utf-8")
    found = survey([tmp_path])
    assert found.files == ()
    assert [_message(p) for p in found.problems] == [
        (str(tmp_path), 0, 0, "holds no disclosure files but hidden ones: .a.yaml, .b.json, .c.yml and 1 more",
         HIDDEN_HINT)]


def test_hidden_files_beside_visible_ones_are_left_out_quietly(tmp_path: Path) -> None:
    (tmp_path / ".draft.yaml").write_text(DISCLOSURE, encoding="utf-8")
    (tmp_path / "a.yaml").write_text(DISCLOSURE, encoding="utf-8")
    assert survey([tmp_path]).files == (tmp_path / "a.yaml",) and survey([tmp_path]).problems == ()


def test_an_empty_folder_is_no_problem_of_discovery(tmp_path: Path) -> None:
    # An empty selection as a whole is the caller's to refuse; discovery just finds nothing.
    assert survey([tmp_path]) == survey([]) == type(survey([]))(files=(), problems=())


def test_a_missing_path_is_a_problem_and_the_other_paths_are_listed(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(DISCLOSURE, encoding="utf-8")
    found = survey([tmp_path / "missing", tmp_path])
    assert found.files == (tmp_path / "a.yaml",)
    assert [p.message for p in found.problems] == ["no such file or directory"]
