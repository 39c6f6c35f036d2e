"""`iopc eval`: scoring answers against a questions file, beside baselines on the same collection."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.limits import LimitError
from assistant.types import Answer, Citation
from ingest.bodies import canonical_name, find_bodies

BASELINE_K = 5


@dataclass
class QuestionResult:
    """One question's outcome."""

    id: str
    kind: str
    question: str
    cited_cases: list[str]  # source file stems of the distinct cited cases, in citation order
    rank: int | None  # 1-based rank of the first expected case among distinct cited cases
    must_cite: bool | None  # None for `none` questions
    force_recall: float | None  # list and filter questions only
    abstained: bool
    forces_named: list[str] = field(default_factory=list)
    list_precision: float | None = None  # list questions: share of the listed cases that are expected
    confidence: str = "high"


@dataclass
class EvalReport:
    """Aggregate scores of one system on one questions file."""

    system: str
    questions: int
    hit_at_1: float
    hit_at_5: float
    mrr_at_10: float
    must_cite: float
    force_recall: float
    abstention_accuracy: float
    false_abstention: float
    list_precision: float = 0.0
    confidence: dict[str, float] = field(default_factory=dict)  # share of answers per confidence level
    details: list[QuestionResult] = field(default_factory=list)
    writing: WritingReport | None = None  # with --llm only


@dataclass
class WritingReport:
    """How the --llm model's written answers fared against the citation check."""

    model: str
    asked: int  # answers the model was asked to write (abstentions are never sent)
    checked_sentence_rate: float  # share of the sentences it wrote that passed the citation check
    fallback_rate: float  # share of those answers shown as quotes instead (error, timeout, check failed)
    model_abstention_rate: float  # share where it said the passages do not answer
    citation_precision: float  # share of shown citations whose passage holds the sentence's quote or key words
    citations: int  # how many citations that precision is over


def writing_report(writer, before, answers: list[Answer]) -> WritingReport:
    """The writer's counts since `before` (a copy of its tally) and the precision of shown citations."""
    from assistant.writing import citation_supported, written_citations

    t = writer.tally
    asked, written, kept = t.asked - before.asked, t.written - before.written, t.kept - before.kept
    pairs = [pair for a in answers for pair in written_citations(a)]
    return WritingReport(
        model=writer.name,
        asked=asked,
        checked_sentence_rate=round(kept / written, 3) if written else 0.0,
        fallback_rate=round((t.fallbacks - before.fallbacks) / asked, 3) if asked else 0.0,
        model_abstention_rate=round((t.abstained - before.abstained) / asked, 3) if asked else 0.0,
        citation_precision=_mean(citation_supported(s, c.passage) for s, c in pairs),
        citations=len(pairs),
    )


def load_questions(path: str) -> list[dict]:
    """The questions of a .jsonl file."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def source_stem(source: str) -> str:
    """The name an expected case is given by in a questions file: its source's file name without the extension."""
    return Path(source.split("#")[0].rstrip("/")).stem


def score(q: dict, answer: Answer, case_sources: dict[str, list[str]]) -> QuestionResult:
    """Score one answer; a cited case counts under every source of that case (its twins)."""
    expected = set(q.get("expected_cases") or [])
    distinct: list[list[str]] = []
    seen: set[str] = set()
    for c in answer.citations:
        if c.case_id in seen:
            continue
        seen.add(c.case_id)
        distinct.append(sorted({source_stem(c.source), *(source_stem(s) for s in case_sources.get(c.case_id, []))}))
    rank = next((i for i, stems in enumerate(distinct[:10], 1) if expected & set(stems)), None)
    answerable = q["kind"] != "none"
    must = None
    if answerable:
        phrases = [_norm(p) for p in q.get("must_cite") or []]
        must = any(p in _norm(c.quote) or p in _norm(c.passage) for c in answer.citations for p in phrases)
    named = {b.name for b in find_bodies(answer.text)} | {c.force for c in answer.citations if c.force}
    recall = None
    if q["kind"] in ("list", "filter") and q.get("expected_forces"):
        wanted = {canonical_name(f) or f for f in q["expected_forces"]}
        recall = len(wanted & named) / len(wanted)
    precision = None
    if q["kind"] == "list" and distinct and not answer.abstained:
        precision = sum(bool(expected & set(stems)) for stems in distinct) / len(distinct)
    return QuestionResult(
        id=q.get("id", ""),
        kind=q["kind"],
        question=q.get("question", ""),
        cited_cases=[s[0] for s in distinct],
        rank=rank,
        must_cite=must,
        force_recall=recall,
        abstained=answer.abstained,
        forces_named=sorted(named),
        list_precision=precision,
        confidence=answer.confidence,
    )


