"""Benchmark the JSON API and feeds with the Hugging Face records (~10k papers) loaded.

Loads ``../shared/data/hf_daily_papers.jsonl.xz`` into a fresh SQLite database in a temporary
data directory (or uses ``--data-dir`` as it is), then times requests and prints p50/p95/mean
per route:

- in process, through Django's full stack (middleware, URL routing, views, JSON): a pass where
  every request is worked out, and one where anonymous reads are answered from memory, and
- over HTTP on 127.0.0.1 against ``paperfeed serve`` (gunicorn) in a subprocess, with httpx,
  one connection at a time.

Anonymous reads of the daily feed and of paper JSON are kept in each web process's memory until
the feed changes (core/read_cache.py). Over HTTP the requests spread over the server's workers,
each storing its own answers, so the first request of a URL in each worker is worked out.

    python bench/api_bench.py
    python bench/api_bench.py --requests 500
    python bench/api_bench.py --data-dir /path/to/loaded/data   # reuse a loaded site
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from hf_site import HF_FILE, load


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    mean = statistics.mean(samples)
    return f"p50 {p50 * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   mean {mean * 1000:7.2f} ms"


def routes(count: int) -> dict[str, list[str]]:
    """URLs to time: each route with ``count`` varied requests."""
    from django.db.models import Count

    from paperfeed.papers.models import Listing, Paper

    days = list(
        Listing.objects.values("date")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("date", flat=True)[:30]
    )
    ids = list(Paper.objects.values_list("arxiv_id", flat=True))
    rng = random.Random(7)
    picks = [rng.choice(ids) for _ in range(count)]
    return {
        "daily feed, one day (50 papers)": [
            f"/api/daily_papers?date={days[i % len(days)]}&limit=50" for i in range(count)
        ],
        "daily feed, latest (50)": [f"/api/daily_papers?limit=50&p={i % 5}" for i in range(count)],
        "daily feed, a month page (100)": [
            f"/api/daily_papers?month=2025-10&limit=100&p={i % 3}" for i in range(count)
        ],
        "daily feed, trending (50)": ["/api/daily_papers?sort=trending&limit=50"] * count,
        "paper JSON": [f"/api/papers/{arxiv_id}" for arxiv_id in picks],
        "paper Markdown": [f"/papers/{arxiv_id}.md" for arxiv_id in picks],
        "Atom feed, daily": ["/feeds/daily.atom"] * max(count // 4, 10),
    }


def time_in_process(urls: list[str], stored: bool) -> tuple[list[float], list[float]]:
    """Wall time and this thread's CPU time per request (CPU time shows the work itself on a busy machine).

    ``stored``: each URL is asked once before it is timed, so anonymous reads come from memory;
    otherwise the stored answers are dropped before every request, so each one is worked out.
    """
    from django.core.cache import caches
    from django.test import Client

    client = Client()
    samples, cpu = [], []
    for url in urls:
        if stored:
            client.get(url)
        else:
            caches["pages"].clear()
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
        assert response.status_code == 200, (url, response.status_code)
    return samples, cpu


def time_over_http(urls: list[str], base: str) -> list[float]:
    import httpx

    samples = []
    with httpx.Client(base_url=base) as client:
        client.get(urls[0])
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            response.read()
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per route (default 200)")
    parser.add_argument("--data-dir", type=Path, help="an already loaded data directory to use as is")
    args = parser.parse_args()

    temporary = None
    if args.data_dir is None:
        temporary = tempfile.TemporaryDirectory(prefix="paperfeed-api-bench-")
        data_dir = Path(temporary.name)
        print(f"Loading {HF_FILE.name} into {data_dir}")
        load(data_dir)
    else:
        data_dir = args.data_dir
    os.environ["PAPERFEED_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperfeed.settings")
    os.environ.setdefault("PAPERFEED_ALLOWED_HOSTS", "testserver")  # the in-process test client's host
    import django

    django.setup()
    from paperfeed.papers.models import Listing, Paper

    load_average = os.getloadavg()[0]
    print(f"{Paper.objects.count():,} papers, {Listing.objects.count():,} listings; load average "
          f"{load_average:.2f} on {os.cpu_count()} cores; {args.requests} requests per route")  # fmt: skip
    plan = routes(args.requests)
    from django.test import Client

    Client().get("/api/openapi.json")  # imports and URL patterns, outside the timed requests
    print("\nIn process (Django test client, full middleware stack); wall time, then CPU time:")
    for name, urls in plan.items():
        passes = (("full work", time_in_process(urls, False)), ("stored", time_in_process(urls, True)))
        for label, (wall, cpu) in passes:
            print(f"  {name:34s} {label:9s}  {percentiles(wall)}")
            print(f"  {'':34s} {label:9s}  {percentiles(cpu)}   (CPU)")
    from page_load_bench import free_port, start_server, stop_server

    port = free_port()
    server = start_server(data_dir, port, workers=None, threads=None)
    banner = server.stdout.readline().strip() + " " + server.stdout.readline().strip()
    print(f"\nOver HTTP ({banner}; httpx, keep-alive, one request at a time):")
    try:
        for name, urls in plan.items():
            print(f"  {name:34s} {percentiles(time_over_http(urls, f'http://127.0.0.1:{port}'))}")
    finally:
        stop_server(server)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    if temporary is not None:
        temporary.cleanup()


if __name__ == "__main__":
    main()
