"""The floor: the cheapest possible Streamlit page, served with the dashboard's own flags."""

import streamlit as st

st.write("ready")
