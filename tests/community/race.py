"""Start jobs at the same moment on threads, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_together(jobs: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Run every job at once; return what they returned and what they raised."""
    start = threading.Barrier(len(jobs))
    results: list[object] = []
    errors: list[BaseException] = []

    def worker(job):
        try:
            start.wait()
            results.append(job())
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
