"""Answers of identical queries, kept while the server runs.

The store is read-only for the life of the process, so an answer can never go stale:
the same query text, formats and graphs always give the same bytes. Repeated queries
(the competency questions, a page's tables, a client polling) are answered without a
worker, which is what lets many concurrent clients share two query workers. Bounded by
total bytes, least recently used first out; only successful answers are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from llm_atlas.serve.workers import Answer, Job


def job_key(job: Job) -> tuple:
    return (job.query, tuple(sorted(job.formats.items())), tuple(job.default_graph or ()),
            tuple(job.named_graphs or ()), job.default_graph is None, job.named_graphs is None, job.html, job.base_iri)


def _size(answer: Answer) -> int:
    # html answers hold a table instead of bytes; its repr length is a fair estimate of its weight
    return len(answer.body) + (len(repr(answer.table)) if answer.table is not None else 0) + 256


class AnswerCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, tuple[Answer, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, job: Job) -> Answer | None:
        if self.max_bytes <= 0:
            return None
        key = job_key(job)
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, job: Job, answer: Answer) -> None:
        size = _size(answer)
        if answer.status != 200 or size > self.max_bytes:
            return
        key = job_key(job)
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (answer, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def __len__(self) -> int:
        return len(self._items)


