"""Source documents: the verbatim text, with a cited passage highlighted."""

from __future__ import annotations

import streamlit as st

from claims_atlas.app import cache, state, ui
from claims_atlas.core.validate import normalise
from claims_atlas.render import html as h

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
state.once("doc_pick", wanted or next(iter(docs)))
doc_id = st.selectbox("Document", list(docs), key="doc_pick",
                      format_func=lambda d: f"{docs[d].dateline} · {docs[d].title}")
if doc_id != wanted:
    quote = None
state.write_url(doc=doc_id, quote=quote)
doc = docs[doc_id]
url = h.safe_url(doc.url)
link = f' · <a href="{h.esc(url)}" target="_blank" rel="noopener noreferrer">original</a>' \
    if url else ""
via = f" via {h.esc(doc.via)}" if doc.via else ""
state_media = ' <span class="state-media">state media</span>' if doc.state_media else ""
translated = (f" · translated from {h.esc(doc.original_language)}"
              if doc.original_language else "")
st.html(f'<h3>{h.esc(doc.title)}</h3><p class="meta">{h.esc(doc.outlet)}{via}{state_media} · '
        f'dateline {h.esc(h.fmt_date(doc.dateline))} · language {h.esc(doc.language)}'
        f'{translated}{link}</p>'
        + (f'<p class="note">{h.esc(doc.notes)}</p>' if doc.notes else ""))
if quote and h.find_passage(doc.text, quote, normalise) is None:
    ui.notices(["The cited passage was not found in this document."])
st.html(h.document_html(doc.text, quote))
