"""Per-request limits: how much one question, upload or conversation may ask of the server.

The one owner of these numbers and of the messages given past them; the UI, the CLI and the API
check with these functions, and SECURITY.md lists each limit with its message. Why limits: one
user's 100 KB question or 500-file upload must not make every other user wait.
"""

from __future__ import annotations

from collections.abc import Sequence

# A question: a trainer retelling an incident writes a paragraph (the blind sets' longest is 608 characters).
# The cost of a question is mostly embedding it and its clauses (at most MAX_CLAUSES), which grows with its
# length up to the model's 256 word pieces, about 1,000 characters.
MAX_QUESTION_CHARS = 1000
# The work a question at the limit can cause, on top of the settings' candidates and table rows:
MAX_CLAUSES = 12  # clauses of a question embedded and weighed (assistant.evidence.clauses)
MAX_SPELLING_WORDS = 20  # unknown question words looked up for a "did you mean" hint
ECHO_CHARS = 200  # of the question (or hint) repeated in an answer
# The app's other inputs, per request:
MAX_UPLOAD_FILES = 20  # files in one upload (each within the reader's size limit)
MAX_FILTER_VALUES = 50  # values chosen in one filter (forces, themes, statuses)
MAX_FILTER_CHARS = 200  # characters of one filter value
MAX_TURNS = 50  # questions in one conversation (the app keeps it, and sends it all back each turn)


class LimitError(ValueError):
    """A request past one of these limits; the message says which and what to do."""


def cut(text: str, limit: int = ECHO_CHARS) -> str:
    """`text` on one line, cut at a word to about `limit` characters (with " …" when cut)."""
    one = " ".join((text or "").split())
    if len(one) <= limit:
        return one
    head = one[:limit].rsplit(" ", 1)[0] if " " in one[:limit] else one[:limit]
    return head + " …"


def question_problem(text: str | None) -> str | None:
    """Why `text` is refused as a question (over MAX_QUESTION_CHARS), or None."""
    n = len(text or "")
    if n <= MAX_QUESTION_CHARS:
        return None
    return f"The question is {n:,} characters long; the limit is {MAX_QUESTION_CHARS:,}. Ask it in fewer words."


def check_question(text: str | None) -> str:
    """`text` when it is within the question limit; LimitError otherwise."""
    if problem := question_problem(text):
        raise LimitError(problem)
    return text or ""


def filter_problem(name: str, values: Sequence[str] | str | None) -> str | None:
    """Why the values of the filter `name` are refused (too many, or one too long), or None."""
    values = [values] if isinstance(values, str) else list(values or [])
    if len(values) > MAX_FILTER_VALUES:
        return f"{name}: {len(values):,} values chosen; at most {MAX_FILTER_VALUES} at once."
    for v in values:
        if len(str(v)) > MAX_FILTER_CHARS:
            return f"{name}: a value of {len(str(v)):,} characters; at most {MAX_FILTER_CHARS}."
    return None


def turns_problem(turns: int) -> str | None:
    """Why one more question is refused in a conversation of `turns` questions, or None."""
    if turns < MAX_TURNS:
        return None
    return f"This conversation has reached {MAX_TURNS} questions. Start a new conversation to ask more."


def uploads_problem(count: int) -> str | None:
    """Why an upload of `count` files is refused, or None."""
    if count <= MAX_UPLOAD_FILES:
        return None
    return f"{count:,} files chosen; at most {MAX_UPLOAD_FILES} can be added at once. Add them in smaller groups."
