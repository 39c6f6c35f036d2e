"""The seven published forms of a response to a recommendation: where it starts and what it says."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.bodies import canonical_name
from ingest.model import Status

# The question is often flattened onto the end of the recommendation's last line ("… Do you accept the
# recommendation? Yes"), so it is matched anywhere; the answer must stand alone on its line.
QUESTION_RE = re.compile(
    r"[ \t]*Do you accept the recommendation\?[ \t]*(?:\n[ \t]*)?(?:(?P<answer>Yes|No)(?=[ \t]*(?:\n|$)))?",
    re.IGNORECASE,
)
# Labels open a line; a bare "Accepted" must be the whole line, else it is ordinary prose.
LABEL_RE = re.compile(
    r"^[ \t]*(?P<label>Accepted action|Recommendation accepted|Recommendation not accepted|Recommendation partially"
    r" accepted|Partially accepted|Not accepted|Accepted|Rejected)(?:[ \t]*:|[ \t]*$)",
    re.MULTILINE | re.IGNORECASE,
)
AWAITING_RE = re.compile(r"^[ \t]*Awaiting response[ \t]*$", re.MULTILINE | re.IGNORECASE)
# Responses pasted in without a label open in the force's voice: "Merseyside Police are in agreement…".
FORCE_VOICE_RE = re.compile(
    r"^[ \t]*(?P<who>The [Ff]orce|We|[A-Z][A-Za-z'’& -]{2,60}?)\s+(?:(?:are|is|has|have|fully|partially|do not|"
    r"does not)\s+)*(?:in agreement|agrees?|accepts?|accepted)\b",
    re.MULTILINE,
)

STATUS_LINE_RE = re.compile(
    r"^[ \t]*(Accepted|Awaiting response|Not accepted|Partially accepted)[ \t]*$", re.MULTILINE | re.IGNORECASE
)


@dataclass
class Split:
    """A recommendation chunk cut into its own text and the response that follows it."""

    text: str
    response: str | None
    status: Status


def status_of_label(label: str) -> Status:
    """The status a response label or status line states."""
    label = label.lower()
    if "partially" in label:
        return "partially accepted"
    if "not accepted" in label or label == "rejected":
        return "not accepted"
    if "awaiting" in label:
        return "awaiting response"
    return "accepted"


def _voice_status(response: str) -> Status:
    opening = response.split(".")[0].lower()
    if re.search(r"\b(?:not|disagree|reject)", opening):
        return "not accepted"
    if "partial" in opening:
        return "partially accepted"
    return "accepted"


def _force_voice(chunk: str) -> re.Match | None:
    for m in FORCE_VOICE_RE.finditer(chunk):
        who = m.group("who")
        if m.start() > 0 and (who in ("The Force", "The force", "We") or canonical_name(who)):
            return m
    return None


def split_response(chunk: str) -> Split:
    """Split a recommendation chunk at its response; the text keeps its wording, the response its label."""
    marks = [
        m
        for m in (
            QUESTION_RE.search(chunk),
            LABEL_RE.search(chunk, 1),
            AWAITING_RE.search(chunk, 1),
            _force_voice(chunk),
        )
        if m
    ]
    if not marks:
        return Split(chunk.strip(), None, "unknown")
    first = min(marks, key=lambda m: m.start())
    text = chunk[: first.start()].strip()
    if first.re is QUESTION_RE:
        rest = chunk[first.end() :].strip()
        answer = (first.group("answer") or "").lower()
        label = LABEL_RE.match(rest)
        said: dict[str, Status] = {"yes": "accepted", "no": "not accepted"}
        status: Status = said.get(answer) or (status_of_label(label.group("label")) if label else "unknown")
        return Split(text, rest or None, status)
    if first.re is AWAITING_RE:
        return Split(text, chunk[first.end() :].strip() or None, "awaiting response")
    response = chunk[first.start() :].strip()
    if first.re is LABEL_RE:
        return Split(text, response, status_of_label(first.group("label")))
    return Split(text, response, _voice_status(response))
