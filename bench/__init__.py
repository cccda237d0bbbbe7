"""Performance harness for claims-atlas (`python bench/run.py`, `make bench`)."""
