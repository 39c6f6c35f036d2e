"""The same query gets the same nearest passages in every process (vectorstore Passages.query).

Chroma's HNSW search is approximate, and the graph a process loads is not always the same one: the tail of
100 nearest passages differed between processes, and so did which case an answer led with. Runs when
../shared/corpus exists (an index large enough for the tail to differ)."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, copy_index

pytestmark = pytest.mark.corpus

_QUERY = """
import json, sys
from pathlib import Path
from vectorstore import ChromaStore, ModelInfo, StoreLocation
store = ChromaStore(StoreLocation(path=Path(sys.argv[1])), ModelInfo(sys.argv[2], int(sys.argv[3])))
print(json.dumps([store.query(vector, 100) for vector in json.loads(sys.argv[4])]))
"""


def test_a_query_gets_the_same_nearest_passages_in_every_process(corpus_index, model_embedder, tmp_path):
    path = copy_index(corpus_index, tmp_path / "index")
    questions = [
        "Deaf prisoner booked in without a sign language interpreter",
        "Coppers sharing racist memes in a WhatsApp group",
        "officers left a man in the cell without checking on him",
        "which forces changed their body worn video policy?",
        "a woman rang 999 and hung up",
    ]
    vectors = model_embedder.embed(questions).tolist()
    info = model_embedder.info
    args = [sys.executable, "-c", _QUERY, str(path), info.name, str(info.dimension), json.dumps(vectors)]
    runs = [subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    results = [json.loads(p.communicate(timeout=120)[0]) for p in runs]
    assert all(len(nearest) == 100 for r in results for nearest in r)
    assert all(r == results[0] for r in results[1:])
