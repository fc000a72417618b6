"""Benchmarks; each script runs on its own: `.venv/bin/python bench/<name>.py`."""
