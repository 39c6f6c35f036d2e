"""The passage record: the unit that is embedded, stored, searched and cited."""

from __future__ import annotations

from dataclasses import dataclass, field

Scalar = str | int | float | bool


@dataclass
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
