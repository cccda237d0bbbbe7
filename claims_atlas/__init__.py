"""claims-atlas: who would get what under each plan to end the war in Ukraine."""

from importlib import metadata
from pathlib import Path

try:
    __version__ = metadata.version("claims-atlas")
except metadata.PackageNotFoundError:  # a bare checkout on sys.path, not installed
    __version__ = "0.0.0+checkout"

PACKAGE_DIR = Path(__file__).resolve().parent


def _data_root() -> Path:
    """Where seeds/ and geodata/ live: inside an installed wheel (`claims_atlas/_data/`,
    copied there at build time by setup.py) or, in a checkout, the repository root."""
    bundled = PACKAGE_DIR / "_data"
    return bundled if (bundled / "geodata").is_dir() else PACKAGE_DIR.parent


DATA_ROOT = _data_root()
#: Kept for callers that still say REPO_ROOT: the folder holding seeds/ and geodata/.
REPO_ROOT = DATA_ROOT
