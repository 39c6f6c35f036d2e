"""One row of the reliability table: trials run, failures seen, and what a failure was."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Row:
    """Outcome of one family of reliability trials (kills, load, fuzz, hostile inputs)."""

    name: str
    trials: int = 0
    failures: int = 0
    figures: dict = field(default_factory=dict)  # e.g. {"p50_s": 0.2, "p95_s": 0.9}
    problems: list[str] = field(default_factory=list)  # one line per failure, for the report

    def fail(self, why: str) -> None:
        """Count one failed trial and keep its reason."""
        self.failures += 1
        self.problems.append(why)
