"""Source documents: the verbatim text, with a cited passage highlighted."""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import cache, state, ui
from claims_atlas.core.validate import normalise
from claims_atlas.render import html as h
from claims_atlas.render import passage
from claims_atlas.render.templating import fragment

catalog = cache.catalog()
docs = {d.id: d for d in catalog.documents}
wanted = st.query_params.get(state.DOC)
quotes = [q for q in st.query_params.get_all(state.QUOTE) if q.strip()]
cited_by = st.query_params.get(state.FROM)
back = passage.back_href(st.query_params.get(state.BACK),
                         cited_by if cited_by and catalog.statement(cited_by) else None)
if wanted and wanted not in docs:
    ui.notices([f"Unknown document {state.shown(wanted)}: showing the list of sources."])
    wanted = None

st.title("Sources")
if back:
    st.html(passage.back_link_html(back))
if not docs:
    st.info("The catalog has no source documents.")
    st.stop()
state.once(state.DOC_PICK, wanted or next(iter(docs)))
doc_id = st.selectbox("Document", list(docs), key=state.DOC_PICK,
                      format_func=lambda d: f"{docs[d].dateline} · {docs[d].title}")
if doc_id != wanted:  # another document picked: its passages are not this link's
    quotes = []
    state.write_url(doc=doc_id, quote=None)
doc = docs[doc_id]
st.html(fragment("document_head", doc, h.safe_url(doc.url)))
spans = passage.find_spans(doc.text, quotes,
                           lambda text, q: h.find_passage(text, q, normalise))
missing = sum(h.find_passage(doc.text, q, normalise) is None for q in quotes)
if missing:
    ui.notices([f"{missing} of the {len(quotes)} cited passages were not found in this "
                "document." if len(quotes) > 1 else
                "The cited passage was not found in this document."])
if len(spans) > 1:
    st.caption(f"{len(spans)} passages cited by this item are marked; the first is in view.")
st.html(passage.document_html(doc.text, spans))
if spans:
    st.html(passage.passage_script(), unsafe_allow_javascript=True)
