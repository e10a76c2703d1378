"""`openwatt audit --executor dask`: the same outputs as the local executor, on LocalClusters (in this process,
and of worker processes), with --resume, a worker failing on one input, and the errors of a missing Dask or
an unreachable scheduler. dask[distributed] is in the test extra: nothing here is skipped."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from conftest import EPOCH, generate  # type: ignore[import-not-found]
from distributed import Client, LocalCluster

from openwatt.audit import dask_executor
from openwatt.audit.dask_executor import DaskExecutor, ExecutorError, PolicyBundle, check_on_worker
from openwatt.audit.executors import AuditSetup, Checker
from openwatt.audit.results import Entry
from openwatt.audit.running import OUTPUTS, audit
from openwatt.audit.sources import Submission, submissions
from openwatt.values.verdicts import FailOn

POLICIES = ("energy-transparency", "recommended")  # recommended imports energy-transparency: one judgement each
QUIET = {"dashboard_address": ":0"}  # the scheduler's HTTP server on a free port, not a warning that 8787 is taken


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two workers of one thread in this process: light, and what a worker does can be watched from here."""
    with (LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                       scheduler_kwargs=QUIET, silence_logs=logging.ERROR) as cluster, Client(cluster) as client):
        yield client


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    folder = tmp_path / "in"
    generate(folder, 150)
    (folder / "broken.yaml").write_text("a: [\n")
    return folder


def _setup(*policies: str) -> AuditSetup:
    return AuditSetup(policies=policies or POLICIES, as_of=dt.date(2026, 1, 1), fail_on=FailOn.ERROR)


def _audit(folder: Path, out: Path, executor: DaskExecutor | None = None, *, resume: bool = False,
           checker: Checker | None = None) -> int:
    checker = checker or Checker(_setup())
    counts = audit(submissions([str(folder)]), checker, checker.applied.policies, out, sources=[str(folder)],
                   resume=resume, executor=executor)
    return counts.resumed


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def test_outputs_are_byte_for_byte_those_of_the_local_executor(client: Client, inputs: Path, tmp_path: Path) -> None:
    _audit(inputs, tmp_path / "local")
    _audit(inputs, tmp_path / "dask", DaskExecutor(client, batch=8, in_flight=1))  # 19 batches, 2 at a time
    assert _outputs(tmp_path / "dask") == _outputs(tmp_path / "local")
    journal = (tmp_path / "dask" / "journal.jsonl").read_text().splitlines()
    assert len(journal) == 1 + 151  # the header, then each input once, in the order the batches completed


class _Stopped(Exception):
    pass


def _stopping_after(count: int, executor: DaskExecutor):  # type: ignore[no-untyped-def]
    """An executor stopped after `count` entries, as an audit killed in the middle."""
    def run(items: Iterable[Submission], checker: Checker) -> Iterator[Entry]:
        for number, entry in enumerate(executor(items, checker)):
            if number == count:
                raise _Stopped
            yield entry
    return run


def test_resume_after_a_partial_run_gives_the_outputs_of_one_run(client: Client, inputs: Path, tmp_path: Path) -> None:
    _audit(inputs, tmp_path / "local")
    with pytest.raises(_Stopped):
        _audit(inputs, tmp_path / "dask", _stopping_after(40, DaskExecutor(client, batch=8)))  # type: ignore[arg-type]
    assert _audit(inputs, tmp_path / "dask", DaskExecutor(client, batch=8), resume=True) == 40
    assert _outputs(tmp_path / "dask") == _outputs(tmp_path / "local")
    # and a journal begun by the local executor is resumed on the cluster (the executor is no part of it)
    with pytest.raises(_Stopped):
        _audit(inputs, tmp_path / "mixed", _stopping_after(25, lambda s, c: Checker.check_batch(c, list(s))))  # type: ignore[arg-type]
    assert _audit(inputs, tmp_path / "mixed", DaskExecutor(client), resume=True) == 25
    assert _outputs(tmp_path / "mixed") == _outputs(tmp_path / "local")


