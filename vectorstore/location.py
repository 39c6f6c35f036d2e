"""Where the index lives, and the errors of a store that cannot be used."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "iopc-assistant"


class StoreError(RuntimeError):
    """The store cannot be used as asked; the message says why and what to do."""


class ModelMismatchError(StoreError):
    """The index was built with another embedding model than the one asked to query it."""


class StoreUnavailableError(StoreError):
    """The Chroma server cannot be reached, or the data directory cannot be opened."""


@dataclass(frozen=True)
class StoreLocation:
    """Where the index lives: a local directory (embedded) or a Chroma server URL."""

    path: Path | None = None
    url: str | None = None

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike | None = None, url: str | None = None) -> StoreLocation:
        """From explicit arguments, else IOPC_CHROMA_URL / IOPC_DATA_DIR, else the user's data dir."""
        url = url or os.environ.get("IOPC_CHROMA_URL") or None
        if url:
            return cls(url=url)
        if data_dir is None:
            data_dir = os.environ.get("IOPC_DATA_DIR") or None
        if data_dir is None:
            import platformdirs

            data_dir = platformdirs.user_data_dir(APP_NAME, appauthor=False)
        return cls(path=Path(data_dir).expanduser())

    def __str__(self) -> str:
        return self.url or str(self.path)
