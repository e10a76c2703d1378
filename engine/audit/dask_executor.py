"""Checking an audit's submissions on a Dask cluster (`openwatt audit --executor dask`, the extra openwatt[dask]).

The policies go to the cluster once, as their source text (`PolicyBundle`, scattered to every worker): a
worker compiles them the first time a batch needs them and keeps them in a cache keyed by the bundle's
digest, so each worker process compiles once per audit however many batches it checks. Submissions go in
batches of `BATCH` paths, at most `IN_FLIGHT` batches per worker thread at a time; each batch's entries come
back as it completes and are journaled by the audit as in this process, so `--resume` works the same and the
outputs, written from the journal sorted by file, are byte for byte those of the local executor.

Workers read the inputs themselves, at the paths the submissions give: the inputs (and the evidence files
they cite) must be readable by every worker at those paths, as on a shared file system. A batch that breaks
on a worker (the worker died, or something raised outside the per-input boundary) is sent again one input
at a time, and an input that still breaks gets its error finding: the audit goes on.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import tempfile
import threading
from concurrent.futures import CancelledError
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..language.errors import PolicyErrors
from ..language.loader import POLICY_SUFFIX, SHIPPED_PREFIX
from ..language.policy import CompiledPolicy
from ..resources import POLICIES_DIR
from ..version import __version__ as VERSION
from .executors import AuditSetup, Checker, in_batches
from .results import Entry
from .sources import Submission

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["BATCH", "CONNECT_TIMEOUT", "DaskExecutor", "ExecutorError", "IN_FLIGHT", "PolicyBundle", "connect"]

BATCH = 64  # submissions sent to a worker at once: a task costs the scheduler about a millisecond
IN_FLIGHT = 4  # batches per worker thread submitted ahead of the results written
CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler, and to wait for its first worker
INSTALL_HINT = "pip install 'openwatt[dask]' (the same version on the workers)"


class ExecutorError(Exception):
    """The Dask executor cannot start or go on: Dask missing, a scheduler not reached, a worker unlike this one."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message, hint)  # state in args, so it pickles (raised on a worker, read here)
        self.message, self.hint = message, hint

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyBundle:
    """What a worker compiles the audit's policies from, without reading a policy file: the setup, the source
    bytes of every policy file in the import trees (each file once) and, per policy applied (-p), its id and
    the files of its tree (indexes into `sources`)."""

    setup: AuditSetup
    openwatt_version: str
    sources: tuple[tuple[str, bytes], ...]  # (policy id, the file's bytes)
    trees: tuple[tuple[str, tuple[int, ...]], ...]
    digest: str  # the key of the workers' cache: of all the above

    @classmethod
    def of(cls, setup: AuditSetup, policies: Sequence[CompiledPolicy]) -> PolicyBundle:
        """The bundle of `policies`, compiled here from `setup`: each source file read again and checked
        against the digest it was compiled with. Raises ExecutorError when one changed since."""
        files: dict[tuple[str, str], int] = {}  # (file, sha256) -> index in sources
        sources: list[tuple[str, bytes]] = []
        trees = []
        for policy in policies:
            for source in policy.sources:
                if (source.file, source.sha256) not in files:
                    files[source.file, source.sha256] = len(sources)
                    sources.append((source.id, _source_bytes(source.file, source.sha256)))
            trees.append((policy.id, tuple(files[s.file, s.sha256] for s in policy.sources)))
        key = repr((VERSION, setup, [(i, hashlib.sha256(text).hexdigest()) for i, text in sources], trees))
        return cls(setup=setup, openwatt_version=VERSION, sources=tuple(sources), trees=tuple(trees),
                   digest=hashlib.sha256(key.encode("utf-8", "backslashreplace")).hexdigest())

    def compile(self) -> list[CompiledPolicy]:
        """The policies, compiled from the bundled sources alone. Each source is written to a temporary folder
        of its own, and a tree's folders are its search path: every import finds the file it found where the
        audit started, and a file imported by two trees is one file here too (a rule's judgement is keyed by
        its file, so it is judged once for both, as it was there). Raises PolicyErrors."""
        from ..checking import Engine

        compiled = []
        with tempfile.TemporaryDirectory(prefix="openwatt-policies-") as folder:
            for index, (policy_id, text) in enumerate(self.sources):
                Path(folder, str(index)).mkdir()
                Path(folder, str(index), f"{policy_id}{POLICY_SUFFIX}").write_bytes(text)
            for root, tree in self.trees:
                engine = Engine(search_path=[Path(folder, str(i)) for i in tree], params=self.setup.params,
                                config_params=self.setup.config_params)
                compiled.append(engine.policy(root))
        return compiled


def _source_bytes(file: str, sha256: str) -> bytes:
    """The bytes of a policy source as findings name it (relative to the working folder, or a shipped pack)."""
    path = POLICIES_DIR / file.removeprefix(SHIPPED_PREFIX) if file.startswith(SHIPPED_PREFIX) else Path(file)
    try:
        text = path.read_bytes()
    except OSError as error:
        raise ExecutorError(f"{file}: cannot read the policy again to send it to the workers: "
                            f"{error.strerror or error}", "leave the policy files in place while auditing") from None
    if hashlib.sha256(text).hexdigest() != sha256:
        raise ExecutorError(f"{file}: the policy changed while the audit started",
                            "leave the policy files in place while auditing, and run the audit again")
    return text


# ---- on a worker


_CHECKERS: dict[str, Checker] = {}  # bundle digest -> the policies compiled (the last few audits' bundles)
_KEPT = 4
_LOCK = threading.Lock()  # one batch at a time per worker process, whatever its threads: checking holds the GIL


