"""The catalog kept on disk between starts, so a start reads one file and then only what changed.

At 10,000 cases, reading every passage from Chroma and indexing it took about 30 s; a start with this
file reads it (a few seconds) and then asks the store only for sources whose record changed since
(see Catalog). The file is a cache: when it is missing, damaged, from other code or another model, or
not the user's own, the catalog is read from the store as before and nothing is said. It is a pickle,
so it is read only when it belongs to this user and no one else may write it (whoever could write it
could run code as the reader; a data directory others may write is refused by Chroma's files anyway).

Where: beside an embedded store's files; for a Chroma server, in the user's cache directory, one file
per server address and model.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import pickle
import tempfile
import threading
from pathlib import Path

from assistant.catalog import Catalog
from vectorstore import StoreLocation
from vectorstore.embedder import ModelInfo

_NAME = "catalog.cache"
# The file is written again only once this share of the passages changed since it was: a start reads it
# and then the changes since, cheap while they are few, and writing 10,000 cases costs seconds of CPU
# beside the answers (and, while it runs, hundreds of MB).
RESAVE_SHARE = 0.05
_PACKAGES = ("assistant", "ingest", "vectorstore")
_saving = threading.Lock()
_at_exit: list[bool] = []


def catalog_path(location: StoreLocation, model: ModelInfo) -> Path:
    """Where the catalog of the store at `location`, embedded with `model`, is kept."""
    if location.path is not None:
        return location.path / _NAME
    import platformdirs

    key = hashlib.sha1(f"{location.url}\n{model.name}".encode()).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("iopc-assistant", appauthor=False)) / "catalogs" / f"{key}.{_NAME}"


def load(path: Path, model: ModelInfo) -> Catalog | None:
    """The catalog kept at `path`, if it is there, whole, the user's own, and made by this code and model."""
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return None
            if pickle.load(f) != _header(model):
                return None
            catalog = pickle.load(f)
    except Exception:  # noqa: BLE001  # any damage means reading the store instead, which is always right
        return None
    return catalog if isinstance(catalog, Catalog) else None


def worth_saving(unsaved: int, catalog: Catalog) -> bool:
    """Whether a catalog with `unsaved` passages changed since the file was written should be written."""
    return unsaved > RESAVE_SHARE * len(catalog.passages) or (unsaved > 0 and not catalog.passages)


def save_later(catalog: Catalog, path: Path, model: ModelInfo) -> bool:
    """Write `catalog` to `path` in a background thread, unless a save is already running (False: the
    next change saves again); a process that exits meanwhile finishes it first (see settle)."""
    if not _saving.acquire(blocking=False):
        return False

    def run() -> None:
        try:
            save(catalog, path, model)
        finally:
            _saving.release()

    if not _at_exit:
        atexit.register(settle)
        _at_exit.append(True)
    threading.Thread(target=run, name="catalog-save", daemon=True).start()
    return True


def settle() -> None:
    """Wait for a background save to finish (a daemon thread killed at exit would leave a temporary file)."""
    with _saving:
        pass


def save(catalog: Catalog, path: Path, model: ModelInfo) -> bool:
    """Write `catalog` to `path` whole (a new file renamed over the old); False when it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".catalog-", suffix=".tmp")
    except OSError:  # a directory this user may only read: the catalog is read from the store each start
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(_header(model), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(catalog, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return True
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return False


def _header(model: ModelInfo) -> dict:
    """What a kept catalog must match: this code (its modules' text) and the model that embedded the store."""
    return {"model": model.name, "dimension": model.dimension, "code": _code_digest()}


_CODE: list[str] = []


def _code_digest() -> str:
    """A digest of the source of the packages a catalog is made of: any change there invalidates the file."""
    if not _CODE:
        root = Path(__file__).resolve().parent.parent
        digest = hashlib.sha1()
        for package in _PACKAGES:
            for file in sorted((root / package).rglob("*.py")):
                digest.update(file.relative_to(root).as_posix().encode())
                digest.update(file.read_bytes())
        _CODE.append(digest.hexdigest())
    return _CODE[0]
