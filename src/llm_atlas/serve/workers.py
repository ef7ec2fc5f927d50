"""Queries run in worker processes that can be killed: the timeout holds even inside
Oxigraph's native engine, which has no timeout of its own.

The parent bulk-loads ``dist/`` once into an on-disk Oxigraph store (:func:`prepare_store`)
and closes it; every worker opens that store read-only. A :class:`WorkerPool` keeps a fixed
number of workers and a bounded number of waiting requests; a query that overruns the
timeout gets its worker killed and replaced, and the caller gets :class:`QueryTimeout`.
Everything a query does happens in the worker, parsing included (the guard refuses updates,
SERVICE and foreign FROM there), so a pathological query text is bounded by the timeout too.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import queue
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from llm_atlas.guard import QueryRefused, QuerySyntaxError, check_query
from llm_atlas.namespaces import PREFIX_IRIS
from llm_atlas.query import DEFAULT_GRAPH_FILE, GRAPHS, SUMS, dataset_options, load_store
from llm_atlas.serve import negotiation, results

MARKER = "dist.sha256"  # beside the store: which dist/ it holds


class Busy(Exception):
    """Every worker is busy and the waiting line is full."""


class QueryTimeout(Exception):
    """The query ran past the time limit; its worker was killed."""


class WorkerFailed(Exception):
    """The worker died while running the query (e.g. out of memory); it was replaced."""


@dataclass
class Limits:
    timeout: float = 10.0  # seconds a query may run
    max_rows: int = 10_000  # solutions or triples in one answer
    max_bytes: int = 32 * 1024 * 1024  # bytes in one answer
    max_memory: int = 2 * 1024 ** 3  # address space of one worker; a query past it kills only its worker


@dataclass
class Job:
    query: str
    formats: dict = field(default_factory=dict)  # "results"/"graph" -> format key or None; or mode "html"
    default_graph: list[str] | None = None  # default-graph-uri values (None: not given)
    named_graphs: list[str] | None = None  # named-graph-uri values (None: not given)
    html: bool = False  # answer a table of JSON-style terms for a page instead of bytes
    base_iri: str | None = None  # what relative IRIs in the query resolve against: the endpoint's URL


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict = field(default_factory=dict)
    table: dict | None = None  # html jobs: {"form", "variables", "rows", "boolean", "truncated"}

    @classmethod
    def error(cls, status: int, message: str) -> "Answer":
        return cls(status, (message.rstrip() + "\n").encode())


# --- the store ---------------------------------------------------------------------------

def dist_digest(dist: Path) -> str:
    """What identifies a build: the hash of its SHA256SUMS."""
    return hashlib.sha256((Path(dist) / SUMS).read_bytes()).hexdigest()


def prepare_store(dist: Path, folder: Path) -> Path:
    """An on-disk Oxigraph store of ``dist/`` under ``folder`` (reused if it holds this build).

    Returns the store's path. ``folder`` must be empty, missing, or made by this function.
    """
    folder = Path(folder)
    path, marker = folder / "oxigraph", folder / MARKER
    digest = dist_digest(dist)
    if marker.exists() and marker.read_text().strip() == digest and path.is_dir():
        return path
    if folder.exists() and any(folder.iterdir()) and not marker.exists():
        raise FileExistsError(f"{folder} is not empty and holds no atlas store; give an empty or new folder")
    shutil.rmtree(path, ignore_errors=True)
    marker.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    store = load_store(Path(dist), ox.Store(str(path)))
    store.flush()
    del store
    marker.write_text(digest + "\n")
    return path


def snapshot_dist(dist: Path, folder: Path) -> Path:
    """A private copy of the release's N-Triples files under ``folder``, for :func:`open_store`
    to load into memory: a rebuild of ``dist/`` while the server runs cannot reach a worker
    that is (re)started later, so every process answers from the same release."""
    target = Path(folder) / "dist"
    target.mkdir(parents=True, exist_ok=True)
    for name in [DEFAULT_GRAPH_FILE, *GRAPHS.values()]:
        if (Path(dist) / name).exists():
            shutil.copyfile(Path(dist) / name, target / name)
    return target


def open_store(source: Path) -> ox.Store:
    """The store a process queries: ``source`` is an on-disk store made by :func:`prepare_store`
    (opened read-only, nothing loaded), or a ``dist/`` folder, loaded into memory.

    In memory, queries on the atlas run 2–10× faster than on the on-disk store (its RocksDB
    look-ups dominate small queries); on disk, a Hub-scale store is shared and not reloaded.
    """
    source = Path(source)
    if (source / DEFAULT_GRAPH_FILE).exists():
        return load_store(source)
    return ox.Store.read_only(str(source))


# --- inside a worker ---------------------------------------------------------------------

def execute(store: ox.Store, job: Job, limits: Limits) -> Answer:
    """Run one job on ``store``: refuse, parse, evaluate and serialise within the caps."""
    try:
        checked = check_query(job.query)
    except QueryRefused as err:
        return Answer.error(403, f"refused: {err}")
    except QuerySyntaxError as err:
        return Answer.error(400, f"malformed query: {err}")
    form = checked.form
    kind = "results" if form in ("SELECT", "ASK") else "graph"
    fmt = job.formats.get(kind)
    if not job.html and fmt is None:
        return Answer.error(406, f"no acceptable format for a {form} result; offered: {negotiation.offered(kind)}")
    options = {"prefixes": PREFIX_IRIS, "base_iri": job.base_iri,
               **dataset_options(checked, job.default_graph, job.named_graphs)}
    try:
        result = store.query(job.query, **options)
        if kind == "results":
            table = results.collect(result, max_rows=limits.max_rows)
            truncated = table.truncated
        else:
            triples, truncated = results.collect_triples(result, max_rows=limits.max_rows)
    except SyntaxError as err:
        return Answer.error(400, f"malformed query: {err}")
    except (OSError, ValueError, RuntimeError) as err:
        return Answer.error(500, f"query failed: {err}")
    headers = {"X-SPARQL-MaxRows": str(limits.max_rows)} if truncated else {}
    if job.html:
        if kind == "graph":
            table = results.Table(variables=["subject", "predicate", "object"],
                                  rows=[[t.subject, t.predicate, t.object] for t in triples])
        data = {"form": form, "variables": table.variables, "boolean": table.boolean, "truncated": truncated,
                "rows": [[None if t is None else results.json_term(t) for t in row] for row in table.rows]}
        return Answer(200, table=data, headers=headers)
    body = results.write_table(table, fmt) if kind == "results" else results.write_graph(triples, fmt)
    if len(body) > limits.max_bytes:
        return Answer.error(500, f"the answer is larger than the {limits.max_bytes}-byte limit; add LIMIT or select less")
    return Answer(200, body, negotiation.media_type(kind, fmt), headers)


def _worker_main(store_path: str, conn, limits: Limits) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limits.max_memory, limits.max_memory))
    except (ImportError, ValueError, OSError):  # not on this platform: the timeout still holds
        pass
    store = open_store(Path(store_path))
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = execute(store, job, limits)
        except Exception as err:  # a worker answers, whatever happens
            answer = Answer.error(500, f"query failed: {type(err).__name__}: {err}")
        conn.send(answer)


# --- the parent's side -------------------------------------------------------------------

class _Worker:
    def __init__(self, context, store_path: Path, limits: Limits):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(str(store_path), child, limits),
                                       daemon=True, name="llm-atlas-query-worker")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> bool:
        try:
            return self.conn.poll(timeout) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """``size`` query workers, at most ``max_waiting`` requests waiting for one.

    :meth:`run` blocks (call it from a thread) and returns an :class:`Answer`, or raises
    Busy, QueryTimeout or WorkerFailed.
    """

    def __init__(self, store_path: Path, *, size: int = 2, limits: Limits | None = None, max_waiting: int = 16):
        self.store_path = Path(store_path)
        self.size = size
        self.limits = limits or Limits()
        self.max_waiting = max_waiting
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._pending = 0
        self._workers: set[_Worker] = set()
        self._closed = False
        starting = [self._start() for _ in range(size)]
        for worker in starting:
            if not worker.wait_ready(60):
                self.close()
                raise RuntimeError(f"a query worker could not open the store at {self.store_path}")
            self._idle.put(worker)

    def _start(self) -> _Worker:
        worker = _Worker(self._context, self.store_path, self.limits)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and put a fresh one in its place (in the background)."""
        with self._lock:
            self._workers.discard(worker)
        worker.kill()

        def start():
            if self._closed:
                return
            fresh = self._start()
            if fresh.wait_ready(60) and not self._closed:
                self._idle.put(fresh)

        threading.Thread(target=start, daemon=True, name="llm-atlas-worker-restart").start()

    def run(self, job: Job) -> Answer:
        with self._lock:
            if self._closed or self._pending >= self.size + self.max_waiting:
                raise Busy("all query workers are busy; try again shortly")
            self._pending += 1
        try:
            try:
                worker = self._idle.get(timeout=self.limits.timeout)
            except queue.Empty:
                raise Busy("all query workers are busy; try again shortly") from None
            healthy = False
            try:
                worker.conn.send(job)
                if not worker.conn.poll(self.limits.timeout):
                    raise QueryTimeout(f"the query ran longer than the {self.limits.timeout:g} s limit and was stopped")
                answer = worker.conn.recv()
                healthy = True
                return answer
            except (EOFError, OSError, BrokenPipeError):
                raise WorkerFailed("the query worker stopped while running this query (out of memory?)") from None
            finally:
                if healthy:
                    self._idle.put(worker)
                else:
                    self._replace(worker)
        finally:
            with self._lock:
                self._pending -= 1

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.kill()
