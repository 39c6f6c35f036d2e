"""A fixed, seeded set of trainer-style questions about the SYNTHETIC cases (tests/support/synth.py).

Lookups and lists ask about the synthetic themes; filtered questions name forces and years that
occur among the first cases, so every question has matching cases at every benchmarked size.
"""

from __future__ import annotations

import random

from tests.support.synth import case

LOOKUPS = {
    "custody": ("What went wrong with the cell checks on an intoxicated detainee, and what did the IOPC recommend?",
                "How should custody sergeants hand over a detainee's risk assessment?"),
    "domestic abuse": ("What did officers fail to check before leaving a domestic abuse call, and what was recommended?",
                       "When must a DASH risk assessment be completed?"),
    "vehicle pursuits": ("What did the IOPC say about declaring a pursuit to the control room?",
                         "What was recommended about driver permits after a pursuit ended in a collision?"),
    "use of force": ("What learning was there about prone restraint and monitoring breathing?",
                     "What did the IOPC recommend about supervisors reviewing Taser discharges?"),
    "mental health": ("How long did a person detained under section 136 wait for a place of safety?",
                      "What was recommended about the mental health triage service?"),
    "missing persons": ("How was the risk of a missing person graded, and what should change?",
                        "Why should the home address be searched early in a missing person investigation?"),
    "stop and search": ("Is the smell of cannabis enough to justify a stop and search?",
                        "What did the IOPC recommend about dip-sampling stop and search records?"),
    "call handling": ("What went wrong with the grading of a silent 999 call?",
                      "What training did call handlers need on the THRIVE model?"),
    "property and exhibits": ("What happened to the exhibit that went missing from the property store?",
                              "What was recommended about recording seal numbers?"),
    "spit and bite guards": ("How long did the spit guard stay on in the van, and what did the IOPC say?",
                             "What guidance was recommended on using spit guards on children?"),
    "body-worn video": ("When must officers switch on body worn video, according to the recommendations?",
                        "What did the IOPC say about officers viewing footage together before giving accounts?"),
    "firearms": ("What did the IOPC recommend about firearms commanders' decision logs?",
                 "What went wrong with the address given to armed officers?"),
}
LISTS = ("Which forces were told to improve custody rousing checks?",
         "Which cases involved prone restraint?",
         "List the cases about vehicle pursuits that were not declared to the control room.",
         "Which forces were asked to review their missing person risk grading?",
         "Which cases were about spit and bite guards?",
         "Which forces changed their body worn video policy?",
         "Which cases involved a silent 999 call?",
         "List the cases where an exhibit was lost from the property store.")
FILTERED = ("Show me the recommendations to {force} in {year}",
            "Recommendations to {force} and whether each was accepted",
            "Which recommendations to {force} are still awaiting a response?",
            "What did the IOPC recommend to {force} about {theme} since {year}?",
            "Recommendations not accepted by {force}",
            "{theme} recommendations in {year}",
            "What {theme} learning was there for {force}?")


def questions(seed: int = 7, among: int = 1000, n_filtered: int = 10) -> list[dict]:
    """About 40 questions: every lookup, every list, and `n_filtered` filtered ones from cases < `among`."""
    rng = random.Random(f"iopc-synthetic-questions-{seed}")
    out = [{"kind": "lookup", "theme": t, "question": q} for t, qs in sorted(LOOKUPS.items()) for q in qs]
    out += [{"kind": "list", "question": q} for q in LISTS]
    for n in range(n_filtered):
        c = case(seed, rng.randrange(among))
        template = FILTERED[n % len(FILTERED)]
        out.append({"kind": "filter", "question": template.format(
            force=c["force"], year=c["incident_month"][:4], theme=c["themes"][0])})
    return out
