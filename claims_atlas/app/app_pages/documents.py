"""Source documents: the verbatim text, with a cited passage highlighted."""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import cache, state, ui
from claims_atlas.core.validate import normalise
from claims_atlas.render import html as h
from claims_atlas.render.templating import fragment

catalog = cache.catalog()
docs = {d.id: d for d in catalog.documents}
wanted = st.query_params.get(state.DOC)
quote = st.query_params.get(state.QUOTE)
if wanted and wanted not in docs:
    ui.notices([f"Unknown document {state.shown(wanted)}: showing the list of sources."])
    wanted = None

st.title("Sources")
if not docs:
    st.info("The catalog has no source documents.")
    st.stop()
state.once(state.DOC_PICK, wanted or next(iter(docs)))
doc_id = st.selectbox("Document", list(docs), key=state.DOC_PICK,
                      format_func=lambda d: f"{docs[d].dateline} · {docs[d].title}")
if doc_id != wanted:
    quote = None
state.write_url(doc=doc_id, quote=quote)
doc = docs[doc_id]
st.html(fragment("document_head", doc, h.safe_url(doc.url)))
if quote and h.find_passage(doc.text, quote, normalise) is None:
    ui.notices(["The cited passage was not found in this document."])
st.html(h.document_html(doc.text, quote))
