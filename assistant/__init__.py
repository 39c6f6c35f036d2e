"""IOPC learning-case assistant: `from assistant import Assistant`."""

from assistant.types import Answer, CaseSummary, Citation, Filters, Hit, Stats

__all__ = ["Answer", "Assistant", "CaseSummary", "Citation", "Filters", "Hit", "Stats"]


def __getattr__(name: str):
    # Imported lazily so that `iopc --help` and the types need neither torch nor chromadb.
    if name == "Assistant":
        from assistant.api import Assistant

        return Assistant
    raise AttributeError(name)
