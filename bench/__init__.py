"""Benchmarks: printed tables of speed and cost (`make bench`). They report numbers and never assert."""
