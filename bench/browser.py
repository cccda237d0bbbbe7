"""Browser-side measurements with Playwright's async API and Debian's Chromium.

Every wait is bounded; no measurement sleeps: readiness and switches are detected in the page
(see probes.py) and awaited with `wait_for_function`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import secrets
import time
from collections.abc import Sequence

from playwright.async_api import Browser, BrowserContext, Error, Frame, Page, Playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from bench import probes

try:  # the test suite's Chromium and flags, if importable
    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS
except ImportError:  # pragma: no cover - the harness is usable without tests/
    CHROMIUM = "/usr/bin/chromium"
    CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]

# Name resolution fails for every host but 127.0.0.1: nothing can leave the machine even if
# a page asked for a CDN (attempts are still counted, see `external`).
OFFLINE_ARG = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
VIEWPORT = {"width": 1600, "height": 1000}
FRAME = 'iframe[title="streamlit_folium.st_folium"]'
RADIO = '[data-testid="stRadioGroup"][aria-label="Proposal"] [data-testid="stRadioOption"]'
LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")

SET_EXPECTED = """(e) => { const b = window.__bench;
  b.expected = {proposal: e.proposal, regions: e.regions, hitAt: null,
                setAt: performance.timeOrigin + performance.now()};
  b.scan = true; return b.expected.setAt; }"""
READ_SWITCH = """() => { const b = window.__bench, e = b.expected || {};
  return {setAt: e.setAt || null, hitAt: e.hitAt || null,
          down: b.down.filter(t => t >= (e.setAt || 0))[0] || null}; }"""


async def launch(pw: Playwright, count: int = 1) -> list[Browser]:
    return list(await asyncio.gather(*(
        pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, OFFLINE_ARG])
        for _ in range(count))))


async def new_context(browser: Browser, mode: str, regions: int, ws_probe: bool = False,
                      scan_all: bool = False) -> tuple[BrowserContext, Page]:
    ctx = await browser.new_context(viewport=VIEWPORT)
    await ctx.add_init_script(probes.init_script(mode, regions, ws_probe, scan_all))
    page = await ctx.new_page()
    page.external = []
    page.on("request", lambda r: page.external.append(r.url)
            if not r.url.startswith(LOCAL) else None)
    return ctx, page


class ByteMeter:
    """Bytes received, from Chrome's DevTools protocol (Network domain).

    http_encoded: sum of Network.loadingFinished.encodedDataLength (bytes on the wire,
    headers included, before decompression); http_decoded: sum of Network.dataReceived
    dataLength (decoded bodies); ws: payload bytes of Network.webSocketFrameReceived
    (Streamlit sends the app's elements, including the map's whole script, over its
    WebSocket, so HTTP alone would miss the map).
    """

    def __init__(self):
        self.http_encoded = self.http_decoded = self.ws = self.ws_sent = 0
        self.requests = self.ws_frames = 0
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.last_event = time.monotonic()

    @classmethod
    async def attach(cls, ctx: BrowserContext, page: Page) -> ByteMeter:
        meter = cls()
        cdp = await ctx.new_cdp_session(page)
        cdp.on("Network.responseReceived", meter._response)
        cdp.on("Network.loadingFinished", meter._finished)
        cdp.on("Network.dataReceived", meter._data)
        cdp.on("Network.webSocketFrameReceived", meter._frame)
        cdp.on("Network.webSocketFrameSent", meter._sent)
        await cdp.send("Network.enable")
        return meter

    @staticmethod
    def _payload_len(event: dict) -> int:
        resp = event.get("response") or {}
        data = resp.get("payloadData") or ""
        if resp.get("opcode") == 2:  # binary frames arrive base64-encoded
            with contextlib.suppress(ValueError):
                return len(base64.b64decode(data))
        return len(data.encode())

    def _touch(self) -> None:
        self.last_event = time.monotonic()

    def _response(self, e: dict) -> None:
        self.urls[e["requestId"]] = e["response"]["url"]
        self._touch()

    def _finished(self, e: dict) -> None:
        self.requests += 1
        n = int(e.get("encodedDataLength") or 0)
        self.http_encoded += n
        url = self.urls.get(e["requestId"], e["requestId"])
        self.sizes[url] = self.sizes.get(url, 0) + n
        self._touch()

    def _data(self, e: dict) -> None:
        self.http_decoded += int(e.get("dataLength") or 0)
        self._touch()

    def _frame(self, e: dict) -> None:
        self.ws_frames += 1
        self.ws += self._payload_len(e)
        self._touch()

    def _sent(self, e: dict) -> None:
        self.ws_sent += self._payload_len(e)
        self._touch()

    def snapshot(self) -> dict:
        return {"http_encoded": self.http_encoded, "http_decoded": self.http_decoded,
                "ws_received": self.ws, "total_received": self.http_encoded + self.ws,
                "requests": self.requests, "ws_frames": self.ws_frames}

    def largest(self, n: int = 5) -> list[tuple[str, int]]:
        top = sorted(self.sizes.items(), key=lambda kv: -kv[1])[:n]
        return [(url.split("?")[0].split("127.0.0.1:", 1)[-1], size) for url, size in top]

    async def quiet(self, seconds: float = 0.75, limit: float = 15.0) -> None:
        """Return once no network event arrived for `seconds` (at most `limit` seconds)."""
        end = time.monotonic() + limit
        while time.monotonic() < end and time.monotonic() - self.last_event < seconds:
            await asyncio.sleep(0.05)  # settling poll for byte totals, not a timing


async def settle(page: Page, quiet_ms: int = 1000, timeout_s: float = 30.0) -> None:
    """Wait (bounded) until Streamlit stopped running and stayed stopped for `quiet_ms`."""
    with contextlib.suppress(PlaywrightTimeout):
        await page.wait_for_function(probes.SETTLED, arg=quiet_ms, timeout=timeout_s * 1000)


async def map_frame(page: Page) -> Frame | None:
    handle = await page.query_selector(FRAME)
    return await handle.content_frame() if handle else None


async def first_view(browser: Browser, url: str, mode: str, regions: int = 27,
                     timeout_s: float = 90.0, measure_bytes: bool = True) -> dict:
    """Navigation -> floor text "ready" / map with every region coloured, in a fresh context."""
    ctx, page = await new_context(browser, mode, regions)
    try:
        meter = await ByteMeter.attach(ctx, page) if measure_bytes else None
        t0 = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        try:
            handle = await page.wait_for_function(probes.READY, timeout=timeout_s * 1000)
        except PlaywrightTimeout:
            return {"ms": None, "error": f"not ready after {timeout_s} s",
                    "diagnosis": await diagnose(page)}
        ready_at = await handle.json_value()
        wall = (time.perf_counter() - t0) * 1000
        nav = await page.evaluate("() => window.__bench.navStart")
        out = {"ms": round(ready_at - nav, 1), "wall_ms": round(wall, 1)}
        if meter:
            out["bytes_at_ready"] = meter.snapshot()
            await meter.quiet()
            out["bytes_settled"] = meter.snapshot()
            out["largest_http"] = meter.largest()
        out["external_requests"] = list(page.external)
        return out
    finally:
        await ctx.close()


async def diagnose(page: Page) -> dict:
    """What the page looks like when a wait failed (for the report, never raises)."""
    out: dict = {}
    with contextlib.suppress(Exception):
        out["top"] = await page.evaluate("""() => { const b = window.__bench || {};
          const a = document.querySelector('[data-testid="stApp"]');
          return {state: a && a.getAttribute('data-test-script-state'),
                  iframe: !!document.querySelector('iframe[title="streamlit_folium.st_folium"]'),
                  exception: !!document.querySelector('[data-testid="stException"]'),
                  frameDocs: b.frameDocs || 0, states: (b.states || []).length}; }""")
    with contextlib.suppress(Exception):
        frame = await map_frame(page)
        if frame:
            out["frame"] = await frame.evaluate("""() => ({url: location.pathname,
              probe: typeof window.__benchCheck, paths: document.querySelectorAll(
                'path.region').length, coloured: Array.from(document.querySelectorAll(
                'path.region')).filter(p => /(^| )disp-/.test(p.getAttribute('class'))).length})""")
    return out


def proposal_option(page: Page, index: int):
    """The title text of the index-th option of the sidebar's proposal picker."""
    return (page.get_by_test_id("stSidebar").locator(RADIO).nth(index)
            .get_by_test_id("stMarkdownContainer"))


