"""claims-atlas: who would get what under each plan to end the war in Ukraine."""

from pathlib import Path

__version__ = "0.1.0"

REPO_ROOT = Path(__file__).resolve().parent.parent
