"""Progress of long work: a tqdm bar (percentage, rate, ETA) on a terminal, silence otherwise.

Off a terminal (a pipe, a log file, cron) a bar redrawn with carriage returns is noise, so the
bar is not drawn and the caller prints one summary line when the work is done.
"""

from __future__ import annotations

import shutil
from typing import TextIO

from tqdm import tqdm

BAR_FORMAT = (
    "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, {rate_fmt}]{postfix}"
)


def raw_stream(stream) -> TextIO:
    """The file under Django's OutputWrapper (wrapped again by each ``call_command``), which ends
    every write with a newline where a bar needs "\\r"."""
    while hasattr(stream, "_out"):
        stream = stream._out
    return stream


def is_terminal(stream) -> bool:
    isatty = getattr(raw_stream(stream), "isatty", None)
    return bool(isatty and isatty())


def terminal_shape() -> dict[str, int]:
    """tqdm's ``ncols`` and ``nrows``. A pty without a size (e.g. under `script`) reports 0 of
    each, and tqdm then draws nothing at all: 100 columns and 24 rows are assumed."""
    size = shutil.get_terminal_size()
    return {"ncols": size.columns or 100, "nrows": size.lines or 24}


class Bar:
    """A bar of ``total`` items of ``unit`` drawn on ``stream`` when it is a terminal (or ``live``)."""

    def __init__(
        self, desc: str, total: int, stream, *, unit: str = " papers", live: bool | None = None
    ) -> None:
        self.done = 0
        self._bar: tqdm | None = None
        stream = raw_stream(stream)
        if is_terminal(stream) if live is None else live:
            self._bar = tqdm(
                total=total,
                desc=desc,
                unit=unit,
                file=stream,
                **terminal_shape(),
                bar_format=BAR_FORMAT,
                mininterval=0.5,
            )

    def update_to(self, done: int) -> None:
        """Move the bar to ``done`` items (never back)."""
        if done > self.done:
            if self._bar is not None:
                self._bar.update(done - self.done)
            self.done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