async def switch_once(page: Page, index: int, pid: str, expected: dict, timeout_s: float
                      ) -> dict:
    """Click the proposal's title; wait (in the iframe) until every region shows `expected`."""
    await page.evaluate(SET_EXPECTED, {"proposal": pid, "regions": expected})
    before = await map_frame(page)
    t0 = time.perf_counter()
    deadline = t0 + timeout_s
    res = {"proposal": pid, "matched": False, "frame_replaced": False, "error": None}
    try:
        await proposal_option(page, index).click(timeout=timeout_s * 1000)
    except Error as exc:
        res["error"] = f"click: {exc.message.splitlines()[0]}"
        return res
    for _ in range(5):  # a re-created iframe detaches the old frame: retry in the new one
        frame = await map_frame(page)
        remaining = deadline - time.perf_counter()
        if frame is None or remaining <= 0:
            break
        if frame is not before:
            res["frame_replaced"] = True
        try:
            await frame.wait_for_function(probes.CHECK, timeout=max(remaining, 0.1) * 1000)
            res["matched"] = True
            break
        except PlaywrightTimeout:
            break
        except Error as exc:
            if frame.is_detached():
                continue
            res["error"] = exc.message.splitlines()[0]
            break
    res["wall_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    t = await page.evaluate(READ_SWITCH)
    res.update(set_at=t["setAt"], down_at=t["down"], hit_at=t["hitAt"])
    if res["matched"] and t["hitAt"] and t["down"]:
        res["ms"] = round(t["hitAt"] - t["down"], 1)
    # the map may change before the server answers (client-side switching): wait for the
    # rerun this click started to finish, as a reader would, then check what it left on the
    # map is still right (bounded; `rerun_seen` false if no rerun finished in time)
    res["rerun_seen"] = False
    since = t["down"] or t["setAt"]
    if since:
        with contextlib.suppress(PlaywrightTimeout):
            await page.wait_for_function(probes.RERUN_DONE, arg={
                "since": since, "proposal": pid}, timeout=max(
                deadline - time.perf_counter(), 5) * 1000)
            res["rerun_seen"] = True
    res["idle_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    res["final_match"] = False
    with contextlib.suppress(Error, AttributeError):
        frame = await map_frame(page)
        res["final_match"] = bool(await frame.evaluate(
            "() => window.__benchMatchNow ? window.__benchMatchNow() : false"))
    return res


def switch_plan(ids: Sequence[str], expected: dict[str, dict], start: str, count: int,
                offset: int = 0) -> list[str]:
    """`count` proposals to switch to, cycling through `ids` from `offset`, never choosing
    one that shows exactly what the current one shows (that switch would be invisible)."""
    plan, current = [], start
    n = len(ids)
    i = offset
    for _ in range(count * n + n):  # bounded: at most every id per wanted switch
        if len(plan) == count:
            break
        pid = ids[i % n]
        i += 1
        if pid != current and expected[pid] != expected[current]:
            plan.append(pid)
            current = pid
    return plan


def phases(switches: list[dict], ws_log: list, states: list) -> list[dict]:
    """Per switch, from the page's own WebSocket log (all times from pointerdown):
    click->classes (what the reader sees), click->send (the rerun request leaves),
    send->selection message (the server reran the script up to the map element carrying
    `claimsAtlas.put`), click->script finished (the whole rerun), and what the rerun sent."""
    out = []
    for i, s in enumerate(switches):
        down, hit = s.get("down_at"), s.get("hit_at")
        if not (s.get("matched") and down and hit):
            out.append({})
            continue
        end = switches[i + 1]["set_at"] if i + 1 < len(switches) and switches[i + 1].get(
            "set_at") else float("inf")
        sends = [m for m in ws_log if m[0] == "s" and down <= m[1] < end]
        send = sends[0][1] if sends else None
        apply = next((m[1] for m in ws_log if m[0] == "r" and m[3] and send
                      and send <= m[1] < end), None)
        recv = [m for m in ws_log if m[0] == "r" and s["set_at"] <= m[1] < end]
        done = next((t for state, t in states if state != "running" and t >= (send or hit)
                     and t < end), None)

        def ms(a, b):
            return round(b - a, 1) if a is not None and b is not None else None

        out.append({"click_to_classes_ms": ms(down, hit), "click_to_send_ms": ms(down, send),
                    "send_to_selection_msg_ms": ms(send, apply),
                    "click_to_selection_msg_ms": ms(down, apply),
                    "click_to_rerun_done_ms": ms(down, done),
                    "classes_before_server_reply": bool(apply and hit < apply),
                    "ws_bytes_received": sum(m[2] for m in recv),
                    "ws_largest_message": max((m[2] for m in recv), default=0),
                    "ws_messages": len(recv)})
    return out


async def first_view_phases(browser: Browser, url: str, regions: int = 27,
                            timeout_s: float = 90.0) -> dict:
    """Where the dashboard's first view spends its time (one fresh context, probes on).

    Marks, in ms from navigation start: the HTML's responseEnd, DOMContentLoaded, load;
    the WebSocket's first message, the script starting and finishing its first run (stApp's
    script state), the message carrying the map selection, the map iframe's
    DOMContentLoaded, leaflet.js loaded, and the map ready."""
    ctx, page = await new_context(browser, "map", regions, ws_probe=True, scan_all=True)
    try:
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        await page.wait_for_function(probes.READY, timeout=timeout_s * 1000)
        with contextlib.suppress(PlaywrightTimeout):
            await page.wait_for_function(probes.IDLE, timeout=timeout_s * 1000)
        b = await page.evaluate("""() => { const b = window.__bench;
          const nav = performance.getEntriesByType('navigation')[0] || {};
          return {navStart: b.navStart, mapReadyAt: b.mapReadyAt, frameDclAt: b.frameDclAt,
                  iframeAt: b.iframeAt, longtasks: b.longtasks,
                  ws: b.ws, states: b.states, html: nav.responseEnd,
                  dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd}; }""")
        leaflet = None
        frame = await map_frame(page)
        if frame:
            leaflet = await frame.evaluate("""() => { const e = performance.getEntriesByType(
                'resource').find(r => r.name.indexOf('leaflet.js') >= 0);
              return e ? performance.timeOrigin + e.responseEnd : null; }""")
        ready = b["mapReadyAt"] or float("inf")
        long_before = [(t, d) for t, d in b["longtasks"] if t < ready]
        nav = b["navStart"]

        def rel(t):
            return round(t - nav, 1) if t else None

        recv = [m for m in b["ws"] if m[0] == "r"]
        running = next((t for st, t in b["states"] if st == "running"), None)
        done = next((t for st, t in b["states"] if st == "notRunning" and running
                     and t > running), None)
        apply = next((m for m in recv if m[3]), None)
        return {"html_response_end_ms": round(b["html"], 1) if b["html"] else None,
                "dom_content_loaded_ms": round(b["dcl"], 1) if b["dcl"] else None,
                "load_ms": round(b["load"], 1) if b["load"] else None,
                "ws_first_message_ms": rel(recv[0][1]) if recv else None,
                "script_running_ms": rel(running),
                "selection_message_ms": rel(apply[1]) if apply else None,
                "selection_message_bytes": apply[2] if apply else None,
                "map_iframe_element_ms": rel(b["iframeAt"]),
                "map_iframe_dcl_ms": rel(b["frameDclAt"]),
                "leaflet_js_loaded_ms": rel(leaflet),
                "map_ready_ms": rel(b["mapReadyAt"]),
                "script_finished_ms": rel(done),
                "ws_bytes_until_finished": sum(m[2] for m in recv
                                               if done is None or m[1] <= done),
                "ws_messages_until_finished": len([m for m in recv
                                                   if done is None or m[1] <= done]),
                "long_tasks_before_map_ready": len(long_before),
                "long_tasks_ms_before_map_ready": round(sum(d for _, d in long_before), 1),
                "longest_tasks_before_map_ready": [
                    [rel(t), round(d, 1)] for t, d in sorted(long_before,
                                                             key=lambda x: -x[1])[:5]]}
    finally:
        await ctx.close()


async def switching(browser: Browser, url: str, ids: Sequence[str], titles: dict[str, str],
                    expected: dict[str, dict], default: str, count: int, regions: int = 27,
                    timeout_s: float = 30.0) -> dict:
    """One viewer: load the map, mark the iframe, switch `count` times, check the marker."""
    ctx, page = await new_context(browser, "map", regions, ws_probe=True)
    navigations = []
    page.on("framenavigated", lambda f: navigations.append(f.url)
            if "streamlit_folium" in f.url else None)
    try:
        await page.goto(url, wait_until="commit", timeout=90_000)
        await page.wait_for_function(probes.READY, timeout=90_000)
        await settle(page)
        frame = await map_frame(page)
        marker = secrets.token_hex(8)
        await frame.evaluate("(m) => { window.__benchMarker = m; }", marker)
        navs_before = len(navigations)
        labels = await page.get_by_test_id("stSidebar").locator(RADIO).all_inner_texts()
        mismatched_labels = [pid for pid in ids if labels[ids.index(pid)].strip()
                             != titles[pid].strip()] if len(labels) == len(ids) else list(ids)
        results = []
        for pid in switch_plan(ids, expected, default, count):
            results.append(await switch_once(page, ids.index(pid), pid, expected[pid],
                                             timeout_s))
        frame_now = await map_frame(page)
        survived = False
        with contextlib.suppress(Error):
            survived = await frame_now.evaluate("() => window.__benchMarker || null") == marker
        ws_log = await page.evaluate("() => window.__bench.ws")
        states = await page.evaluate("() => window.__bench.states")
        return {"switches": results, "phases": phases(results, ws_log, states),
                "marker_survived": survived, "same_frame_object": frame_now is frame,
                "iframe_navigations_during_switches": len(navigations) - navs_before,
                "iframe_navigations_total": len(navigations),
                "label_mismatches": mismatched_labels, "external_requests": page.external}
    finally:
        await ctx.close()


async def viewer(browser: Browser, url: str, vid: int, ids: Sequence[str],
                 expected: dict[str, dict], default: str, count: int, regions: int,
                 first_timeout_s: float, switch_timeout_s: float) -> dict:
    """One of the concurrent viewers of the load test."""
    out = {"viewer": vid, "first_ms": None, "switches": [], "errors": [], "page_errors": [],
           "st_exceptions": 0}
    ctx, page = await new_context(browser, "map", regions)
    page.on("pageerror", lambda e: out["page_errors"].append(str(e)[:200]))
    try:
        t0 = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=first_timeout_s * 1000)
        handle = await page.wait_for_function(probes.READY, timeout=first_timeout_s * 1000)
        nav = await page.evaluate("() => window.__bench.navStart")
        out["first_ms"] = round(await handle.json_value() - nav, 1)
        out["first_wall_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        await settle(page, timeout_s=first_timeout_s)
        for pid in switch_plan(ids, expected, default, count, offset=vid):
            out["switches"].append(await switch_once(page, ids.index(pid), pid,
                                                     expected[pid], switch_timeout_s))
        out["st_exceptions"] = await page.get_by_test_id("stException").count()
    except Error as exc:
        out["errors"].append(exc.message.splitlines()[0][:300])
    except Exception as exc:  # noqa: BLE001 - reported, never fatal for the other viewers
        out["errors"].append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        out["external_requests"] = len(page.external)
        with contextlib.suppress(Exception):
            await ctx.close()
    return out


async def type_option(page: Page, field, text: str, timeout_s: float, tries: int = 4) -> None:
    """Type `text` into a multiselect until its option shows (the dropdown filters
    asynchronously, and a rerun arriving meanwhile, e.g. a component reporting its first
    value, re-renders the widget and drops what was typed)."""
    option = page.locator('[role="option"]').filter(has_text=text).first
    for attempt in range(tries):
        await field.click()
        await field.fill(text)
        try:
            await option.wait_for(state="visible", timeout=timeout_s * 1000 / tries)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise
            await settle(page, 1500, timeout_s / tries)


async def pick_option(page: Page, box, field, text: str, timeout_s: float,
                      tries: int = 3) -> None:
    """Type `text` and press Enter until the multiselect shows it as chosen (its tag). Enter
    pressed while the dropdown is still filtering chooses nothing; the time measured is from
    the last Enter's keydown, the one that took."""
    tag = box.locator("[data-tag]").filter(has_text=text)
    for attempt in range(tries):
        await type_option(page, field, text, timeout_s)
        await field.press("Enter")
        try:
            await tag.wait_for(state="visible", timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise


async def timeline_filter(browser: Browser, url: str, cases: list[tuple[str, list[str]]],
                          all_ids: list[str], regions: int = 27, timeout_s: float = 60.0
                          ) -> dict:
    """Pick one speaker in the timeline's multiselect (Enter) and clear it (Backspace); time
    keydown -> the caption starts with "N of M statements" and the timeline lists the first
    statements of the expected order (`data-statement` ids; however many the page draws)."""
    ctx, page = await new_context(browser, "map", regions)
    cond = """(want) => { const cap = Array.from(document.querySelectorAll(
        '[data-testid="stCaptionContainer"]')).some(e => e.textContent.trim()
          .startsWith(want.caption));
      if (!cap) { return null; }
      const got = Array.from(document.querySelectorAll('ol.timeline li.statement'))
        .map(li => li.getAttribute('data-statement'));
      if (want.ids.length && !got.length) { return null; }
      if (got.length > want.ids.length) { return null; }
      for (let i = 0; i < got.length; i++) { if (got[i] !== want.ids[i]) { return null; } }
      return performance.timeOrigin + performance.now(); }"""
    last_key = """(k) => { const ks = window.__bench.keys.filter(x => x[0] === k);
      return ks.length ? ks[ks.length - 1][1] : null; }"""
    total = len(all_ids)
    results = {"narrow_ms": [], "widen_ms": [], "errors": []}
    try:
        await page.goto(url, wait_until="commit", timeout=120_000)
        await page.wait_for_function(probes.READY, timeout=120_000)
        await settle(page, 1500)
        await page.get_by_text("Filter the timeline").first.click()
        box = page.get_by_test_id("stMultiSelect").filter(has_text="Speakers").first
        field = box.locator("input").first

        async def timed(key: str, ids: list[str]) -> float:
            """ms from the last `key` keydown until the timeline shows `ids`; then settle."""
            h = await page.wait_for_function(
                cond, arg={"caption": f"{len(ids)} of {total} statements", "ids": ids},
                timeout=timeout_s * 1000)
            ms = round(await h.json_value() - await page.evaluate(last_key, key), 1)
            await settle(page, 500, timeout_s)
            return ms

        for speaker, ids in cases:
            await pick_option(page, box, field, speaker, timeout_s)
            results["narrow_ms"].append(await timed("Enter", ids))
            await field.press("Backspace")
            results["widen_ms"].append(await timed("Backspace", all_ids))
        results["listed_after_widen"] = await page.locator(
            "ol.timeline li.statement").count()
    except Error as exc:
        results["errors"].append(exc.message.splitlines()[0][:300])
    finally:
        with contextlib.suppress(Exception):
            await ctx.close()
    return results
