"""Benchmarks and reliability trials (not tests): `python -m bench`, `python -m bench.reliability`."""
