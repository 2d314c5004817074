"""Side-by-side performance measurements; run with ``python -m benchmarks.run``."""
