#!/usr/bin/python3
"""Check a polyrep report.html in a real headless Chromium, driven over the DevTools protocol.

Usage: report_check.py REPORT.html [--cloud NAME] [--expect-points N] [--hover INDEX --expect-text TEXT]
                       [--layer SLOT] [--attention EXPECTED.json] [--compare EXPECTED.json]
                       [--screenshot PNG] [--timings] [--timeout SECONDS]

Each check prints one line "ok: ..." or "FAIL: ..."; the exit status is 1 if any check failed,
77 (skip) if no Chromium is installed. Needs only the standard library and python3-websocket
(websocket-client). The browser is $CHROMIUM or /usr/bin/chromium; it runs with a throwaway profile
that is removed at the end, and every wait has a timeout.
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

if __name__ == "__main__":  # attention_check imports this module by name: let it find this instance
    sys.modules.setdefault("report_check", sys.modules["__main__"])

SKIP = 77


class CheckError(Exception):
    """A step could not be carried out (timeout, browser gone, protocol error)."""


class Cdp:
    """Minimal DevTools protocol client: one page target, events kept for later inspection."""

    def __init__(self, url, timeout):
        self.ws = websocket.create_connection(url, timeout=timeout, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.ws.close()
        except Exception:  # the browser may already be gone
            pass

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise CheckError("timed out waiting for the browser")
        self.ws.settimeout(left)
        try:
            return json.loads(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            raise CheckError("timed out waiting for the browser") from None
        except (websocket.WebSocketException, OSError) as e:
            raise CheckError("lost the DevTools connection: %s" % e) from None

    def send(self, method, params=None, timeout=30):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            msg = self._recv(deadline)
            if msg.get("id") == mid:
                if "error" in msg:
                    raise CheckError("%s: %s" % (method, msg["error"].get("message", msg["error"])))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def evaluate(self, expression, timeout=30):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            text = d.get("exception", {}).get("description") or d.get("text")
            raise CheckError("evaluating %r threw: %s" % (expression[:80], text))
        return r.get("result", {}).get("value")

    def wait_for(self, expression, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression, timeout=max(1.0, deadline - time.monotonic()))
            if value:
                return value
            if time.monotonic() > deadline:
                raise CheckError("timed out after %g s waiting for %s" % (timeout, what))
            time.sleep(0.05)

    def mouse(self, kind, x, y, **extra):
        params = {"type": kind, "x": x, "y": y}
        params.update(extra)
        self.send("Input.dispatchMouseEvent", params)


class Browser:
    """Headless Chromium with a temporary profile; always torn down by close()."""

    def __init__(self, binary, timeout, extra_args=()):
        self.tmp = tempfile.mkdtemp(prefix="polyrep-chromium-")
        self.proc = None
        self.log_path = os.path.join(self.tmp, "chromium.log")
        profile = os.path.join(self.tmp, "profile")
        os.mkdir(profile)
        args = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=1400,900"]
        args += list(extra_args) + ["about:blank"]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         start_new_session=True)
        self.port = self._port(os.path.join(profile, "DevToolsActivePort"), timeout)
        self.ws_url = self._page_target(timeout)

    def _log_tail(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-1500:].decode("utf-8", "replace").strip()
        except OSError:
            return ""

    def _port(self, path, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CheckError("chromium exited with status %s: %s" % (self.proc.returncode, self._log_tail()))
            try:
                with open(path) as f:
                    first = f.readline().strip()
                if first.isdigit():
                    return int(first)
            except OSError:
                pass
            time.sleep(0.05)
        raise CheckError("chromium wrote no DevToolsActivePort within %g s: %s" % (timeout, self._log_tail()))

    def _page_target(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/json" % self.port, timeout=5) as r:
                    targets = json.load(r)
                for t in targets:
                    if t.get("type") == "page" and t.get("webSocketDebuggerUrl"):
                        return t["webSocketDebuggerUrl"]
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        raise CheckError("no page target on the DevTools port within %g s" % timeout)

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.proc.pid, sig)  # the session we started: chromium and its helpers
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # helpers that outlived the main process
            except (ProcessLookupError, PermissionError):
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def read_payload(path):
    """The JSON embedded by polyrep plot, read straight from the file (independent of the viewer)."""
    with open(path, encoding="utf-8") as f:
        html = f.read()
    m = re.search(r'<script type="application/json" id="polyrep-data">(.*?)</script>', html, re.S)
    if not m:
        raise CheckError("%s: no <script id=\"polyrep-data\"> element" % path)
    return json.loads(m.group(1))


def point_language(payload, cloud_name, index):
    cloud = next((c for c in payload["clouds"] if c["name"] == cloud_name), None)
    if cloud is None:
        raise CheckError("the payload has no cloud %r" % cloud_name)
    raw = base64.b64decode(cloud["lang"])
    if not 0 <= index < len(raw) // 2:
        raise CheckError("point %d is out of range for cloud %r (%d points)" % (index, cloud_name, len(raw) // 2))
    lang_id = int.from_bytes(raw[2 * index:2 * index + 2], "little")
    text_id = int.from_bytes(base64.b64decode(cloud["text"])[4 * index:4 * index + 4], "little")
    return payload["languages"][lang_id], cloud["strings"][text_id]


def console_problems(events):
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            out.append("console.%s: %s" % (p["type"], args))
        elif m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("exception: %s" % (d.get("exception", {}).get("description") or d.get("text")))
        elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            entry = p["entry"]
            out.append("log error (%s): %s %s" % (entry.get("source"), entry.get("text"), entry.get("url", "")))
    return out


class Checker:
    def __init__(self, cdp):
        self.cdp = cdp
        self.failed = False

    def ok(self, msg):
        print("ok: " + msg, flush=True)

    def fail(self, msg):
        print("FAIL: " + msg, flush=True)
        self.failed = True

    def methods(self):
        return [m for m in ("pca", "tsne")
                if self.cdp.evaluate("polyrepReport.drawnCount(%s) !== null" % json.dumps(m))]

    def frame_after(self, action):
        """Run action (input events) and return lastFrameMs of the frame it caused."""
        n = self.cdp.evaluate("polyrepReport.frames")
        action()
        self.cdp.wait_for("polyrepReport.frames > %d" % n, 10, "a frame after an input event")
        return self.cdp.evaluate("polyrepReport.lastFrameMs")


def check_points(ck, expect):
    methods = ck.methods()
    if not methods:
        ck.fail("no panel with points (neither pca nor tsne present)")
        return
    for m in methods:
        n = ck.cdp.evaluate("polyrepReport.drawnCount(%s)" % json.dumps(m))
        if n == expect:
            ck.ok("%s panel draws %d points" % (m, n))
        else:
            ck.fail("%s panel draws %s points, expected %d" % (m, n, expect))


TOOLTIP_TEXT = """(() => { const t = document.getElementById('tooltip');
  if (!t || t.hidden) return null; const cs = getComputedStyle(t), r = t.getBoundingClientRect();
  if (cs.display === 'none' || cs.visibility === 'hidden' || r.width === 0 || r.height === 0) return null;
  return t.textContent; })()"""


def check_hover(ck, payload, cloud, index, expect_text):
    """Hover point INDEX; its tooltip must name it. Where other points cover it, zoom in around it
    (the wheel keeps the point under the cursor) until the tooltip's main entry is INDEX itself;
    points at exactly the same spot are accepted through the tooltip's "also here" list."""
    lang, payload_text = point_language(payload, cloud, index)
    if expect_text is None:
        expect_text = payload_text
    methods = ck.methods()
    method = "tsne" if "tsne" in methods else "pca"
    own = re.compile(r"#%d(?!\d)" % index)  # the main entry shows "<kind> #INDEX"
    text = None
    for attempt in range(10):
        pos = ck.cdp.evaluate("polyrepReport.screenPosition(%s, %d)" % (json.dumps(method), index))
        if not pos:
            ck.fail("hover: point %d has no screen position in the %s panel" % (index, method))
            return
        ck.cdp.mouse("mouseMoved", pos["x"], pos["y"])
        try:
            text = ck.cdp.wait_for(TOOLTIP_TEXT, 10, "the tooltip")
        except CheckError:
            ck.fail("hover on point %d in %s at (%.1f, %.1f): no tooltip appeared" % (index, method, pos["x"], pos["y"]))
            return
        if own.search(text):
            break
        ck.cdp.mouse("mouseWheel", pos["x"], pos["y"], deltaX=0, deltaY=-400)
    shown = " ".join(text.split())
    where = "" if own.search(text) else " (among points at the same spot)"
    if expect_text in text and lang in text:
        ck.ok("hover on point %d in %s%s shows %r" % (index, method, where, shown))
    else:
        ck.fail("hover on point %d in %s: tooltip %r, expected it to contain %r and %r"
                % (index, method, shown, expect_text, lang))


