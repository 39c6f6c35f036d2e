"""What the store holds: passages (the unit that is embedded, searched and cited) and source records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

Scalar = str | int | float | bool

# The passage metadata fields that tie a passage to the version of its source it was cut from. A passage
# is trusted only while a source record names the same source with the same content hash.
SOURCE_FIELD = "source"
HASH_FIELD = "source_hash"


@dataclass(slots=True)
class Passage:
    """A stored passage: its text (what is shown and quoted), the text that is indexed, flat metadata."""

    id: str
    text: str
    metadata: dict[str, Scalar] = field(default_factory=dict)
    # What the embedder and keyword index see: the text plus context (title, force, section).
    # Kept apart from `text` so quotes stay verbatim substrings of what users read.
    index_text: str = ""

    def __post_init__(self) -> None:
        if not self.index_text:
            self.index_text = self.text

    def __reduce__(self):
        # By field values: a slotted dataclass otherwise unpickles through a generic state dict, at about
        # twice the cost (a kept catalog holds 82,000 passages at 10,000 cases).
        return type(self), (self.id, self.text, self.metadata, self.index_text)

    @property
    def owner(self) -> tuple[str, str]:
        """(source, content hash) of the source version this passage was cut from."""
        return str(self.metadata.get(SOURCE_FIELD)), str(self.metadata.get(HASH_FIELD))


@dataclass(frozen=True)
class SourceRecord:
    """One stored source (a path or URL exactly as given) and the content hash its passages must carry.

    `key` and `payload` are opaque to the store: whoever writes the record decides what they hold.
    """

    source: str
    content_hash: str
    n_passages: int
    ingested_at: str
    detail: str = ""  # e.g. "decoded as cp1252"
    key: str = ""  # a short string the writer looks records up by
    payload: str = ""  # a longer string kept with the record, so readers need not re-read the source
    lookup: str = ""  # a mid-sized string read with the record but without its payload (see Sources.all)

    @property
    def source_id(self) -> str:
        return source_id(self.source)


def source_id(source: str) -> str:
    """Stable short id of a source string."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Snapshot:
    """A consistent view: source records, and exactly the passages those records vouch for, every record whole."""

    records: list[SourceRecord]
    passages: dict[str, Passage]  # by id, in collection order
    generation: str | None  # the store's generation when the view was read
