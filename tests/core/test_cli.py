"""The ``paperfeed`` command as an operator meets it: its own verbs in ``--help``, Django's behind
``paperfeed django``, no stray data directory from a command run in the wrong place, and normal
messages in plain text rather than Django's red error style.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

RED = "\x1b[31"  # Django's ERROR and NOTICE styles both start with it


def paperfeed(*args: str, cwd: Path, data_dir: str | None = None) -> subprocess.CompletedProcess:
    """Run the command in ``cwd`` with only ``data_dir`` (if any) as its data directory setting."""
    env = {k: v for k, v in os.environ.items() if k not in {"PAPERFEED_DATA_DIR", "DATABASE_URL"}}
    if data_dir is not None:
        env["PAPERFEED_DATA_DIR"] = data_dir
    return subprocess.run(
        [sys.executable, "-m", "paperfeed", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def on_a_terminal(*args: str, data_dir: Path) -> str:
    """Run the command on a pseudo-terminal (where Django colours its output), return what it wrote."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_COLORS", "NO_COLOR"}}
    env.update(PAPERFEED_DATA_DIR=str(data_dir), TERM="xterm-256color")
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "paperfeed", *args], env=env, stdout=terminal, stderr=terminal
        )
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal is closed once the process has exited
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=300) == 0, b"".join(chunks).decode()
    finally:
        os.close(controller)
    return b"".join(chunks).decode()


def test_help_lists_paperfeeds_own_verbs_and_not_djangos_internals(tmp_path):
    result = paperfeed("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for verb in ("serve", "ingest", "index", "worker", "digest", "settings", "migrate", "createsuperuser"):
        assert f"\n  {verb} " in result.stdout
    for internal in ("makemigrations", "sqlflush", "squashmigrations", "collectstatic", "testserver"):
        assert internal not in result.stdout
    assert "paperfeed django <verb>" in result.stdout


def test_djangos_verbs_stay_reachable_under_paperfeed_django(tmp_path):
    listing = paperfeed("django", "help", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "makemigrations" in listing.stdout and "sqlflush" in listing.stdout
    version = paperfeed("django", "version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip().startswith("5.")


def test_commands_that_do_not_set_a_site_up_create_no_data_directory(tmp_path):
    for args in (["--help"], ["help", "ingest"], ["settings"], ["check"], ["django", "help"]):
        result = paperfeed(*args, cwd=tmp_path)
        assert result.returncode == 0, (args, result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_a_command_that_needs_a_missing_data_directory_says_where_it_looked(tmp_path):
    result = paperfeed("index", "status", cwd=tmp_path)
    assert result.returncode == 1
    assert f"there is no data directory at {tmp_path / 'data'}" in result.stderr
    assert "PAPERFEED_DATA_DIR" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_migrate_creates_a_new_data_directory_and_says_its_absolute_path(tmp_path):
    result = paperfeed("migrate", "--verbosity", "0", cwd=tmp_path, data_dir="site-data")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site-data" / "paperfeed.sqlite3").exists()
    assert f"created a new data directory at {tmp_path / 'site-data'}" in result.stderr
    again = paperfeed("migrate", "--verbosity", "0", cwd=tmp_path, data_dir="site-data")
    assert "created a new data directory" not in again.stderr


def test_normal_messages_of_ingest_and_index_are_not_in_the_error_style(tmp_path):
    nothing_to_import = tmp_path / "empty.jsonl"
    nothing_to_import.write_text("")
    imported = on_a_terminal("ingest", "file", str(nothing_to_import), "--no-index", data_dir=tmp_path / "a")
    assert "Setting up the database" in imported
    assert RED not in imported.split("Setting up the database")[0][-20:]
    (tmp_path / "b").mkdir()
    status = on_a_terminal("index", "status", data_dir=tmp_path / "b")
    assert "Setting up the database" in status
    assert RED not in status
