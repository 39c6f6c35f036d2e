"""Running a measured child process: wall time and its own peak memory, and percentiles."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass
class Run:
    """A finished child process."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # user + system: less at the mercy of other processes than wall time


def child_env(backend: str | None = None) -> dict[str, str]:
    """The environment of every measured child: offline, no telemetry, this checkout importable."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False",
               ANONYMIZED_TELEMETRY="False", PYTHONPATH=str(ROOT))
    if backend:
        env["IOPC_ENCODER"] = backend
    return env


def run(cmd: list[str], backend: str | None = None, check: bool = True) -> Run:
    """Run `cmd` from the repository root; os.wait4 gives this child's own ru_maxrss, not the max of all."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=child_env(backend))
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
        out.seek(0)
        err.seek(0)
        result = Run(seconds, usage.ru_maxrss / 1024, p.returncode, out.read().decode(errors="replace"),
                     err.read().decode(errors="replace"), usage.ru_utime + usage.ru_stime)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... exited {result.returncode}:\n{result.stderr[-3000:]}")
    return result


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict:
    """p50, p95 and max in milliseconds."""
    return {"n": len(values), "p50_ms": 1000 * percentile(values, 50), "p95_ms": 1000 * percentile(values, 95),
            "max_ms": 1000 * max(values)}
