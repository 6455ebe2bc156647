"""Benchmarks of the pipeline on synthetic corpora (not part of the installed package)."""
