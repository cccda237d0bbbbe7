"""`python -m claims_atlas.cli ...` is `claims-atlas ...`."""

from claims_atlas.cli import main

main(prog_name="claims-atlas")