def check_timings(ck):
    methods = ck.methods()
    if not methods:
        ck.fail("timings: no panel with points")
        return
    method = methods[-1]
    rect = ck.cdp.evaluate("(() => { const r = document.querySelector('#panel-%s .plot').getBoundingClientRect();"
                           " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()" % method)
    x, y = rect["x"], rect["y"]
    ck.cdp.mouse("mouseMoved", x, y)
    times = []
    for _ in range(6):
        times.append(ck.frame_after(lambda: ck.cdp.mouse("mouseWheel", x, y, deltaX=0, deltaY=-120)))
    ck.cdp.mouse("mousePressed", x, y, button="left", buttons=1, clickCount=1)
    for step in range(1, 9):
        times.append(ck.frame_after(
            lambda s=step: ck.cdp.mouse("mouseMoved", x + 12 * s, y + 7 * s, button="left", buttons=1)))
    ck.cdp.mouse("mouseReleased", x + 96, y + 56, button="left", buttons=0, clickCount=1)
    layers = ck.cdp.evaluate("document.getElementById('layer').max") or "0"
    switch = ck.cdp.evaluate("(() => { const s = polyrepReport.layer, t = performance.now();"
                             " polyrepReport.setLayer(%s); const ms = performance.now() - t;"
                             " polyrepReport.setLayer(s); return ms; })()" % layers)
    renderer = ck.cdp.evaluate("polyrepReport.renderer")
    ck.ok("timings (%s renderer, %s panel, %d frames of zoom and pan): median %.1f ms, min %.1f, max %.1f;"
          " switching to layer slot %s took %.1f ms" % (renderer, method, len(times), statistics.median(times),
                                                        min(times), max(times), layers, switch))


