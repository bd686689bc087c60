"""Benchmarks (`make bench`): figures that show shoken is fast, each printed with how it was measured."""
