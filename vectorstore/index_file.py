"""The data directory's files on disk: whether the index file is intact, whether this process may write
it, and the private copy a process opens when it may not.

Chroma's embedded client writes to chroma.sqlite3 on open, even to answer a question, so a reader
without write permission (another user, read-only storage) opens a private copy instead. The copy is
a consistent snapshot (SQLite's backup API) made in a private temporary directory and removed when
the connection closes or the process exits.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import struct
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vectorstore.location import StoreUnavailableError

INDEX_FILE = "chroma.sqlite3"
_SQLITE_MAGIC = b"SQLite format 3\0"


def damaged(directory: Path, reason: str) -> StoreUnavailableError:
    """The one-line error for an index file that cannot be read, naming the directory and what to do."""
    return StoreUnavailableError(
        f"the index in {directory} is damaged ({reason}): restore that directory from a backup, "
        "or move it aside and ingest the cases again into a new data directory"
    )


def check_index_file(directory: Path) -> None:
    """StoreUnavailableError when `directory` holds an index file that cannot be a whole SQLite database.

    Checked before Chroma opens it: Chroma makes an empty index of a 0-byte file (which then reads as
    "0 cases"), and reports other damage as a traceback or a Rust panic.
    """
    path = directory / INDEX_FILE
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            header = f.read(100)
    except FileNotFoundError:
        return  # a new index: Chroma creates it
    except OSError as e:
        raise StoreUnavailableError(f"cannot read the index file {path}: {e.strerror or e}") from None
    if size == 0 and _size_while_locked(path) == 0:  # a first writer may have just created it
        raise damaged(directory, f"{INDEX_FILE} is empty (0 bytes)")
    if not header.startswith(_SQLITE_MAGIC) or len(header) < 100:
        raise damaged(directory, f"{INDEX_FILE} is not a SQLite database")
    if _cut_short(header, size) and not _interrupted_commit(path) and (reason := _cut_short_while_locked(path)):
        raise damaged(directory, reason)


def _interrupted_commit(path: Path) -> bool:
    """Whether a commit was cut off with its rollback journal beside it (a writer killed mid-commit): SQLite
    writes the new header before it grows the file, and rolls the commit back from the journal when the
    store next opens the file for writing, so a header counting pages the file lacks is no damage then."""
    try:
        return (path.parent / f"{path.name}-journal").stat().st_size > 0
    except OSError:
        return False


def _cut_short(header: bytes, size: int) -> str | None:
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages, changes, valid_for = struct.unpack(">I", header[28:32])[0], header[24:28], header[92:96]
    # The header's page count is trusted only when written by a SQLite that also set "valid for".
    if changes == valid_for and pages and size < pages * page_size:
        return f"{INDEX_FILE} is cut short: {size:,} of {pages * page_size:,} bytes"
    return None


def _cut_short_while_locked(path: Path) -> str | None:
    """The check again under SQLite's shared lock: a writer in another process may be mid-commit, its
    header already counting pages the file has not grown to yet."""
    with _shared_lock(path), open(path, "rb") as f:
        return _cut_short(f.read(100), os.fstat(f.fileno()).st_size)


def _size_while_locked(path: Path) -> int:
    with _shared_lock(path):
        return path.stat().st_size


@contextmanager
def _shared_lock(path: Path):
    """SQLite's shared lock on `path` while inside (none when it cannot be taken: the file is damaged)."""
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        yield
        return
    try:
        con.execute("BEGIN")
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # takes the shared lock
    except sqlite3.Error:
        pass  # damaged beyond its header, or unlockable: the lock-free reading stands
    try:
        yield
    finally:
        con.close()


def writable(directory: Path) -> bool:
    """True when this process may write the index in `directory` (the directory and its index file)."""
    path = directory / INDEX_FILE
    return os.access(directory, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


@dataclass(frozen=True)
class Stamp:
    """What a copy was taken from: the index file's modification time and size."""

    mtime_ns: int
    size: int


def stamp(directory: Path) -> Stamp | None:
    """The index file's current Stamp (None when it cannot be read)."""
    try:
        st = (directory / INDEX_FILE).stat()
    except OSError:
        return None
    return Stamp(st.st_mtime_ns, st.st_size)


def source_changed(directory: Path, taken: Stamp | None) -> bool:
    """True when the index file changed since a copy stamped `taken` was made."""
    return stamp(directory) != taken


def private_copy(directory: Path) -> tuple[Path, Stamp | None]:
    """A private copy of the index in `directory` and the Stamp of what was copied; removed at exit.

    The vector files are copied first and the SQLite file last, as a consistent snapshot: a writer
    in another process may be adding to it, and Chroma replays into the vector files whatever the
    SQLite file holds beyond them (as after a crash).
    """
    copy = Path(tempfile.mkdtemp(prefix="iopc-readonly-"))  # mode 0700: only this user reads it
    atexit.register(remove_copy, copy)
    try:
        # Chroma's files are its SQLite file (copied last, below) and a directory per segment; other
        # files there (the ingest lock, an app's kept catalog) are not the index and are left behind.
        for entry in directory.iterdir():
            if entry.is_dir():
                shutil.copytree(entry, copy / entry.name)
        _own(copy)  # the originals' modes were copied too: a read-only index gives read-only files
        taken = stamp(directory)
        _snapshot_sqlite(directory / INDEX_FILE, copy / INDEX_FILE)
    except OSError as e:
        remove_copy(copy)
        raise StoreUnavailableError(
            f"cannot read the data directory {directory} (opened read-only, as this user may not write it): "
            f"{e.strerror or e}"
        ) from None
    except sqlite3.DatabaseError as e:
        remove_copy(copy)
        raise damaged(directory, f"{INDEX_FILE}: {e}") from None
    return copy, taken


def _own(copy: Path) -> None:
    for path in copy.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


def _snapshot_sqlite(source: Path, target: Path) -> None:
    if not source.exists():
        return
    try:
        src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
        try:
            with sqlite3.connect(target) as dst:
                src.backup(dst)
            dst.close()
        finally:
            src.close()
    except sqlite3.OperationalError:
        # A reader cannot take SQLite's locks on some read-only storage, nor roll back a killed
        # writer's journal: copy the file and its journal as they are, and let the copy roll back.
        target.unlink(missing_ok=True)
        shutil.copy2(source, target)
        journal = source.with_name(source.name + "-journal")
        if journal.exists():
            shutil.copy2(journal, target.with_name(journal.name))


def remove_copy(copy: Path) -> None:
    """Delete a private copy (nothing if already gone)."""
    shutil.rmtree(copy, ignore_errors=True)
