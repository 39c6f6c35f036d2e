"""What is wrong with one chat request from the app, input by input (one message per input, or None).

The app shows each message next to its field (a Gradio validator), before any work is done.
"""

from __future__ import annotations

from assistant.filter_values import nearest, unknown_force, unknown_theme
from assistant.limits import filter_problem, question_problem, turns_problem
from assistant.presentation import listed, make_filters
from ingest.model import STATUSES


def chat_problems(
    message: str | None,
    turns: int,
    forces=None,
    themes=None,
    since: str | None = None,
    until: str | None = None,
    statuses=None,
    *,
    known: tuple[list[str], list[str]] | None = None,
) -> dict[str, str]:
    """Problems by input name ("question", "force", "theme", "since", "until", "status"); empty when fine.

    `known`: the index's (forces, themes); a value outside them (an API client is not held to the
    dropdowns' choices) is named with the nearest known ones."""
    out: dict[str, str] = {}
    if problem := question_problem(message) or (turns_problem(turns) if (message or "").strip() else None):
        out["question"] = problem
    forces_known, themes_known = known or ([], [])
    checks = (
        ("force", forces, lambda v: unknown_force(v, forces_known) if known else None),
        ("theme", themes, lambda v: unknown_theme(v, themes_known) if known else None),
        ("status", statuses, _unknown_status),
    )
    for name, values, unknown in checks:
        if problem := filter_problem(name, values) or next(filter(None, map(unknown, map(str, listed(values)))), None):
            out[name] = problem
    for name, value in (("since", since), ("until", until)):
        try:
            make_filters(**{name: value})
        except ValueError as e:
            out[name] = str(e)
    return out


def _unknown_status(value: str) -> str | None:
    return None if value in STATUSES else f"no status {value!r}; nearest: {', '.join(nearest(value, list(STATUSES)))}"
