"""AppTest as a browser session sees the app once its map has drawn."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from claims_atlas import REPO_ROOT
from claims_atlas.app import mapview

MAIN = str(REPO_ROOT / "claims_atlas" / "app" / "main.py")


def drawn_app(timeout: float = 60) -> AppTest:
    """The app after the explorer's map answered once.

    The explorer draws its controls, timeline and downloads on the rerun the map's first
    answer causes (mapview.answered). AppTest has no browser to draw the map, so this
    stands in for that answer.
    """
    at = AppTest.from_file(MAIN, default_timeout=timeout)
    at.session_state[mapview.answered_key("map")] = True
    return at
