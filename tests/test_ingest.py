"""Ingest, end to end over real Chroma and the real model: every format, several paths and directories at
once, re-ingest (skip / replace), twins, remove.

The fixtures under tests/fixtures/formats/ are invented cases written in the seed's layout; PDFs are made
here, in a temporary directory. Bad inputs are in test_ingest_errors.py, URLs in test_ingest_url.py and the
`iopc` command in test_ingest_cli.py; the helpers below are shared with them.
"""

from __future__ import annotations

import io
import shutil
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ingest.grouping import identity_digests
from ingest.source_records import cases_of, digests_of

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "assistant" / "data" / "sample-case.txt"
FORMATS = ROOT / "tests" / "fixtures" / "formats"
GOOD = FORMATS / "good"
BAD = FORMATS / "bad"


# --- helpers (imported by the other test_ingest_* modules) ----------------------------------------------------


def case_text(
    title: str,
    force: str,
    ref: str,
    words: str = "",
    url: str | None = None,
    status: str = "Accepted",
    recommended: str = "3 Feb 2021",
    due: str = "31 Mar 2021",
) -> str:
    """An invented case page in the seed's layout (one recommendation); `words` go into its text."""
    head = f"URL: {url}\n\n" if url else ""
    return head + textwrap.dedent(f"""\
        Source · IOPC Learning Case

        {title}

        {force} Ref: {ref} Recommended {recommended} Response due {due}
        Custody and detention

        Officers dealt with a man in custody and the record was incomplete. {words} …

        View on IOPC website ↗

        Recommendations

        1 total
        Recommendation 1

        It is recommended that {force} reminds custody staff to complete the record. {words} Do you accept the recommendation? Yes

        Addressed to: {force}
        Linked bodies: {force}
        {status}
        Force response

        {status}: A reminder was issued to every custody sergeant. {words}
        """)


