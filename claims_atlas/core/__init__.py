"""Pure core: imports neither streamlit nor folium."""