def _checker(bundle: PolicyBundle) -> Checker:
    checker = _CHECKERS.get(bundle.digest)
    if checker is None:
        if bundle.openwatt_version != VERSION:
            raise ExecutorError(f"a Dask worker ({_worker_address()}) runs openwatt {VERSION}, this audit "
                                f"openwatt {bundle.openwatt_version}",
                                "install the same version of openwatt on every worker as where the audit runs")
        checker = Checker(bundle.setup, bundle.compile())
        while len(_CHECKERS) >= _KEPT:
            del _CHECKERS[next(iter(_CHECKERS))]
        _CHECKERS[bundle.digest] = checker
    return checker


def _worker_address() -> str:
    from distributed import get_worker

    try:
        return str(get_worker().address)
    except ValueError:  # not in a worker
        return "this process"


def check_on_worker(bundle: PolicyBundle, batch: Sequence[Submission]) -> list[Entry]:
    """A batch's entries, on a worker: the policies compiled once per worker process (keyed by the digest)."""
    with _LOCK:
        return _checker(bundle).check_batch(batch)


# ---- where the audit runs


class DaskExecutor:
    """An `Executor` on the cluster `client` is connected to (see `connect`)."""

    def __init__(self, client: Client, *, batch: int = BATCH, in_flight: int = IN_FLIGHT) -> None:
        self.client, self.batch, self.in_flight = client, batch, in_flight

    def __call__(self, submissions: Iterable[Submission], checker: Checker) -> Iterator[Entry]:
        """Each submission's entry, as the batches complete. Raises ExecutorError when the policies do not
        compile on a worker, a worker runs another version of openwatt, or the cluster is lost."""
        from distributed import as_completed

        with _cluster_lost():
            bundle = self.client.scatter(PolicyBundle.of(checker.setup, checker.applied.policies), broadcast=True,
                                         hash=False)
            threads = sum(self.client.nthreads().values()) or 1
        batches = in_batches(submissions, self.batch)
        sent: dict[Future, list[Submission]] = {}  # the futures in flight, and their batches
        completed = as_completed()

        def send(batch: list[Submission]) -> None:
            with _cluster_lost():
                future = self.client.submit(check_on_worker, bundle, batch, pure=False)
            sent[future] = batch
            completed.add(future)

        for batch in itertools.islice(batches, threads * self.in_flight):
            send(batch)
        for future in completed:
            batch = sent.pop(future)
            entries = self._entries(future, batch, checker, send)
            if len(sent) < threads * self.in_flight and (following := next(batches, None)) is not None:
                send(following)
            future.release()
            yield from entries

    @staticmethod
    def _entries(future: Future, batch: list[Submission], checker: Checker,
                 send: Callable[[list[Submission]], None]) -> list[Entry]:
        """The batch's entries. A batch that broke is sent again one input at a time (its entries come later,
        so none now), and an input that broke alone gets its error finding."""
        try:
            return list(future.result())
        except ExecutorError:
            raise
        except PolicyErrors as error:
            raise ExecutorError(f"the policies do not compile on a Dask worker: {error}",
                                "install the same version of openwatt on every worker as where the audit runs"
                                ) from None
        except CancelledError:  # the scheduler went away, and the client with it: every future is cancelled
            raise _lost() from None
        except Exception as error:  # noqa: BLE001 -- a batch that broke on a worker: the audit goes on
            if len(batch) > 1:
                for submission in batch:
                    send([submission])
                return []
            return [checker.broken(batch[0], f"on a Dask worker: {type(error).__name__}: {error}",
                                   "the worker checking it failed, or died (out of memory?); check it alone "
                                   "with openwatt check, and report a bug of openwatt with the input if you can")]


def _lost() -> ExecutorError:
    return ExecutorError("the Dask cluster went away during the audit; the inputs checked so far are journaled",
                         "run the audit again with --resume once the cluster is back")


@contextmanager
def _cluster_lost() -> Iterator[None]:
    """Around a call to the scheduler: its connection lost (an OSError) is the cluster gone."""
    try:
        yield
    except OSError:
        raise _lost() from None


@contextmanager
def connect(scheduler: str | None, *, workers: int = 1) -> Iterator[DaskExecutor]:
    """A DaskExecutor on the cluster of `scheduler` (an address, tcp://HOST:PORT), or on a LocalCluster of
    `workers` processes of one thread each when it is None; closed (the LocalCluster stopped) on leaving.
    Raises ExecutorError when Dask is not installed, the scheduler cannot be reached or has no worker."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExecutorError("--executor dask needs Dask's distributed scheduler, which is not installed",
                            INSTALL_HINT) from None
    if scheduler is None:
        # No dashboard; the scheduler's HTTP server (health, metrics) on any free port, not a warning on 8787.
        with (LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                           scheduler_kwargs={"dashboard_address": ":0"}, silence_logs=logging.ERROR) as cluster,
              Client(cluster) as client):
            yield DaskExecutor(client)
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except OSError:  # refused, or no answer: TimeoutError is an OSError
        raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler} (waited {CONNECT_TIMEOUT:g} s)",
                            "check the address (tcp://HOST:PORT; a scheduler listens on port 8786 unless told "
                            "otherwise) and that `dask scheduler` runs there, or leave out --scheduler to start "
                            "a cluster on this machine") from None
    except (ValueError, TypeError) as error:
        raise ExecutorError(f"{scheduler} is not the address of a Dask scheduler: {error}",
                            "give it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise ExecutorError(f"the Dask scheduler at {scheduler} has no worker",
                                f"start workers with `dask worker {scheduler} --nthreads 1` on machines that can "
                                "read the inputs at the same paths") from None
        except OSError:
            raise _lost() from None
        yield DaskExecutor(client)
