"""Renderers: core answers -> folium map, HTML fragments, PNG/PDF handouts."""
