"""Passages by structure, from the seed case, each inside the model's window."""

from ingest.parse import parse_text
from ingest.passages import case_passages, index_text, split_to_fit
from tests.conftest import SEED


def test_seed_passages_by_structure(embedder):
    case = parse_text(SEED.read_text(encoding="utf-8"))
    passages = case_passages(case, "k1", str(SEED), "src", embedder.count_tokens)
    sections = [(p.metadata["section"], p.metadata["rec_no"]) for p in passages]
    assert sections[0] == ("summary", 0)
    assert ("recommendation", 1) in sections and ("response", 1) in sections
    assert ("recommendation", 3) in sections and ("response", 3) in sections
    for p in passages:
        assert embedder.count_tokens(index_text(p.text, p.metadata)) <= 254
        md = p.metadata
        assert md["case_id"] == "k1" and md["source"] == str(SEED)
        assert md["force"] == "Metropolitan Police Service"
        assert md["references"] == "2018/104370" and md["recommended"] == "2019-07-18"
        assert md["themes"] == "Death and serious injury|Domestic abuse"
    response1 = [p for p in passages if p.metadata["section"] == "response" and p.metadata["rec_no"] == 1]
    assert len(response1) >= 2, "the long response to recommendation 1 must be split to fit"
    assert response1[0].text.startswith("Accepted action: The Special Scheme Policy has been amended")
    assert all(p.metadata["status"] == "accepted" for p in response1)
    full = SEED.read_text(encoding="utf-8")
    assert all(p.text in full for p in passages if p.metadata["section"] != "summary")


def test_split_keeps_verbatim_slices(embedder):
    text = " ".join(f"Sentence number {i} says something about custody." for i in range(80))
    chunks = split_to_fit(text, 60, embedder.count_tokens)
    assert len(chunks) > 1
    assert all(c in text and embedder.count_tokens(c) <= 60 for c in chunks)


def test_passage_meta_is_what_is_stored_and_reads_back_typed(embedder):
    from ingest.passages import PassageMeta

    case = parse_text(SEED.read_text(encoding="utf-8"))
    passages = case_passages(case, "k1", str(SEED), "src", embedder.count_tokens, source_hash="abc")
    assert set(passages[0].metadata) == {
        "case_id",
        "title",
        "force",
        "forces",
        "references",
        "incident_month",
        "published",
        "recommended",
        "response_due",
        "response_due_inferred",
        "date",
        "themes",
        "source",
        "url",
        "layout",
        "section",
        "part",
        "rec_no",
        "status",
        "addressed_to",
        "national",
        "source_hash",
    }
    for p in passages:
        meta = PassageMeta.from_metadata(p.metadata)
        assert meta.to_metadata() == p.metadata
    rec = PassageMeta.from_metadata(next(p.metadata for p in passages if p.metadata["section"] == "recommendation"))
    assert rec.rec_no == 1 and rec.status == "accepted" and rec.source_hash == "abc"
    assert rec.themes == ("Death and serious injury", "Domestic abuse") and isinstance(rec.national, bool)
    summary = passages[0].metadata
    assert (summary["rec_no"], summary["status"], summary["addressed_to"], summary["national"]) == (0, "", "", False)
    # missing keys (an index written by older code, or a hand-made passage) take the defaults
    assert PassageMeta.from_metadata({"source": "s", "rec_no": "2", "themes": ""}) == PassageMeta(source="s", rec_no=2)
