"""Test fixtures shared by the tests and the benchmarks: the hash embedder, synthetic cases, fuzzed and
hostile inputs. `bench/` imports its generators from here; the tests never import `bench/`."""
