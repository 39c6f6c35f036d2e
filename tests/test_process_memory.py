"""A process with an Assistant hands large freed buffers back to the system (assistant/process_memory.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Large buffers freed between long-lived ones of 200 kB: with glibc's default dynamic threshold, after
# the first large one is freed the rest come from its heap, and their holes stay with the process.
_FRAGMENT = """
import sys
import numpy as np
def rss_mb():
    with open("/proc/self/status") as f:
        return int(next(l for l in f if l.startswith("VmRSS")).split()[1]) // 1024
if sys.argv[1] == "assistant":
    from assistant import Assistant
    from tests.support.hash_embedder import HashEmbedder
    Assistant(data_dir=sys.argv[2], embedder=HashEmbedder())
np.ones(1_000_000).sum()  # one large buffer freed: raises glibc's dynamic threshold
kept, freed = [], []
for _ in range(60):
    kept.append(bytearray(200_000))
    freed.append(np.ones(500_000))  # 4 MB each, 240 MB in all
before = rss_mb()
del freed
print(before - rss_mb())
"""


def _returned_mb(how: str, data_dir: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _FRAGMENT, how, str(data_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(not os.path.exists("/proc/self/status") or not os.confstr("CS_GNU_LIBC_VERSION"), reason="glibc")
def test_freed_buffers_go_back_to_the_system_once_an_assistant_is_made(tmp_path):
    assert _returned_mb("assistant", tmp_path) > 200  # of the 240 MB freed
    # The same without an Assistant keeps most of it: what the setting changes, not what glibc always does.
    assert _returned_mb("plain", tmp_path) < 100
