"""Bad input: each one is one failure naming the source and the reason, the rest of the batch ingests, and
nothing already stored is lost (the store's contents are compared before and after every bad input)."""

from __future__ import annotations

import io
import json
import os
import shutil

import pytest
from test_ingest import BAD, GOOD, SEED, assert_consistent, case_text, passages_of, pdf_bytes, snapshot

from ingest.pipeline import Failure

HTML_NO_TEXT = "the HTML page has no text"


@pytest.fixture(scope="module")
def stocked(tmp_path_factory, embedder):
    """An index holding the seed and one more case; the bad inputs are thrown at it."""
    from assistant import Assistant

    root = tmp_path_factory.mktemp("errors")
    avon = root / "avon.txt"
    shutil.copy(GOOD / "missing-person-avon.txt", avon)
    a = Assistant(data_dir=root / "index", embedder=embedder)
    assert a.ingest([str(SEED), str(avon)]).ok
    return a


def encrypted_pdf(user_password: str, owner_password: str | None = None) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes((GOOD / "spit-hoods-durham.md").read_text()))))
    writer.encrypt(user_password, owner_password)  # RC4-128: pypdf needs no extra package for it
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_only_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _write(path, data) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
    return str(path)


# name -> (make(tmp_path) -> source, the expected reason or its start)
BAD_INPUTS = {
    "empty file": (lambda d: _write(d / "empty.txt", b""), "empty file"),
    "blank file": (lambda d: _write(d / "blank.md", b" \n\t\r\n  \n"), "empty file"),
    "empty fixture": (lambda d: str(BAD / "empty.txt"), "empty file"),
    "binary .txt": (lambda d: _write(d / "data.txt", bytes(range(256)) * 8), "binary file, not text"),
    "image named .md": (
        lambda d: _write(d / "photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)),
        "binary file, not text",
    ),
    "binary .json": (lambda d: _write(d / "dump.json", b"\x00\x01\x02{}" * 50), "binary file, not text"),
    "truncated PDF": (
        lambda d: _write(
            d / "cut.pdf", pdf_bytes(case_text("Cut - Kent Police, May 2022", "Kent Police", "2022/1"))[:900]
        ),
        "unreadable PDF (truncated or damaged): ",
    ),
    "not a PDF": (
        lambda d: _write(d / "fake.pdf", "Source · IOPC Learning Case\nnot really a PDF\n"),
        "unreadable PDF (truncated or damaged): ",
    ),
    "encrypted PDF": (
        lambda d: _write(d / "locked.pdf", encrypted_pdf("secret")),
        "encrypted PDF (a password is needed)",
    ),
    "PDF without text layer": (
        lambda d: _write(d / "scan.pdf", image_only_pdf()),
        "the PDF has no text layer (a scanned image?)",
    ),
    "nonexistent file": (lambda d: str(d / "no-such-case.txt"), "no such file or directory"),
    "nonexistent directory": (lambda d: str(d / "no-such-dir"), "no such file or directory"),
    "path through a file": (lambda d: _write(d / "plain.txt", "x") + "/child.txt", "cannot read: Not a directory"),
    "empty directory": (lambda d: (d / "nothing").mkdir() or str(d / "nothing"), "no accepted files in this directory"),
    "directory of unsupported files": (
        lambda d: _write(d / "misc" / "notes.csv", "a,b\n").rsplit("/", 1)[0],
        "no accepted files in this directory",
    ),
    "malformed JSON": (
        lambda d: str(BAD / "malformed.json"),
        "malformed JSON: Expecting property name enclosed in double quotes at line 4, column 32",
    ),
    "malformed JSONL": (lambda d: str(BAD / "malformed.jsonl"), "malformed JSON: Expecting ',' delimiter at line 2,"),
    "record without title": (lambda d: str(BAD / "no-title.json"), "record 2: missing 'title'"),
    "records not objects": (lambda d: str(BAD / "not-objects.json"), "record 1 is not a JSON object"),
    "no records": (lambda d: str(BAD / "no-records.json"), "no records in the JSON file"),
    "bad record date": (
        lambda d: _write(d / "date.json", '{"title": "T - Kent Police, May 2022", "recommended": "May 2022"}'),
        "record 1: 'recommended' must be an ISO date (YYYY-MM-DD), got 'May 2022'",
    ),
    "bad record month": (
        lambda d: _write(d / "month.jsonl", '{"title": "T", "incident_month": 202205}\n'),
        "record 1: 'incident_month' must be YYYY-MM, got 202205",
    ),
    "bad record status": (
        lambda d: _write(d / "status.json", '{"title": "T", "recommendations": [{"status": "maybe"}]}'),
        "record 1: recommendation 1: status 'maybe' is not one of accepted,",
    ),
    "bad record type": (
        lambda d: _write(d / "type.json", '{"title": "T", "themes": 5}'),
        "record 1: 'themes' must be a string or a list of strings, got 5",
    ),
    "national as a string": (
        lambda d: _write(
            d / "national.json", '{"title": "T", "recommendations": [{"text": "x", "national": "false"}]}'
        ),
        "record 1: recommendation 1: 'national' must be true or false (a JSON boolean, not a string), got 'false'",
    ),
    "national as no": (
        lambda d: _write(
            d / "no.jsonl", '{"title": "T"}\n{"title": "U", "recommendations": [{}, {"national": "no"}]}\n'
        ),
        "record 2: recommendation 2: 'national' must be true or false",
    ),
    "page record with a non-string url": (
        lambda d: _write(d / "page.json", '{"text": "A case", "url": 5}'),
        "record 1: 'url' must be a string, got 5",
    ),
    "page record with an object url": (
        lambda d: _write(d / "page.jsonl", '{"text": "A case", "url": {"a": 1}}'),
        "record 1: 'url' must be a string, got {'a': 1}",
    ),
    "recommendations not a list": (
        lambda d: _write(d / "recs.json", '{"title": "T", "recommendations": "none"}'),
        "record 1: 'recommendations' must be a list of objects, got 'none'",
    ),
    "JSON nested 100,000 deep": (
        lambda d: _write(d / "deep.json", "[" * 100_000 + "]" * 100_000),
        "JSON nested deeper than 16 levels",
    ),
    "a field nested 500 deep": (
        lambda d: _write(d / "deep.jsonl", '{"title": "T", "themes": ' + "[" * 500 + "]" * 500 + "}"),
        "record 1: JSON nested deeper than 16 levels",
    ),
    "HTML without text": (lambda d: str(BAD / "no-text.htm"), HTML_NO_TEXT),
    "HTML of only markup": (
        lambda d: _write(d / "blank.html", "<html><body><script>x()</script> </body></html>"),
        HTML_NO_TEXT,
    ),
    "only a URL line": (lambda d: str(BAD / "only-url.txt"), "no text"),
    "unsupported extension": (lambda d: str(BAD / "report.docx"), "unsupported file type '.docx' (accepted: "),
    "no extension": (lambda d: _write(d / "README", "Some text"), "unsupported file type '(none)'"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_one_line_and_changes_nothing(name, stocked, tmp_path):
    make, reason = BAD_INPUTS[name]
    source = make(tmp_path)
    before = snapshot(stocked)
    report = stocked.ingest([source])
    assert len(report.failed) == 1, report
    failure = report.failed[0]
    assert failure.source == source
    assert failure.reason.startswith(reason), failure.reason
    assert "\n" not in failure.reason and "Traceback" not in failure.reason
    assert report.added == report.updated == report.unchanged == report.notes == []
    assert snapshot(stocked) == before


def test_over_the_size_limit(stocked, embedder, tmp_path):
    from assistant import Assistant

    path = tmp_path / "long.txt"
    path.write_text(case_text("Long case - Kent Police, May 2022", "Kent Police", "2022/777777", "word " * 400))
    small = Assistant(data_dir=stocked.location.path, embedder=embedder, max_bytes=1000)
    before = snapshot(stocked)
    report = small.ingest([str(path)])
    size = path.stat().st_size
    assert report.failed == [
        Failure(str(path), f"{size:,} bytes is over the size limit of 1,000 bytes (raise it with --max-size)")
    ]
    assert snapshot(stocked) == before
    from ingest.readers import _too_big

    assert _too_big("x", 25_300_000, 20_000_000).reason.startswith("25.3 MB is over the size limit of 20.0 MB")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway (see the next test)")
def test_unreadable_file_chmod(stocked, tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(case_text("Locked - Kent Police, May 2022", "Kent Police", "2022/1"))
    path.chmod(0)
    before = snapshot(stocked)
    assert stocked.ingest([str(path)]).failed == [Failure(str(path), "permission denied")]
    assert snapshot(stocked) == before


def test_unreadable_file_permission_error(stocked, tmp_path, monkeypatch):
    """As root chmod 000 does not stop a read, so open() is made to fail as it would for another user."""
    import builtins

    import ingest.readers

    path = tmp_path / "secret.txt"
    path.write_text(case_text("Locked - Kent Police, May 2022", "Kent Police", "2022/1"))

    def denied(file, *args, **kw):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return builtins.open(file, *args, **kw)

    monkeypatch.setattr(ingest.readers, "open", denied, raising=False)
    before = snapshot(stocked)
    assert stocked.ingest([str(path)]).failed == [Failure(str(path), "permission denied")]
    assert snapshot(stocked) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_does_not_hang_the_batch(stocked, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    before = snapshot(stocked)
    assert stocked.ingest([str(fifo)]).failed == [Failure(str(fifo), "not a regular file")]
    assert snapshot(stocked) == before


def test_aes_pdf_without_cryptography_says_so(stocked, tmp_path, monkeypatch):
    """pypdf reads AES-encrypted PDFs only with the optional 'cryptography' package; it raises DependencyError."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    def needs_cryptography(self, password):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PdfReader, "decrypt", needs_cryptography)
    path = _write(tmp_path / "aes.pdf", encrypted_pdf("", owner_password="boss"))
    before = snapshot(stocked)
    assert stocked.ingest([path]).failed == [
        Failure(path, "encrypted PDF (AES: reading it needs the 'cryptography' package)")
    ]
    assert snapshot(stocked) == before


def test_pdf_with_only_an_owner_password_is_read(make_assistant, tmp_path):
    a = make_assistant()
    path = _write(tmp_path / "owner-only.pdf", encrypted_pdf("", owner_password="boss"))
    report = a.ingest([path])
    assert report.added == [path]
    assert any("marmalade review" in p.text for p in passages_of(a, path))


def test_invalid_utf8_falls_back_to_windows_1252(stocked, tmp_path):
    text = case_text(
        "Officers’ notes – Kent Police, May 2022", "Kent Police", "2022/121212", "The sergeant’s “review” was late"
    ).replace("↗", "")
    raw = text.encode("cp1252")
    path = _write(tmp_path / "legacy.txt", raw)
    before = snapshot(stocked)
    report = stocked.ingest([path])
    start = next(i for i, b in enumerate(raw) if b >= 0x80)  # "·" in the first line
    assert report.added == [path] and report.failed == []
    assert report.notes == [Failure(path, f"invalid UTF-8 at byte {start}; decoded as Windows-1252")]
    assert stocked.store.get_source(path).detail == report.notes[0].reason
    texts = " ".join(p.text for p in passages_of(stocked, path))
    assert "The sergeant’s “review” was late" in texts
    after = snapshot(stocked)
    assert all(after["passages"][k] == v for k, v in before["passages"].items())  # nothing lost
    assert {k: v for k, v in after["sources"].items() if k != path} == before["sources"]


def test_html_without_charset_in_windows_1252(make_assistant, tmp_path):
    a = make_assistant()
    page = (
        "<html><body><nav>Home</nav><main><pre>"
        + case_text(
            "Officers’ notes – Kent Police, May 2022", "Kent Police", "2022/131313", "The café’s “log”"
        ).replace("↗", "")
        + "</pre></main></body></html>"
    ).encode("cp1252")
    path = _write(tmp_path / "saved.html", page)
    report = a.ingest([path])
    start = next(i for i, b in enumerate(page) if b >= 0x80)
    assert report.added == [path]
    assert report.notes == [Failure(path, f"invalid UTF-8 at byte {start}; decoded as Windows-1252")]
    assert any("The café’s “log”" in p.text for p in passages_of(a, path))


def test_utf16_with_bom_is_text(make_assistant, tmp_path):
    a = make_assistant()
    text = case_text("Notes in UTF-16 - Kent Police, May 2022", "Kent Police", "2022/161616", "wombat")
    path = _write(tmp_path / "notepad.txt", text.encode("utf-16"))
    report = a.ingest([path])
    assert report.added == [path] and report.notes == [Failure(path, "decoded as UTF-16")]
    assert any("wombat" in p.text for p in passages_of(a, path))


def test_mixed_batch_fails_each_bad_source_and_ingests_the_rest(stocked, tmp_path):
    good = _write(
        tmp_path / "good.txt",
        case_text("Property in custody - Kent Police, June 2022", "Kent Police", "2022/343434", "armadillo"),
    )
    good2 = _write(
        tmp_path / "good2.md",
        case_text("Cell checks - Kent Police, July 2022", "Kent Police", "2022/353535", "echidna"),
    )
    empty = _write(tmp_path / "empty.txt", b"")
    binary = _write(tmp_path / "blob.txt", bytes(range(256)))
    missing = str(tmp_path / "missing.txt")
    bad_json = str(BAD / "malformed.json")
    docx = str(BAD / "report.docx")
    before = snapshot(stocked)
    report = stocked.ingest([empty, good, binary, missing, bad_json, docx, good2, str(SEED)])
    assert [f.source for f in report.failed] == [empty, binary, missing, bad_json, docx]
    assert report.added == [good, good2] and report.unchanged == [str(SEED)]
    after = snapshot(stocked)
    assert all(after["passages"][k] == v for k, v in before["passages"].items())
    assert set(after["sources"]) == set(before["sources"]) | {good, good2}
    assert any("armadillo" in p.text for p in passages_of(stocked, good))
    assert_consistent(stocked)


@pytest.mark.parametrize("corrupt", ["binary", "empty", "truncated PDF", "malformed JSON", "deleted"])
def test_a_stored_source_that_goes_bad_keeps_its_passages(corrupt, make_assistant, tmp_path):
    a = make_assistant()
    name = "case.pdf" if corrupt == "truncated PDF" else "case.json" if corrupt == "malformed JSON" else "case.txt"
    path = tmp_path / name
    text = case_text("Cell checks - Kent Police, July 2022", "Kent Police", "2022/353535", "echidna")
    if name.endswith(".pdf"):
        path.write_bytes(pdf_bytes(text))
    elif name.endswith(".json"):
        path.write_text('{{"text": {}}}'.format(__import__("json").dumps(text)))
    else:
        path.write_text(text)
    assert a.ingest([str(path)]).added == [str(path)]
    before = snapshot(a)
    if corrupt == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    elif corrupt == "empty":
        path.write_bytes(b"")
    elif corrupt == "truncated PDF":
        path.write_bytes(path.read_bytes()[:600])
    elif corrupt == "malformed JSON":
        path.write_text(path.read_text()[:-5])
    else:
        path.unlink()
    report = a.ingest([str(path)])
    assert [f.source for f in report.failed] == [str(path)]
    assert snapshot(a) == before
    assert len(a.cases()) == 1 and any("echidna" in p.text for p in passages_of(a, str(path)))


def test_record_booleans_and_a_long_title(make_assistant, tmp_path):
    """national: JSON true/false are kept as given; a 100,000-character title is cut at a word to 300."""
    a = make_assistant()
    title = "Long title - Kent Police, May 2022 " + "word " * 20_000
    path = _write(
        tmp_path / "r.json",
        json.dumps(
            [
                {
                    "title": title,
                    "recommendations": [
                        {"text": "Do this.", "addressed_to": "College of Policing", "national": False},
                        {"text": "Do that.", "addressed_to": "Kent Police", "national": True},
                        {"text": "And this.", "addressed_to": "College of Policing"},
                    ],
                }
            ]
        ),
    )
    assert a.ingest([path]).added == [path]
    (case,) = a.cases()
    assert len(case.title) <= 300 and title.startswith(case.title) and case.title.endswith("word")
    assert [r["national"] for r in case.recommendations] == [False, True, True]
