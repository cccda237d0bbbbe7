"""Streamlit only: the entry script, pages, caching and session/URL state."""
