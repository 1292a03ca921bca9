"""Side-by-side measurements; `make bench` writes docs/benchmarks.md. Never run by CI."""
