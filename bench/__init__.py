"""`make bench`: the benchmark at the scale of all of Sweden's municipalities (BENCHMARKS.md)."""