def run(args):
    binary = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print("skip: no chromium at %s (set CHROMIUM)" % binary)
        return SKIP
    report = os.path.abspath(args.report)
    if not os.path.isfile(report):
        print("FAIL: %s does not exist" % report)
        return 1
    browser = None
    cdp = None
    try:
        payload = read_payload(report)
        browser = Browser(binary, args.timeout)
        cdp = Cdp(browser.ws_url, args.timeout)
        ck = Checker(cdp)
        for domain in ("Runtime", "Log", "Page"):
            cdp.send(domain + ".enable")
        started = time.monotonic()
        cdp.send("Page.navigate", {"url": "file://" + report}, timeout=args.timeout)
        state = cdp.wait_for("window.polyrepReport && (polyrepReport.ready || polyrepReport.error)"
                             " && {ready: polyrepReport.ready, error: polyrepReport.error, cloud: polyrepReport.cloud}",
                             args.timeout, "polyrepReport.ready")
        if state.get("error"):
            ck.fail("the viewer reports: %s" % state["error"])
            return 1
        ck.ok("report loaded in %.1f s (%s renderer, cloud %s)"
              % (time.monotonic() - started, cdp.evaluate("polyrepReport.renderer"), state["cloud"]))
        cloud = state["cloud"]
        if args.cloud is not None:
            if cdp.evaluate("polyrepReport.setCloud(%s)" % json.dumps(args.cloud)):
                cloud = args.cloud
                ck.ok("switched to cloud %s" % cloud)
            else:
                ck.fail("the report has no cloud %r" % args.cloud)
                return 1
        if args.layer is not None:
            if cdp.evaluate("polyrepReport.setLayer(%d)" % args.layer):
                ck.ok("switched to layer slot %d" % args.layer)
            else:
                ck.fail("the report has no layer slot %d" % args.layer)
                return 1
        if args.expect_points is not None:
            check_points(ck, args.expect_points)
        if args.expect_path is not None:
            for method in ("pca", "tsne"):
                got = cdp.evaluate("polyrepReport.pathPoints(%s)" % json.dumps(method))
                if got is None:
                    continue
                (ck.ok if got == args.expect_path else ck.fail)(
                    "%s panel: the path line goes through %s points (want %d)" % (method, got, args.expect_path))
        if args.hover is not None:
            check_hover(ck, payload, cloud, args.hover, args.expect_text)
        if args.attention:
            from attention_check import check_attention  # next to this file
            check_attention(ck, payload, args.attention)
        if args.compare:
            from compare_check import check_compare  # next to this file
            check_compare(ck, payload, args.compare)
        if args.screenshot:
            shot = cdp.send("Page.captureScreenshot", {"format": "png"}, timeout=args.timeout)
            with open(args.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            ck.ok("screenshot written to %s" % args.screenshot)
        if args.timings:
            check_timings(ck)
        cdp.evaluate("0")  # collect the events that arrived meanwhile
        problems = console_problems(cdp.events)
        if problems:
            ck.fail("%d console error(s) or warning(s):\n  %s" % (len(problems), "\n  ".join(problems)))
        else:
            ck.ok("no console errors, warnings or exceptions")
        return 1 if ck.failed else 0
    except (CheckError, ValueError, KeyError) as e:
        print("FAIL: %s" % e, flush=True)
        return 1
    finally:
        if cdp is not None:
            cdp.close()
        if browser is not None:
            browser.close()


def main():
    p = argparse.ArgumentParser(description="Check a polyrep report.html in headless Chromium.")
    p.add_argument("report", help="report.html written by polyrep plot")
    p.add_argument("--cloud", help="cloud to show (sentences, tokens, types); default: the first")
    p.add_argument("--expect-points", type=int, help="points each present panel must draw")
    p.add_argument("--expect-path", type=int, metavar="N", help="points the path line must join (positions file)")
    p.add_argument("--hover", type=int, metavar="INDEX", help="hover this point and check the tooltip")
    p.add_argument("--expect-text", help="text the tooltip must contain (default: the point's string in the payload)")
    p.add_argument("--layer", type=int, metavar="SLOT", help="layer slot to show")
    p.add_argument("--attention", metavar="EXPECTED_JSON",
                   help="click sentences and check the attention heatmaps against these maps (README)")
    p.add_argument("--compare", metavar="EXPECTED_JSON", help="check a plot --compare report against these values (README)")
    p.add_argument("--screenshot", metavar="PNG", help="write a screenshot")
    p.add_argument("--timings", action="store_true", help="report frame times while zooming and panning")
    p.add_argument("--timeout", type=float, default=60, help="seconds for each wait (default 60)")
    args = p.parse_args()
    if args.expect_text is not None and args.hover is None:
        p.error("--expect-text needs --hover")
    # ctest and friends stop a test with SIGTERM: turn it into SystemExit so the browser is torn down
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(run(args))


if __name__ == "__main__":
    main()
