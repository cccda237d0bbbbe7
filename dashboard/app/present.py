"""Presentation mode (filled in by the briefing work)."""

from __future__ import annotations

import streamlit as st


def show(catalog, view) -> None:
    st.info("Presentation mode is not available yet.")
