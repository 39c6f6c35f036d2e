"""The one error a source can raise: it names the source and says why it failed."""


class SourceError(Exception):
    """A source that could not be ingested; str() is one line naming the source and the reason."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
