"""The data directory's secret key: generated once, the same for every process that starts at once."""

from __future__ import annotations

import stat
from concurrent.futures import ProcessPoolExecutor

from paperfeed.core import datadir


def test_processes_starting_at_once_all_read_one_whole_key(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERFEED_SECRET_KEY", raising=False)
    for attempt in range(20):  # each attempt a new directory, so every one races to create it
        directory = tmp_path / str(attempt)
        directory.mkdir()
        with ProcessPoolExecutor(max_workers=4) as pool:
            keys = list(pool.map(datadir.secret_key, [directory] * 8))
        assert len(set(keys)) == 1 and len(keys[0]) >= 50, keys
        assert sorted(path.name for path in directory.iterdir()) == ["secret_key"]  # no scratch left
        assert stat.S_IMODE((directory / "secret_key").stat().st_mode) == 0o600


def test_a_key_from_the_environment_wins_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERFEED_SECRET_KEY", "from-the-environment")
    assert datadir.secret_key(tmp_path) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()
