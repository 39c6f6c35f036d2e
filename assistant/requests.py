"""What is wrong with one chat request from the app, input by input (one message per input, or None).

The app shows each message next to its field (a Gradio validator), before any work is done.
"""

from __future__ import annotations

from assistant.limits import filter_problem, question_problem, turns_problem
from assistant.presentation import make_filters


def chat_problems(
    message: str | None,
    turns: int,
    forces=None,
    themes=None,
    since: str | None = None,
    until: str | None = None,
    statuses=None,
) -> dict[str, str]:
    """Problems by input name ("question", "force", "theme", "since", "until", "status"); empty when fine."""
    out: dict[str, str] = {}
    if problem := question_problem(message) or (turns_problem(turns) if (message or "").strip() else None):
        out["question"] = problem
    for name, values in (("force", forces), ("theme", themes), ("status", statuses)):
        if problem := filter_problem(name, values):
            out[name] = problem
    for name, value in (("since", since), ("until", until)):
        try:
            make_filters(**{name: value})
        except ValueError as e:
            out[name] = str(e)
    return out
