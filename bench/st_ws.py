"""A Streamlit viewer without a browser: the WebSocket protocol spoken from Python.

A browser tab of the atlas is one WebSocket to `/_stcore/stream` carrying protobuf messages
that ship in the `streamlit` package: the tab sends `BackMsg`s (a rerun with the page's query
string and its widgets' values), the server answers with `ForwardMsg`s (the elements the
script drew, then `script_finished`). `Viewer` does what a tab does, message for message:

1. connect (subprotocol `streamlit`, the proxy's route cookie if it has one) and ask for a
   run with the URL's query string (`proposal=<id>`);
2. answer for the map component once it is drawn (a browser's Leaflet frame sends its first
   value: the page then draws the picker, the timeline, the downloads);
3. switch proposals as a click on the sidebar's picker does: a rerun carrying the radio's
   new value (its formatted option, `string_value`), the other widgets' values and the
   address bar's query string as the app last wrote it (`page_info_changed`).

The answer to each request is checked in the delta stream: the selection script beside the
map (`render.map.page_script`) carries the state the map shows (`{"proposal": id, "regions":
{...}}`), which must equal `render.map.map_state` for the proposal asked for. Messages the
server marks cacheable are remembered by hash and listed on the next rerun, as the browser's
message cache does, so a rerun sends a reference instead of the ~200 KB map again.

Loopback only: `connect` refuses any host but 127.0.0.1 / localhost.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

STREAM_PATH = "/_stcore/stream"
ROUTE_COOKIE = "claims_route"
REPLICA_HEADER = "X-Claims-Replica"
# render.map.page_script carries the state as the arguments of page.js's `put`: queued as
# `.push(["put",[selector, key, "state", state]])` (render.js.data_script), or called as
# `claimsAtlas.put(selector, key, "state", state);` (render.js.script).
_QUEUED_RE = re.compile(r"\.push\((\[\"put\",\[.*\]\])\);", re.S)
_CALLED_RE = re.compile(r"claimsAtlas\.put\((.*)\);\s*</script>", re.S)
LOCAL_HOSTS = ("127.0.0.1", "localhost")
PICKER_KEY = "proposal"  # the sidebar picker's widget key (app.state.PROPOSAL)


class ProtocolError(Exception):
    """The server said something a tab would not expect (an exception element, a wrong
    script end, a missing widget)."""


class WrongAnswer(Exception):
    """The map state in the answer is not the one asked for."""


def map_state_in(html_body: str) -> dict | None:
    """The state a page_script element carries (render.map.page_script), or None."""
    args = None
    try:
        if m := _QUEUED_RE.search(html_body):
            args = json.loads(m.group(1))[1]
        elif m := _CALLED_RE.search(html_body):
            args = json.loads("[" + m.group(1) + "]")  # the call's arguments are JSON values
    except (ValueError, IndexError):
        return None
    return args[3] if args and len(args) == 4 and args[2] == "state" else None


def rerun_msg(query: str, widgets: dict[str, tuple[str, str]], cached: list[str]) -> bytes:
    """A BackMsg asking for a rerun with this query string and these widget values
    ({widget id: (value field, value)})."""
    msg = BackMsg()
    rs = msg.rerun_script
    rs.query_string = query
    rs.page_script_hash = ""
    rs.cached_message_hashes.extend(cached)
    for wid, (kind, value) in widgets.items():
        w = rs.widget_states.widgets.add()
        w.id = wid
        setattr(w, kind, value)
    return msg.SerializeToString()


@dataclass
class RunResult:
    """One request's answer: seconds to the map state, seconds to script end, bytes."""

    answer_s: float | None
    finished_s: float
    state: dict | None
    bytes: int
    messages: int