def _mean(values) -> float:
    values = [float(v) for v in values]
    return round(sum(values) / len(values), 3) if values else 0.0


def aggregate(system: str, results: list[QuestionResult]) -> EvalReport:
    """Averages over the questions each metric applies to."""
    answerable = [r for r in results if r.kind != "none"]
    none = [r for r in results if r.kind == "none"]
    return EvalReport(
        system=system,
        questions=len(results),
        hit_at_1=_mean(r.rank == 1 for r in answerable),
        hit_at_5=_mean(r.rank is not None and r.rank <= 5 for r in answerable),
        mrr_at_10=_mean(1 / r.rank if r.rank else 0 for r in answerable),
        must_cite=_mean(bool(r.must_cite) for r in answerable),
        force_recall=_mean(r.force_recall for r in results if r.force_recall is not None),
        abstention_accuracy=_mean(r.abstained for r in none),
        false_abstention=_mean(r.abstained for r in answerable),
        list_precision=_mean(r.list_precision for r in results if r.list_precision is not None),
        confidence={level: _mean(r.confidence == level for r in results) for level in ("high", "low", "none")},
        details=results,
    )


def _passages_answer(question: str, cites: list[Citation]) -> Answer:
    return Answer(question=question, text="\n".join(c.passage for c in cites), citations=cites)


def _retrieval_baseline(assistant, mode: str):
    from assistant.compose import citation

    def answer(question: str) -> Answer:
        hits = assistant.search(question, k=BASELINE_K, mode=mode)
        return _passages_answer(question, [citation(i, h, (0, len(h.text))) for i, h in enumerate(hits, 1)])

    return answer


def _llamaindex_baseline(assistant):
    """What a user builds in ten minutes: VectorStoreIndex over the raw files, default splitter, top 5."""
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    from vectorstore.embedder import default_model_path

    sources = sorted({s for c in assistant.catalog.cases.values() for s in c.sources})
    docs = [
        Document(text=Path(s).read_text(encoding="utf-8", errors="replace"), metadata={"source": s})
        for s in sources
        if Path(s).is_file()
    ]
    embed = HuggingFaceEmbedding(model_name=default_model_path(), device="cpu")
    index = VectorStoreIndex.from_documents(docs, embed_model=embed)
    retriever = index.as_retriever(similarity_top_k=BASELINE_K)
    case_of = {s: c.case_id for c in assistant.catalog.cases.values() for s in c.sources}

    def answer(question: str) -> Answer:
        cites = []
        for i, node in enumerate(retriever.retrieve(question), 1):
            src = node.node.metadata["source"]
            text = node.node.get_content()
            cites.append(
                Citation(
                    n=i,
                    case_id=case_of.get(src, src),
                    title=Path(src).stem,
                    force="",
                    section="chunk",
                    rec_no=None,
                    quote=text,
                    passage=text,
                    source=src,
                    url=None,
                    score=float(node.score or 0),
                )
            )
        return _passages_answer(question, cites)

    return answer


@dataclass
class ConversationReport:
    """Scores of the last turns of conversations (`{"turns": [...], "expected_cases", "must_cite",
    "expect_abstain"}`)."""

    system: str
    conversations: int
    follow_up_hit_at_5: float  # over conversations whose last turn has an answer
    follow_up_must_cite: float
    refusal_after_refusal: float  # over conversations whose last turn must abstain
    false_abstention: float
    details: list[QuestionResult] = field(default_factory=list)


def evaluate_conversations(assistant, path: str) -> ConversationReport:
    """Play each conversation through `Assistant.chat` and score its last answer."""
    case_sources = {c.case_id: c.sources for c in assistant.catalog.cases.values()}
    results = []
    for conv in load_questions(path):
        history: list[Answer] = []
        for turn in conv["turns"]:
            history.append(as_asked(assistant.chat, turn, history))
        kind = "none" if conv.get("expect_abstain") else "lookup"
        results.append(score({**conv, "kind": kind, "question": " / ".join(conv["turns"])}, history[-1], case_sources))
    answerable = [r for r in results if r.kind != "none"]
    refused = [r for r in results if r.kind == "none"]
    return ConversationReport(
        system="assistant",
        conversations=len(results),
        follow_up_hit_at_5=_mean(r.rank is not None and r.rank <= 5 for r in answerable),
        follow_up_must_cite=_mean(bool(r.must_cite) for r in answerable),
        refusal_after_refusal=_mean(r.abstained for r in refused),
        false_abstention=_mean(r.abstained for r in answerable),
        details=results,
    )


