"""What shrinking the vocabulary and sentence vectors costs: ingest the corpus, remove 10 cases one by one.

    python -m bench.shrink

Prints each remove's time and the part of it spent shrinking (reading every stored passage to find the
words and sentences still used, then deleting the rest), with what was deleted.
"""

from __future__ import annotations

import tempfile
import time

from bench.crash import CORPUS


def main(n_cases: int = 10) -> None:
    import ingest.pipeline as pipeline
    from assistant import Assistant

    timings = []
    untimed = pipeline.Ingester._shrink

    def timed(self):
        start = time.perf_counter()
        shrunk = untimed(self)
        timings.append((time.perf_counter() - start, shrunk))
        return shrunk

    pipeline.Ingester._shrink = timed
    with tempfile.TemporaryDirectory(prefix="iopc-shrink-") as tmp:
        a = Assistant(data_dir=tmp)
        start = time.perf_counter()
        report = a.ingest([str(CORPUS)])
        store = a.store
        print(f"ingest: {len(report.added)} sources in {time.perf_counter() - start:.1f} s; passages {store.count()}, "
              f"vocabulary {store.vocabulary.count()}, sentences {store.sentences.count()}", flush=True)
        cases = [c.case_id for c in a.cases()]
        for case_id in cases[::max(1, len(cases) // n_cases)][:n_cases]:
            start = time.perf_counter()
            removed = a.remove(case_id)
            seconds, shrunk = timings[-1]
            print(f"remove {case_id[:40]:40s} {len(removed)} source(s): {time.perf_counter() - start:.2f} s, "
                  f"of which shrink {seconds:.2f} s (deleted {shrunk.words} words, {shrunk.sentences} sentence "
                  f"vectors)", flush=True)
        print(f"after: passages {store.count()}, vocabulary {store.vocabulary.count()}, "
              f"sentences {store.sentences.count()}")


if __name__ == "__main__":
    main()
