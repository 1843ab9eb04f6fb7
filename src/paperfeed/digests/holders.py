"""Who holds a send-log claim: host name, process id and the process's start time.

A sender records itself in every row it claims. A later sender on the same host can then tell a
holder that is gone (no such process, or the id now belongs to a process started later) from one
that is still sending, and take the dead one's claims over at once instead of waiting for them to
age out. Holders on other hosts cannot be checked from here; their claims still age out.

Senders that should recognise each other must see the same process ids: on one host, run them in
one PID namespace (not in separate containers that share a host name).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path


def this_host() -> str:
    return socket.gethostname()[:100] or "localhost"


def _stat_fields(pid: int) -> list[str] | None:
    """Fields 3 onwards of /proc/<pid>/stat (Linux), or None where there is no such file."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 2, the command name, may hold spaces and parentheses: split after the last ")".
    return stat.rsplit(")", 1)[1].split()


def start_token(pid: int) -> str:
    """When the process started (clock ticks since boot, Linux), or "" where that is unknown."""
    fields = _stat_fields(pid)
    return fields[19] if fields and len(fields) > 19 else ""  # field 22: starttime


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    start: str = ""

    def __str__(self) -> str:
        return f"{self.host} {self.pid} {self.start}".rstrip()

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        parts = text.split(" ")
        if len(parts) not in (2, 3) or not parts[1].isdigit():
            return None
        return cls(parts[0], int(parts[1]), parts[2] if len(parts) == 3 else "")

    def is_gone(self) -> bool:
        """True only when the holder is on this host and certainly no longer running."""
        if self.host != this_host() or self.pid <= 0:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # a process of another user: it exists
        fields = _stat_fields(self.pid)
        if fields and fields[0] == "Z":
            return True  # killed, not yet reaped by its parent
        current = start_token(self.pid)
        return bool(self.start and current and current != self.start)  # the id was reused


def gone(claims) -> list[str]:
    """The claim tokens among ``(token, holder text)`` pairs whose holder is certainly gone."""
    return [token for token, text in claims if (holder := Holder.parse(text)) and holder.is_gone()]


def me() -> Holder:
    pid = os.getpid()
    return Holder(this_host(), pid, start_token(pid))
