"""Load benchmark: the daily page under many connections, served by the real ``paperfeed serve``.

Loads ``../shared/data/hf_daily_papers.jsonl.xz`` (~10k papers) into a scratch data directory
(or reuses ``--data-dir``), starts ``paperfeed serve`` in a subprocess (gunicorn, the production
server), drives it with ``wrk`` and prints requests/s, latency percentiles, errors, the server's
CPU time and the load average.

Needs ``wrk`` (Debian/Ubuntu: ``apt-get install -y wrk``; macOS: ``brew install wrk``).

    python bench/page_load_bench.py                                  # load a scratch copy, then measure
    python bench/page_load_bench.py --data-dir /tmp/me/data10k       # reuse a loaded data directory
    python bench/page_load_bench.py --path /papers/trending --duration 10 --workers 3 --threads 4

On a shared machine run it under the benchmark lock: ``flock /tmp/paperfeed-bench.lock python ...``.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from hf_site import HF_FILE, load


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_server(data_dir: Path, port: int, workers: int | None, threads: int | None) -> subprocess.Popen:
    command = [sys.executable, "-m", "paperfeed", "serve", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    env = {**os.environ, "PAPERFEED_DATA_DIR": str(data_dir)}
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"paperfeed serve exited early:\n{server.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("paperfeed serve did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> str:
    server.send_signal(signal.SIGTERM)
    try:
        output, _ = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        output, _ = server.communicate()
    return output


def check_page(url: str) -> None:
    """The page must be the real feed, not an error page that happens to be fast."""
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read().decode()
    cards = body.count('class="card paper-card"')
    if response.status != 200 or cards == 0:
        raise SystemExit(f"{url} is not a feed page with papers (status {response.status}, {cards} cards)")
    print(f"  {url}: {len(body):,} bytes, {cards} paper cards")


def run_wrk(url: str, connections: int, duration: int, threads: int) -> str:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "5s",
        url,
    ]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def milliseconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(output: str) -> dict:
    figures: dict = {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    figures["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    for percent in ("50", "75", "90", "99"):
        figures[f"p{percent}_ms"] = milliseconds(re.search(rf"^\s+{percent}%\s+(\S+)", output, re.M).group(1))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    figures["socket_errors"] = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="an already loaded data directory to use as is")
    parser.add_argument("--path", default="/", help="page to load (default /, the latest day)")
    parser.add_argument("--connections", type=int, default=32, help="open connections (default 32)")
    parser.add_argument("--duration", type=int, default=30, help="seconds of load (default 30)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, help="server worker processes (default: paperfeed serve's)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: paperfeed serve's)")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (Debian/Ubuntu) or brew install wrk")
    temporary = None
    if args.data_dir is None:
        temporary = tempfile.TemporaryDirectory(prefix="paperfeed-page-bench-")
        data_dir = Path(temporary.name)
        print(f"Loading {HF_FILE.name} into {data_dir}")
        load(data_dir)
    else:
        data_dir = args.data_dir

    port = free_port()
    url = f"http://127.0.0.1:{port}{args.path}"
    cpu_before_server = children_cpu_seconds()
    server = start_server(data_dir, port, args.workers, args.threads)
    try:
        banner = server.stdout.readline().strip() + " " + server.stdout.readline().strip()
        print(f"Server: {banner}")
        check_page(url)
        run_wrk(url, args.connections, 2, args.wrk_threads)  # warm-up: every worker renders once
        load_before = os.getloadavg()
        cpu_before_wrk = children_cpu_seconds()
        started = time.perf_counter()
        output = run_wrk(url, args.connections, args.duration, args.wrk_threads)
        wall = time.perf_counter() - started
        wrk_cpu = children_cpu_seconds() - cpu_before_wrk
        load_after = os.getloadavg()
    finally:
        log = stop_server(server)
    server_cpu = children_cpu_seconds() - cpu_before_server - wrk_cpu
    figures = parse_wrk(output)
    print(output.rstrip())
    print(
        f"\nDaily page {args.path} under load: {args.connections} connections for {args.duration} s "
        f"({os.cpu_count()} cores)\n"
        f"  requests/s          {figures['requests_per_second']:8.1f}   ({figures['requests']:,} requests)\n"
        f"  latency p50         {figures['p50_ms']:8.2f} ms\n"
        f"  latency p90         {figures['p90_ms']:8.2f} ms\n"
        f"  latency p99         {figures['p99_ms']:8.2f} ms\n"
        f"  errors              {figures['socket_errors']} socket, {figures['non_2xx']} non-2xx\n"
        f"  load average        {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min)\n"
        f"  CPU seconds         server {server_cpu:.1f} (incl. start-up and warm-up), wrk {wrk_cpu:.1f}, "
        f"wall {wall:.1f}"
    )
    if "Traceback" in log or "ERROR" in log:
        print(f"\nServer log:\n{log}")
    if temporary is not None:
        temporary.cleanup()


if __name__ == "__main__":
    main()
