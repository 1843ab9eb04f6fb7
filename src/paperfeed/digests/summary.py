"""What a digest run did, as counts and as the lines and exit message the command prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SendSummary:
    period: str
    due: int = 0
    sent: int = 0
    empty: int = 0  # nothing to send: skipped
    failed: int = 0  # permanent rejections (bounces), retries given up, and the uncertain below
    uncertain: int = 0  # in the hands of a sender that died: may have been accepted, not resent
    retry_later: int = 0
    taken_elsewhere: int = 0  # claimed by another sender running at the same time
    waiting: int = 0  # transient failures still in their backoff
    would_send: int = 0  # dry run
    stopped_early: str = ""
    stop_reason: str = ""  # the error that stopped the run
    last_error: str = ""  # the last refusal or failure, when nothing stopped the run

    @property
    def not_sent(self) -> int:
        """Digests this run tried, or had to leave, that did not go out."""
        return self.failed + self.retry_later

    def failure(self) -> str:
        """One line for the operator when mail could not be sent; "" when every due digest went out."""
        if not (self.not_sent or self.stopped_early):
            return ""
        if self.stop_reason:
            reason = f": {self.stop_reason}"
        else:
            reason = f"; last error: {self.last_error}" if self.last_error else ""
        return (
            f"Mail could not be sent to {self.not_sent} of {self.due} subscribers for {self.period} "
            f"(sent {self.sent}, failed {self.failed}, to retry later {self.retry_later}){reason}."
        )

    def lines(self) -> list[str]:
        parts = [
            f"Digests for {self.period}: {self.due} due",
            f"sent {self.sent}",
            f"skipped (empty) {self.empty}",
            f"failed {self.failed}",
            f"retried later {self.retry_later}",
        ]
        if self.would_send:
            parts.append(f"would send {self.would_send} (dry run)")
        if self.uncertain:
            parts.append(f"not resent after a sender died while handing them over {self.uncertain}")
        if self.taken_elsewhere:
            parts.append(f"handled by another sender {self.taken_elsewhere}")
        if self.waiting:
            parts.append(f"waiting to retry {self.waiting}")
        lines = [", ".join(parts) + "."]
        if self.stopped_early:
            lines.append(f"Stopped early: {self.stopped_early}")
        return lines