def test_a_worker_failing_on_one_input_gives_it_an_error_finding(client: Client, inputs: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _audit(inputs, tmp_path / "local")
    checked = Checker.check_batch

    def failing(self: Checker, batch: list[Submission]) -> list[Entry]:
        if any(s.path.endswith("submission-0042.yaml") for s in batch):
            raise MemoryError("the worker ran out of memory")
        return checked(self, batch)
    monkeypatch.setattr(Checker, "check_batch", failing)  # outside the per-input boundary: the batch breaks
    _audit(inputs, tmp_path / "dask", DaskExecutor(client, batch=16))
    local = (tmp_path / "local" / "findings.jsonl").read_text().splitlines()
    found = (tmp_path / "dask" / "findings.jsonl").read_text().splitlines()
    [differing] = [i for i, (a, b) in enumerate(zip(local, found)) if a != b]
    assert len(found) == len(local) and '"file":"' + str(inputs / "submission-0042.yaml") in found[differing]
    assert ('"verdict":"error","findings":[{"file":"' + str(inputs / "submission-0042.yaml") + '","policy":"openwatt",'
            '"policy_version":"","rule":"openwatt/load"') in found[differing]
    assert ('"message":"openwatt could not check this input: on a Dask worker: MemoryError: the worker ran out of '
            'memory"') in found[differing]


def test_policies_are_compiled_once_per_worker_process(client: Client, inputs: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_executor, "_CHECKERS", {})
    compiled = PolicyBundle.compile
    calls = []

    def counted(self: PolicyBundle) -> list:  # type: ignore[type-arg]
        calls.append(self.digest)
        return compiled(self)
    monkeypatch.setattr(PolicyBundle, "compile", counted)
    _audit(inputs, tmp_path / "dask", DaskExecutor(client, batch=8))
    assert len(calls) == 1  # both workers live in this process: one compilation for 19 batches


def test_the_bundle_compiles_without_the_policy_files(tmp_path: Path, inputs: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "base.policy").write_text(
        'policy base\ntitle "Base"\nversion "1"\n\nrule named {\n  title "The model is named"\n  severity error\n'
        '  require model.id exists\n}\n')
    (tmp_path / "grant.policy").write_text(
        'policy grant\ntitle "Grant"\nversion "2"\n\nimport base\nimport energy-transparency\n')
    setup = AuditSetup(policies=("grant.policy",), search_path=("packs",), as_of=dt.date(2026, 1, 1),
                       fail_on=FailOn.ERROR)
    checker = Checker(setup)
    bundle = PolicyBundle.of(setup, checker.applied.policies)
    assert [policy_id for policy_id, _ in bundle.sources] == ["grant", "base", "energy-transparency"]
    (tmp_path / "packs" / "base.policy").unlink()
    (tmp_path / "grant.policy").unlink()
    shipped = Checker(setup, bundle.compile())
    for submission in list(submissions([str(inputs)]))[:10]:
        assert shipped.check(submission) == checker.check(submission)


def test_a_policy_changed_since_it_was_compiled_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grant.policy").write_text('policy grant\ntitle "Grant"\nversion "2"\n\nimport energy-transparency\n')
    setup = AuditSetup(policies=("grant.policy",), as_of=dt.date(2026, 1, 1), fail_on=FailOn.ERROR)
    checker = Checker(setup)
    (tmp_path / "grant.policy").write_text('policy grant\ntitle "Grant"\nversion "3"\n\nimport energy-transparency\n')
    with pytest.raises(ExecutorError) as caught:
        PolicyBundle.of(setup, checker.applied.policies)
    assert (str(caught.value), caught.value.hint) == (
        "grant.policy: the policy changed while the audit started",
        "leave the policy files in place while auditing, and run the audit again")


def test_a_worker_of_another_openwatt_version_is_refused() -> None:
    setup = _setup("energy-transparency")
    bundle = PolicyBundle.of(setup, Checker(setup).applied.policies)
    older = dataclasses.replace(bundle, openwatt_version="0.0.1", digest="another")
    with pytest.raises(ExecutorError) as caught:
        check_on_worker(older, [])
    assert str(caught.value).startswith("a Dask worker (this process) runs openwatt ")
    assert str(caught.value).endswith(", this audit openwatt 0.0.1")
    assert caught.value.hint == "install the same version of openwatt on every worker as where the audit runs"


class _Cancelled:
    """A future the client cancelled: what every future in flight becomes when the scheduler goes away."""

    def result(self) -> list[Entry]:
        from distributed.client import FutureCancelledError
        raise FutureCancelledError("check_on_worker-1", "scheduler-connection-lost")


class _Unreachable:
    """A client whose scheduler no longer answers."""

    def scatter(self, *args: object, **kwargs: object) -> None:
        raise OSError("Timed out trying to connect to tcp://10.0.0.5:8786 after 10 s")


def test_a_cluster_lost_during_the_audit_stops_it_with_a_message(inputs: Path) -> None:
    checker = Checker(_setup("energy-transparency"))
    lost = ("the Dask cluster went away during the audit; the inputs checked so far are journaled",
            "run the audit again with --resume once the cluster is back")
    with pytest.raises(ExecutorError) as caught:
        DaskExecutor._entries(_Cancelled(), list(submissions([str(inputs)]))[:2], checker, lambda batch: None)  # type: ignore[arg-type]
    assert (str(caught.value), caught.value.hint) == lost
    with pytest.raises(ExecutorError) as caught:
        list(DaskExecutor(_Unreachable())(submissions([str(inputs)]), checker))  # type: ignore[arg-type]
    assert (str(caught.value), caught.value.hint) == lost


# ---- the command


def test_the_command_on_a_cluster_of_worker_processes(openwatt, submissions: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    local = openwatt("audit", str(submissions), "-p", POLICIES[0], "--out", str(tmp_path / "local"), env=EPOCH)
    dask = openwatt("audit", str(submissions), "-p", POLICIES[0], "--out", str(tmp_path / "dask"),
                    "--executor", "dask", "--jobs", "2", env=EPOCH)
    assert (dask.returncode, dask.stderr) == (local.returncode, "")
    assert dask.stdout == local.stdout.replace(str(tmp_path / "local"), str(tmp_path / "dask"))
    assert _outputs(tmp_path / "dask") == _outputs(tmp_path / "local")


def test_the_command_with_a_scheduler(openwatt, client: Client, submissions: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    local = openwatt("audit", str(submissions), "-p", POLICIES[0], "--out", str(tmp_path / "local"), env=EPOCH)
    dask = openwatt("audit", str(submissions), "-p", POLICIES[0], "--out", str(tmp_path / "dask"),
                    "--executor", "dask", "--scheduler", client.scheduler.address, env=EPOCH)
    assert (dask.returncode, dask.stderr) == (local.returncode, "")
    assert _outputs(tmp_path / "dask") == _outputs(tmp_path / "local")


def _fails(result, message: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"openwatt: error: {message}\n    hint: {hint}\n"


def test_without_dask_installed_the_command_says_how_to_install_it(openwatt, submissions: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    result = openwatt("audit", str(submissions), "-p", POLICIES[0], "--out", str(tmp_path / "out"), "--executor",
                      "dask")
    _fails(result, "--executor dask needs Dask's distributed scheduler, which is not installed",
           "pip install 'openwatt[dask]' (the same version on the workers)")
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_named_with_a_hint(openwatt, submissions: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 0.5)
    argv = (str(submissions), "-p", POLICIES[0], "--out", str(tmp_path / "out"), "--executor", "dask")
    _fails(openwatt("audit", *argv, "--scheduler", "tcp://127.0.0.1:9"),
           "cannot reach the Dask scheduler at tcp://127.0.0.1:9 (waited 0.5 s)",
           "check the address (tcp://HOST:PORT; a scheduler listens on port 8786 unless told otherwise) and that "
           "`dask scheduler` runs there, or leave out --scheduler to start a cluster on this machine")
    _fails(openwatt("audit", *argv, "--scheduler", "udp://127.0.0.1:9"),
           "udp://127.0.0.1:9 is not the address of a Dask scheduler: unknown address scheme 'udp' (known schemes: "
           "['inproc', 'tcp', 'tls', 'ucx', 'ws', 'wss'])", "give it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786")


def test_a_scheduler_without_workers_is_named_with_a_hint(openwatt, submissions: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_executor, "CONNECT_TIMEOUT", 0.5)
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None, scheduler_kwargs=QUIET,
                      silence_logs=logging.ERROR) as cluster:
        address = cluster.scheduler_address
        result = openwatt("audit", str(submissions), "-p", POLICIES[0], "--out", str(tmp_path / "out"),
                          "--executor", "dask", "--scheduler", address)
    _fails(result, f"the Dask scheduler at {address} has no worker",
           f"start workers with `dask worker {address} --nthreads 1` on machines that can read the inputs at the "
           "same paths")


def test_scheduler_and_jobs_go_with_the_dask_executor(openwatt, submissions: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    argv = (str(submissions), "-p", POLICIES[0], "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9")
    _fails(openwatt("audit", *argv), "--scheduler is the address of a Dask scheduler", "add --executor dask")
    _fails(openwatt("audit", *argv, "--executor", "dask", "--jobs", "2"),
           "--jobs sets the workers of a cluster started here; with --scheduler, the cluster's own workers check "
           "the inputs", "leave out --jobs, or --scheduler to start a cluster of --jobs workers here")