@dataclass
class Viewer:
    """One simulated tab. `base` is http://127.0.0.1:PORT (the proxy or a replica)."""

    base: str
    shared_cache: dict = field(default_factory=dict)  # ForwardMsg hash -> parsed msg
    timeout: float = 60.0
    cookie: str | None = None
    replica: str | None = None
    ws: object = None
    widgets: dict = field(default_factory=dict)
    cached: set = field(default_factory=set)
    component_id: str | None = None
    radio_id: str | None = None
    radio_options: list = field(default_factory=list)
    exceptions: list = field(default_factory=list)
    query: str = ""
    seen: list = field(default_factory=list)  # proposals of every map state received

    async def connect(self) -> None:
        u = urlparse(self.base)
        if u.hostname not in LOCAL_HOSTS:
            raise ValueError(f"loopback only: {self.base}")
        headers = {"Cookie": f"{ROUTE_COOKIE}={self.cookie}"} if self.cookie else {}
        self.ws = await asyncio.wait_for(websockets.connect(
            f"ws://{u.netloc}{STREAM_PATH}", subprotocols=["streamlit"],
            additional_headers=headers, max_size=64 * 2**20, ping_interval=None,
            open_timeout=self.timeout, compression=None), self.timeout)
        resp = self.ws.response.headers
        if resp.get(REPLICA_HEADER):  # "a, b" when the proxy tried a dead one first
            self.replica = resp[REPLICA_HEADER].split(",")[-1].strip()
        for value in resp.get_all("Set-Cookie"):
            name, _, rest = value.partition("=")
            if name.strip() == ROUTE_COOKIE:
                self.cookie = rest.split(";", 1)[0]
        # A new connection is a new server session: its widgets are unknown until drawn.
        self.widgets, self.component_id, self.radio_id = {}, None, None

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def run(self, query: str, expect: str | None = None) -> RunResult:
        """Send a rerun with `query` and the current widgets; read until the script ends.
        The answer is the first page_script state (checked against `expect` by the caller)."""
        self.query = query
        t0 = time.perf_counter()
        await self.ws.send(rerun_msg(query, self.widgets, sorted(self.cached)))
        answer_s, state, size, count = None, None, 0, 0
        deadline = t0 + self.timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no script_finished within {self.timeout}s")
            data = await asyncio.wait_for(self.ws.recv(), left)
            size += len(data)
            count += 1
            msg = self._resolve(ForwardMsg.FromString(data))
            kind = msg.WhichOneof("type")
            if kind == "delta":
                got = self._element(msg)
                if got is not None:
                    self.seen.append(got.get("proposal"))
                if got is not None and state is None and (expect is None or
                                                           got.get("proposal") == expect):
                    state, answer_s = got, time.perf_counter() - t0
            elif kind == "page_info_changed":
                # The app wrote the URL (st.query_params): the tab's address bar follows, and
                # the next rerun carries it, as Streamlit's frontend does.
                self.query = msg.page_info_changed.query_string
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if status not in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                  ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    raise ProtocolError(f"script finished with status {status}")
                if self.exceptions:
                    raise ProtocolError(f"exception shown: {self.exceptions[0][:200]}")
                return RunResult(answer_s, time.perf_counter() - t0, state, size, count)

    def _resolve(self, msg: ForwardMsg) -> ForwardMsg:
        if msg.WhichOneof("type") == "ref_hash":
            full = self.shared_cache.get(msg.ref_hash)
            if full is None:
                raise ProtocolError(f"reference to a message never received: {msg.ref_hash}")
            out = ForwardMsg()
            out.CopyFrom(full)
            out.metadata.CopyFrom(msg.metadata)
            return out
        if msg.metadata.cacheable and msg.hash:
            self.shared_cache.setdefault(msg.hash, msg)
            self.cached.add(msg.hash)
        return msg

    def _element(self, msg: ForwardMsg) -> dict | None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return None
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind == "html":
            return map_state_in(el.html.body)
        if kind == "component_instance" and "st_folium" in el.component_instance.component_name:
            self.component_id = el.component_instance.id
        elif kind == "radio" and (el.radio.id.endswith("-" + PICKER_KEY)
                                  or el.radio.label == "Proposal"):
            self.radio_id, self.radio_options = el.radio.id, list(el.radio.options)
        elif kind == "exception":
            self.exceptions.append(el.exception.message)
        return None

    async def open(self, proposal: str) -> RunResult:
        """A tab opening `/?proposal=<id>`: the first run, then the map's first answer."""
        first = await self.run(urlencode({"proposal": proposal}), expect=proposal)
        if self.component_id is None:
            raise ProtocolError("no map component in the first view")
        self.widgets[self.component_id] = ("json_value", json.dumps(
            {"last_active_drawing": None, "last_object_clicked_count": None}))
        await self.run(urlencode({"proposal": proposal}))
        if self.radio_id is None:
            raise ProtocolError("no proposal picker after the map answered")
        return first

    async def switch(self, index: int, proposal: str) -> RunResult:
        """A click on option `index` (proposal `proposal`) of the sidebar's picker."""
        self.widgets[self.radio_id] = ("string_value", self.radio_options[index])
        return await self.run(self.query, expect=proposal)


def check(result: RunResult, expected: dict) -> None:
    """Raise WrongAnswer unless the answer shows `expected` (render.map.map_state)."""
    got = result.state
    if got is None:
        raise WrongAnswer(f"no map state for {expected['proposal']!r} in the answer")
    if got.get("proposal") != expected["proposal"] or got.get("regions") != expected["regions"]:
        raise WrongAnswer(f"asked {expected['proposal']!r}, got {got.get('proposal')!r}")
