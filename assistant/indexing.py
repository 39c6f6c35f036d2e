"""Whether the index is being written now, and what an answer says while it is."""

from __future__ import annotations

from vectorstore import StoreLocation


def write_lock_held(location: StoreLocation) -> bool:
    """Whether some process (this one included) holds the data directory's write lock now.

    False for a Chroma server (it has no such lock) and when the lock file cannot be opened.
    """
    if location.path is None:
        return False
    import fcntl

    try:
        fd = open(location.path / ".write.lock")  # noqa: SIM115  closed below; read-only is enough for flock
    except OSError:
        return False
    with fd:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False


def while_building(text: str, n_cases: int) -> str:
    """A "nothing found" answer's text, said while the index is being built: what is in so far."""
    if n_cases == 0:
        return "The index is being built and no case is in it yet. Ask again in a moment."
    so_far = "1 case is" if n_cases == 1 else f"{n_cases:,} cases are"
    return f"The index is being built: {so_far} in so far, so more may answer this when it is done. {text}"