def as_asked(ask, *args) -> Answer:
    """The answer a user is given: `ask`'s, or, for a request past a limit, the refusal (scored as an
    abstention, so one over-long question costs its score, not the whole run)."""
    try:
        return ask(*args)
    except LimitError as e:
        return Answer(question=str(args[0]), text=str(e), abstained=True, confidence="none")


def is_conversations(path: str) -> bool:
    """Whether a .jsonl file holds conversations (records with "turns") rather than questions."""
    first = next(iter(load_questions(path)), {})
    return "turns" in first


def evaluate(assistant, questions_path: str, baselines: list[str] | None = None) -> list[EvalReport]:
    """Score the assistant, then each baseline, on the same questions and collection."""
    questions = load_questions(questions_path)
    case_sources = {c.case_id: c.sources for c in assistant.catalog.cases.values()}
    systems = [("assistant", assistant.ask)]
    for name in baselines or []:
        systems.append(
            (name, _llamaindex_baseline(assistant) if name == "llamaindex" else _retrieval_baseline(assistant, name))
        )
    writer, answers = assistant.writer, []
    before = replace(writer.tally) if hasattr(writer, "tally") else None
    if before is not None:  # keep the assistant's answers for the writing scores (issue 13)

        def ask_and_keep(question: str) -> Answer:
            answers.append(assistant.ask(question))
            return answers[-1]

        systems[0] = ("assistant", ask_and_keep)
    reports = [
        aggregate(name, [score(q, as_asked(ask, q["question"]), case_sources) for q in questions])
        for name, ask in systems
    ]
    if before is not None:
        reports[0].writing = writing_report(writer, before, answers)
    return reports


def format_table(reports: list[EvalReport]) -> str:
    """A markdown table of the aggregate scores, then the assistant's misses."""
    cols = [
        "hit_at_1",
        "hit_at_5",
        "mrr_at_10",
        "must_cite",
        "force_recall",
        "list_precision",
        "abstention_accuracy",
        "false_abstention",
    ]
    lines = ["| system | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for r in reports:
        lines.append(f"| {r.system} | " + " | ".join(f"{getattr(r, c):.3f}" for c in cols) + " |")
    lines.append("confidence: " + ", ".join(f"{k} {v:.2f}" for k, v in reports[0].confidence.items()))
    w = reports[0].writing
    if w is not None:
        lines.append(
            f"\nwritten by {w.model}: {w.asked} answers asked, checked-sentence rate "
            f"{w.checked_sentence_rate:.3f}, fallback rate {w.fallback_rate:.3f}, model abstained "
            f"{w.model_abstention_rate:.3f}, citation precision {w.citation_precision:.3f} "
            f"over {w.citations} citations"
        )
    misses = [
        d
        for d in reports[0].details
        if (d.kind == "none") != d.abstained
        or (d.kind != "none" and (d.rank is None or d.rank > 5 or not d.must_cite))
        or (d.force_recall is not None and d.force_recall < 1)
    ]
    if misses:
        lines.append(f"\n{reports[0].system} misses:")
        for d in misses:
            lines.append(
                f"- {d.id} ({d.kind}) rank={d.rank} must_cite={d.must_cite} "
                f"force_recall={d.force_recall} abstained={d.abstained}: {d.question[:90]}"
            )
    return "\n".join(lines)


def format_conversations(report: ConversationReport) -> str:
    """The conversation scores, then the misses."""
    lines = [
        f"{report.conversations} conversations: follow-up hit@5 {report.follow_up_hit_at_5:.3f}, "
        f"must-cite {report.follow_up_must_cite:.3f}, refusal after a refusal {report.refusal_after_refusal:.3f}, "
        f"false abstention {report.false_abstention:.3f}"
    ]
    for d in report.details:
        if (d.kind == "none") != d.abstained or (d.kind != "none" and (d.rank is None or d.rank > 5)):
            lines.append(f"- {d.id} rank={d.rank} abstained={d.abstained}: {d.question[:100]}")
    return "\n".join(lines)
