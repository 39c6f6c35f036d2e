"""Field accuracy of the parser against hand-checked values for real IOPC case pages.

The expected values in ``corpus_fields.json`` were read by eye from files of the development
corpus (``../shared/corpus/cases`` relative to the repository root, or ``$IOPC_CORPUS_DIR``),
independently of the parser. The corpus is not part of the repository, so this module is
skipped when it is absent.

Run with ``-s`` to see the per-field table; set ``IOPC_FIELD_REPORT=<path>`` to also write the
table (and the per-file mismatches) to a file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

# Minimum share of files on which each field must be right.
THRESHOLDS: dict[str, float] = {
    "title": 0.9,
    "forces": 0.9,
    "force": 0.9,
    "references": 0.9,
    "incident_month": 0.9,
    "published": 0.9,
    "recommended": 0.9,
    "response_due": 0.9,
    "n_recommendations": 0.9,
    "statuses": 0.9,
}
FIELDS: tuple[str, ...] = tuple(THRESHOLDS)

REPO = Path(__file__).resolve().parents[1]
EXPECTED_PATH = Path(__file__).resolve().parent / "corpus_fields.json"
STATUSES = ("accepted", "not accepted", "partially accepted", "awaiting response", "unknown")
MIN_FILES = 24


def _corpus_dir() -> Path:
    env = os.environ.get("IOPC_CORPUS_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return REPO.parent / "shared" / "corpus"


CORPUS = _corpus_dir()
CASES = CORPUS / "cases" if (CORPUS / "cases").is_dir() else CORPUS

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"IOPC development corpus not found at {CORPUS} (set IOPC_CORPUS_DIR to its folder)",
)

if str(REPO) not in sys.path:  # so `ingest` imports however pytest is started
    sys.path.insert(0, str(REPO))


def _load_expected() -> dict[str, dict]:
    return json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))


def _parse_text():
    """ingest.parse.parse_text, or skip when the parser module does not exist yet."""
    try:
        from ingest.parse import parse_text
    except ModuleNotFoundError as exc:
        if exc.name in ("ingest.parse", "ingest"):
            pytest.skip(f"parser not available yet: {exc}")
        raise
    return parse_text


# --------------------------------------------------------------------------- comparison


def _actual(case, field: str):
    """The parsed value of `field`, in the same shape as the expected JSON."""
    if field == "title":
        return (case.title or "").strip()
    if field == "forces":
        return sorted({b.name for b in (case.bodies or [])})
    if field == "force":
        return case.force.name if case.force is not None else None
    if field == "references":
        return sorted(set(case.references or []))
    if field in ("incident_month", "published", "recommended", "response_due"):
        return getattr(case, field)
    if field == "n_recommendations":
        return len(case.recommendations or [])
    if field == "statuses":
        return [r.status for r in case.recommendations or []]
    raise KeyError(field)


def _same(field: str, expected, actual) -> bool:
    if field in ("forces", "references"):
        return set(expected) == set(actual)
    return expected == actual


def _evaluate() -> dict:
    """Parse every listed file and compare each field; returns per-field scores and mismatches."""
    parse_text = _parse_text()
    expected_all = _load_expected()
    scores = {f: [0, 0] for f in FIELDS}  # field -> [correct, counted]
    mismatches: dict[str, list[tuple[str, object, object]]] = {}  # file -> [(field, expected, got)]
    for name, expected in expected_all.items():
        text = (CASES / f"{name}.txt").read_text(encoding="utf-8")
        try:
            case = parse_text(text)
            error = None
        except Exception as exc:  # a crash counts as wrong on every field
            case, error = None, f"<parse error: {type(exc).__name__}: {exc}>"
        for field in FIELDS:
            want = expected[field]
            failed = case is None
            if failed:
                got = error
            else:
                try:
                    got = _actual(case, field)
                except Exception as exc:
                    failed, got = True, f"<error reading {field}: {type(exc).__name__}: {exc}>"
                if field == "response_due" and want is None and getattr(case, "response_due_inferred", False):
                    continue  # an inferred due date is allowed where the page states none
            scores[field][1] += 1
            ok = not failed and _same(field, want, got)
            if ok:
                scores[field][0] += 1
            else:
                mismatches.setdefault(name, []).append((field, want, got))
    accuracy = {f: (c / n if n else 1.0) for f, (c, n) in scores.items()}
    return {"scores": scores, "accuracy": accuracy, "mismatches": mismatches, "n_files": len(expected_all)}


def _table(result: dict) -> str:
    lines = [f"Field accuracy over {result['n_files']} corpus files", ""]
    lines.append(f"{'field':<18} {'correct':>9} {'accuracy':>9} {'threshold':>10}  result")
    for field in FIELDS:
        correct, counted = result["scores"][field]
        acc, thr = result["accuracy"][field], THRESHOLDS[field]
        lines.append(
            f"{field:<18} {f'{correct}/{counted}':>9} {acc:>9.1%} {thr:>10.0%}  {'ok' if acc >= thr else 'BELOW'}"
        )
    return "\n".join(lines)


def _mismatch_lines(result: dict, fields: tuple[str, ...] = FIELDS) -> list[str]:
    lines = []
    for name, items in sorted(result["mismatches"].items()):
        items = [i for i in items if i[0] in fields]
        if not items:
            continue
        lines.append(f"{name}:")
        for field, want, got in items:
            lines.append(f"    {field}: expected {want!r}, got {got!r}")
    return lines


@pytest.fixture(scope="module")
def field_results() -> dict:
    result = _evaluate()
    table = _table(result)
    print("\n" + table)
    report = os.environ.get("IOPC_FIELD_REPORT")
    if report:
        body = table + "\n\nPer-file mismatches:\n" + ("\n".join(_mismatch_lines(result)) or "    none") + "\n"
        Path(report).expanduser().write_text(body, encoding="utf-8")
    return result


# --------------------------------------------------------------------------- tests


def test_expected_values_are_well_formed():
    """The hand-checked file names exist in the corpus and every entry has the full set of fields."""
    expected = _load_expected()
    assert len(expected) >= MIN_FILES, f"only {len(expected)} files listed, want at least {MIN_FILES}"
    problems = []
    for name, e in expected.items():
        if not (CASES / f"{name}.txt").is_file():
            problems.append(f"{name}: no such corpus file in {CASES}")
        missing = [f for f in (*FIELDS, "notes") if f not in e]
        if missing:
            problems.append(f"{name}: missing {missing}")
            continue
        if e["n_recommendations"] != len(e["statuses"]):
            problems.append(f"{name}: n_recommendations != len(statuses)")
        if any(s not in STATUSES for s in e["statuses"]):
            problems.append(f"{name}: bad status in {e['statuses']}")
        if e["forces"] != sorted(e["forces"]) or e["references"] != sorted(e["references"]):
            problems.append(f"{name}: forces/references not sorted")
        if e["force"] is not None and e["force"] not in e["forces"]:
            problems.append(f"{name}: force {e['force']!r} not in forces")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("field", FIELDS)
def test_field_accuracy(field_results, field):
    """Each field is right on at least THRESHOLDS[field] of the files; the message lists the misses."""
    acc = field_results["accuracy"][field]
    correct, counted = field_results["scores"][field]
    if acc < THRESHOLDS[field]:
        misses = _mismatch_lines(field_results, (field,))
        pytest.fail(
            f"{field}: accuracy {acc:.1%} ({correct}/{counted}) below threshold {THRESHOLDS[field]:.0%}.\n"
            "Per-file mismatches:\n" + "\n".join(misses),
            pytrace=False,
        )


def test_per_file_mismatches(field_results):
    """All fields meet their thresholds; on failure, every per-file mismatch is listed by file."""
    below = [f for f in FIELDS if field_results["accuracy"][f] < THRESHOLDS[f]]
    if below:
        pytest.fail(
            _table(field_results)
            + f"\n\nFields below threshold: {', '.join(below)}\n\nPer-file mismatches:\n"
            + "\n".join(_mismatch_lines(field_results)),
            pytrace=False,
        )
