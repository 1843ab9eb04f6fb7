"""Work that runs on another thread while the request's own thread does something else.

A search waits on several engines in turn; the query embedding (onnxruntime) and the vector
index (usearch) release the GIL, so on two cores each can run beside tantivy or the database
instead of after them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

THREADS = 4  # at once per process: a web worker serves a few requests at a time
_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def run_beside(work: Callable[..., T], *args, **kwargs) -> Future[T]:
    """Start ``work(*args, **kwargs)`` on a pool thread; ``.result()`` collects it (or its error).

    The work must not use the database: a pool thread would open a connection of its own that
    nothing closes.
    """
    global _pool
    with _pool_lock:
        # One pool per process: a forked web worker must not inherit its parent's (dead) threads.
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(THREADS, thread_name_prefix="search-beside"))
        pool = _pool[1]
    return pool.submit(work, *args, **kwargs)