def pdf_bytes(text: str) -> bytes:
    """A text-layer PDF of `text` (lines wrapped at 100 characters, as a printed page would be)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 800
    for line in text.splitlines():
        for part in textwrap.wrap(line, 100) or [""]:
            if y < 50:
                c.showPage()
                y = 800
            c.setFont("Helvetica", 9)
            c.drawString(40, y, part)
            y -= 12
    c.save()
    return buf.getvalue()


def snapshot(assistant) -> dict:
    """Everything stored: passages (text and metadata, by id) and source records (without the time)."""
    store = assistant.store
    return {
        "passages": {p.id: (p.text, p.metadata) for p in store.all_passages()},
        "sources": {r.source: (r.content_hash, r.key, r.payload, r.n_passages, r.detail) for r in store.sources()},
    }


def passages_of(assistant, source: str) -> list:
    return [p for p in assistant.store.all_passages() if p.metadata.get("source") == source]


def assert_consistent(assistant) -> None:
    """Nothing left behind: every stored passage belongs to a source record and matches its hash and count."""
    records = {r.source: r for r in assistant.store.sources()}
    passages = assistant.store.all_passages()
    for p in passages:
        record = records.get(p.metadata["source"])
        assert record is not None, f"orphan passage {p.id} of {p.metadata['source']}"
        assert p.metadata["source_hash"] == record.content_hash, f"stale passage {p.id}"
    for source, record in records.items():
        assert sum(p.metadata["source"] == source for p in passages) == record.n_passages, source


def case_of(assistant, title_start: str):
    found = [c for c in assistant.cases() if c.title.startswith(title_start)]
    assert len(found) == 1, [c.title for c in assistant.cases()]
    return found[0]


# --- one batch of every format, shared by the tests of this module ---------------------------------------------


@pytest.fixture(scope="module")
def batch(tmp_path_factory, embedder):
    """The good fixtures (plus a PDF twin of the .md case, in a subdirectory) and a loose file, in one call."""
    from assistant import Assistant

    root = tmp_path_factory.mktemp("formats")
    cases = root / "cases"
    shutil.copytree(GOOD, cases)
    (cases / "pdf").mkdir()
    (cases / "pdf" / "spit-guards-durham.pdf").write_bytes(pdf_bytes((GOOD / "spit-hoods-durham.md").read_text()))
    loose = root / "loose.txt"
    loose.write_text(
        case_text("Recording of custody decisions - Essex Police, April 2021", "Essex Police", "2021/044044", "heron"),
        encoding="utf-8",
    )
    a = Assistant(data_dir=root / "index", embedder=embedder)
    report = a.ingest([str(cases), str(loose), str(SEED)])
    return a, report, cases, loose


def test_batch_ingests_every_accepted_file_recursively(batch):
    a, report, cases, loose = batch
    expected = [
        str(cases / n)
        for n in (
            "missing-person-avon.txt",
            "moped-pursuit-west-midlands.html",
            "pages.jsonl",
            "pdf/spit-guards-durham.pdf",
            "records.json",
            "spit-hoods-durham.md",
        )
    ] + [str(loose), str(SEED)]
    assert report.failed == [] and report.notes == []
    assert report.added == expected  # directory files sorted, then the other paths in the order given
    assert report.updated == report.unchanged == []
    # index.csv (not an accepted type) and .drafts/ (hidden) are skipped inside a directory, silently
    assert {r.source for r in a.store.sources()} == set(expected)
    assert_consistent(a)


def test_text_file_keeps_its_url_line(batch):
    a, *_ = batch
    case = case_of(a, "Handling of missing person reports - Avon")
    assert case.url == "https://www.example.org/learning/handling-missing-person-reports-avon-and-somerset-march-2020/"
    assert case.references == ["2020/011111"]
    assert [r["status"] for r in case.recommendations] == ["accepted", "not accepted"]
    texts = " ".join(p.text for p in passages_of(a, str(batch[2] / "missing-person-avon.txt")))
    assert "URL:" not in texts and "lantern walk protocol" in texts


def test_markdown_file(batch):
    a, _, cases, _ = batch
    case = case_of(a, "Use of spit and bite guards")
    assert case.force == "Durham Constabulary" and case.incident_month == "2019-10"
    assert case.themes == ["Custody and detention", "Use of force and armed policing"]
    assert any("marmalade review cycle" in p.text for p in passages_of(a, str(cases / "spit-hoods-durham.md")))


def test_html_page_keeps_the_main_text_only(batch):
    a, _, cases, _ = batch
    source = str(cases / "moped-pursuit-west-midlands.html")
    case = case_of(a, "Pursuit of a moped")
    assert case.force == "West Midlands Police" and case.references == ["2021/077702"]
    assert case.url == "https://www.example.org/learning/pursuit-of-a-moped-west-midlands-july-2021/"  # canonical
    assert case.recommendations[0]["status"] == "accepted"
    text = "\n".join(p.text for p in passages_of(a, source))
    assert "quokka authorisation step" in text and "housing estate" in text
    for noise in (
        "cookie",
        "Skip to main",
        "Contact us",
        "dataLayer",
        "tracking",
        "Related cases",
        "Share this page",
        "Privacy notice",
        "font-family",
    ):
        assert noise not in text, noise
    from ingest.formats import html_text

    page, canonical = html_text((GOOD / "moped-pursuit-west-midlands.html").read_bytes(), source)
    assert page.count("Pursuit of a moped - West Midlands Police, July 2021") == 1  # the <h1> is not repeated
    assert page.startswith("Source · IOPC Learning Case\n") and canonical == case.url


def test_pdf_text_layer(batch):
    a, _, cases, _ = batch
    passages = passages_of(a, str(cases / "pdf" / "spit-guards-durham.pdf"))
    assert passages and any("marmalade review" in p.text for p in passages)
    assert {p.metadata["title"] for p in passages} == {
        "Use of spit and bite guards in custody - Durham Constabulary, October 2019"
    }


def test_json_structured_records(batch):
    a, _, cases, _ = batch
    case = case_of(a, "Strip search of a child in custody")
    assert case.sources == [str(cases / "records.json")]
    assert (case.force, case.references, case.incident_month) == ("Kent Police", ["2022/140044"], "2022-05")
    assert (case.published, case.recommended) == ("2023-01-20", "2022-11-03")
    assert case.response_due == "2022-12-29" and case.response_due_inferred  # recommended + 56 days
    assert case.themes == ["Custody and detention", "Children and young persons"]
    assert case.url == "https://www.example.org/learning/strip-search-child-kent-may-2022/"
    assert case.layout == "json"
    recs = case.recommendations
    assert [(r["number"], r["status"], r["addressed_to"], r["national"]) for r in recs] == [
        (1, "accepted", "Kent Police", False),
        (2, "awaiting response", "National Police Chiefs' Council", True),
    ]
    assert "National Police Chiefs' Council" in case.bodies
    texts = " ".join(p.text for p in passages_of(a, str(cases / "records.json")))
    assert "without an appropriate adult present" in texts and "inspector's authority" in texts


def test_jsonl_page_records_and_structured_records(batch):
    a, _, cases, _ = batch
    page = case_of(a, "Response to a mental health crisis")  # a {"text": page} record, parsed as text
    assert page.layout != "json" and page.references == ["2020/099123"]
    assert page.url == "https://www.example.org/learning/mental-health-crisis-cumbria-november-2020/"
    assert page.recommendations[0]["status"] == "partially accepted"
    structured = case_of(a, "Handcuffing of a pregnant woman")  # "reference" and "a|b" themes accepted
    assert structured.references == ["2021/030303"]
    assert structured.themes == ["Use of force and armed policing", "Vulnerable people"]
    assert structured.recommendations[0]["status"] == "not accepted"
    assert page.sources == structured.sources == [str(cases / "pages.jsonl")]


def test_twins_share_one_case_id(batch):
    a, _, cases, _ = batch
    # the same reference (and force) in a .md and a .pdf
    durham = case_of(a, "Use of spit and bite guards")
    assert sorted(durham.sources) == [
        str(cases / "pdf" / "spit-guards-durham.pdf"),
        str(cases / "spit-hoods-durham.md"),
    ]
    # the same title, force and month, no reference in the JSON record
    avon = [c for c in a.cases() if c.title.startswith("Handling of missing person reports")]
    assert len(avon) == 1
    assert sorted(avon[0].sources) == [str(cases / "missing-person-avon.txt"), str(cases / "records.json")]
    ids = {
        p.metadata["case_id"]
        for p in a.store.all_passages()
        if p.metadata["title"].startswith("Handling of missing person reports")
    }
    assert ids == {avon[0].case_id}
    # 8 files hold 10 case texts (records.json and pages.jsonl two each); two pairs are twins: 8 cases,
    # and stats counts a case's sources, so 10
    stats = a.stats()
    assert (stats.cases, stats.sources) == (8, 10)
    assert stats.passages == a.store.count()


def test_second_ingest_reports_every_source_unchanged(batch):
    a, first, cases, loose = batch
    before = snapshot(a)
    again = a.ingest([str(cases), str(loose), str(SEED)])
    assert again.unchanged == first.added
    assert again.added == again.updated == again.failed == [] and not again.changed
    assert snapshot(a) == before


# --- changes and removal (each on its own index) ---------------------------------------------------------------


def test_changed_file_replaces_its_passages(make_assistant, tmp_path):
    a = make_assistant()
    path = tmp_path / "essex.txt"
    other = tmp_path / "other.txt"
    path.write_text(
        case_text(
            "Recording of custody decisions - Essex Police, April 2021", "Essex Police", "2021/044044", "alpha pangolin"
        ),
        encoding="utf-8",
    )
    other.write_text(
        case_text("Searching of cells - Essex Police, May 2021", "Essex Police", "2021/055055", "kingfisher"),
        encoding="utf-8",
    )
    assert a.ingest([str(path), str(other)]).added == [str(path), str(other)]
    old_ids = {p.id for p in passages_of(a, str(path))}
    other_before = {p.id: p.text for p in passages_of(a, str(other))}
    case_id = case_of(a, "Recording of custody decisions").case_id

    changed = case_text(
        "Recording of custody decisions - Essex Police, April 2021", "Essex Police", "2021/044044", "beta narwhal"
    )
    changed += (
        "\nRecommendation 2\n\nIt is recommended that Essex Police audits custody records monthly. "
        "Do you accept the recommendation? Yes\n\nAddressed to: Essex Police\nLinked bodies: Essex Police\n"
        "Accepted\nForce response\n\nAccepted action: A monthly audit of the tapir log began.\n"
    )
    path.write_text(changed, encoding="utf-8")
    report = a.ingest([str(path), str(other)])
    assert (report.updated, report.unchanged, report.added) == ([str(path)], [str(other)], [])

    new = passages_of(a, str(path))
    text = "\n".join(p.text for p in new)
    assert "alpha pangolin" not in text and "beta narwhal" in text and "tapir log" in text
    assert not old_ids & {p.id for p in new}
    assert len(new) == a.store.get_source(str(path)).n_passages
    assert {p.metadata["section"] for p in new} >= {"summary", "recommendation", "response"}
    assert sorted({p.metadata["rec_no"] for p in new if p.metadata["section"] == "recommendation"}) == [1, 2]
    assert {p.id: p.text for p in passages_of(a, str(other))} == other_before
    assert case_of(a, "Recording of custody decisions").case_id == case_id  # same case, same id
    assert len(case_of(a, "Recording of custody decisions").recommendations) == 2
    assert_consistent(a)
    assert a.store.count() == sum(r.n_passages for r in a.store.sources())
    # and the search side sees the new text only
    assert not [h for h in a.search("alpha pangolin", k=20, mode="bm25") if "pangolin" in h.text]
    assert [h for h in a.search("beta narwhal", k=20, mode="bm25") if "narwhal" in h.text]


def test_a_later_ingest_finds_a_stored_twin_by_the_digests_its_record_keeps(make_assistant, tmp_path):
    md = tmp_path / "durham.md"
    shutil.copy(GOOD / "spit-hoods-durham.md", md)
    pdf = tmp_path / "durham.pdf"
    pdf.write_bytes(pdf_bytes(md.read_text()))
    a = make_assistant()
    assert a.ingest([str(md)]).ok
    record = a.store.get_source(str(md))
    assert digests_of(record) == [identity_digests(c) for c in cases_of(record)] and record.lookup
    assert a.ingest([str(pdf)]).ok
    assert sorted(case_of(a, "Use of spit and bite guards").sources) == sorted([str(md), str(pdf)])

    # a record that keeps no digests (stored by earlier code): its cases are read from the payload
    assert a.remove(str(pdf)) == [str(pdf)]
    a.store.records.remove(str(md))
    a.store.records.put(replace(record, lookup=""))
    assert digests_of(a.store.get_source(str(md))) is None
    assert a.ingest([str(pdf)]).ok
    assert sorted(case_of(a, "Use of spit and bite guards").sources) == sorted([str(md), str(pdf)])
    assert a.store.get_source(str(md)) == record  # given its digests by that ingest, and nothing else changed


def test_remove_by_source_and_by_case_id(make_assistant, tmp_path):
    a = make_assistant()
    md = tmp_path / "durham.md"
    shutil.copy(GOOD / "spit-hoods-durham.md", md)
    pdf = tmp_path / "durham.pdf"
    pdf.write_bytes(pdf_bytes(md.read_text()))
    avon = tmp_path / "avon.txt"
    shutil.copy(GOOD / "missing-person-avon.txt", avon)
    assert a.ingest([str(md), str(pdf), str(avon)]).ok
    avon_passages = {p.id: p.text for p in passages_of(a, str(avon))}

    assert a.remove(str(pdf)) == [str(pdf)]
    assert passages_of(a, str(pdf)) == [] and a.store.get_source(str(pdf)) is None
    durham = case_of(a, "Use of spit and bite guards")
    assert durham.sources == [str(md)]  # the twin is still there

    pdf_again = a.ingest([str(pdf)])
    assert pdf_again.added == [str(pdf)]  # removed means forgotten: it is new again, not "unchanged"
    assert sorted(case_of(a, "Use of spit and bite guards").sources) == sorted([str(md), str(pdf)])

    assert sorted(a.remove(durham.case_id)) == sorted([str(md), str(pdf)])  # a case id takes every twin
    assert not [c for c in a.cases() if c.title.startswith("Use of spit")]
    assert {p.metadata["source"] for p in a.store.all_passages()} == {str(avon)}
    assert {p.id: p.text for p in passages_of(a, str(avon))} == avon_passages
    assert a.remove("no-such-source.txt") == [] and a.remove(durham.case_id) == []
    assert_consistent(a)


def test_same_file_twice_in_one_batch(make_assistant, tmp_path):
    a = make_assistant()
    path = tmp_path / "avon.txt"
    shutil.copy(GOOD / "missing-person-avon.txt", path)
    report = a.ingest([str(path), str(tmp_path)])  # the directory holds it again
    assert report.added == [str(path)] and report.unchanged == [str(path)]
    assert len(a.cases()) == 1
    assert_consistent(a)


def test_a_group_stores_what_each_source_alone_would(make_assistant, tmp_path):
    # Sources are embedded a group at a time (one encode, sorted by length): every vector must still land
    # on its own passage and sentence, exactly as when each file is ingested on its own.
    files = []
    for i, (force, words) in enumerate(
        (
            ("Essex Police", "owl"),
            ("Kent Police", "lynx heron marten"),
            ("Avon and Somerset Constabulary", "a much longer narrative " * 12),
        )
    ):
        path = tmp_path / f"c{i}.txt"
        path.write_text(case_text(f"Case {i} - {force}, April 2021", force, f"2021/00000{i}", words), encoding="utf-8")
        files.append(str(path))
    together, alone = make_assistant(tmp_path / "together"), make_assistant(tmp_path / "alone")
    assert together.ingest(files).added == files
    for f in files:
        assert alone.ingest([f]).added == [f]

    def embeddings(collection):
        got = collection.get(include=["embeddings"])
        return dict(zip(got["ids"], got["embeddings"], strict=False))

    for vectors in (
        lambda a: embeddings(a.store.passages.chroma),
        lambda a: a.store.sentences.vectors(a.store.sentences.ids()),
        lambda a: embeddings(a.store.vocabulary.chroma),
    ):
        grouped, single = vectors(together), vectors(alone)
        assert grouped.keys() == single.keys() and grouped
        worst = max(float(np.abs(np.asarray(grouped[k]) - np.asarray(single[k])).max()) for k in grouped)
        assert worst < 1e-4, worst  # the same vectors, up to float noise from different batch padding


def test_progress_bar_only_on_a_tty_and_when_asked(make_assistant, tmp_path, monkeypatch):
    import sys

    for i, word in enumerate(("owl", "lynx")):
        (tmp_path / f"c{i}.txt").write_text(
            case_text(f"Case {word} - Essex Police, April 2021", "Essex Police", f"2021/00000{i}", word),
            encoding="utf-8",
        )

    class FakeTTY(io.StringIO):
        def isatty(self):
            return True

    a = make_assistant()
    err = FakeTTY()
    monkeypatch.setattr(sys, "stderr", err)
    a.ingest([str(tmp_path / "c0.txt"), str(tmp_path / "c1.txt")], progress=False)
    assert err.getvalue() == ""
    (tmp_path / "c0.txt").write_text((tmp_path / "c0.txt").read_text() + "\n", encoding="utf-8")
    a.ingest([str(tmp_path / "c0.txt"), str(tmp_path / "c1.txt")], progress=True)
    assert "ingest" in err.getvalue() and "2/2" in err.getvalue()
