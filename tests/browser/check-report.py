#!/usr/bin/env python3
"""tests/browser/check-report.py DIR [--screenshot PNG] -- opens
DIR/index.html (what gclab plot, bench and sweep write) in headless
Chromium and checks that a reader sees the report whole:

- every image loads, and every link names a file that is there;
- the report's tables and figures are present;
- nothing is written to the console as an error, no script throws and
  no request fails;
- numeric cells do not wrap (each text of a td.num lies on one line);
- at 1280 px the page needs no horizontal scrolling, its text is at
  least 12 px and its figures are shown at least 600 px wide.

It drives Chromium through the DevTools protocol over a pipe
(--remote-debugging-pipe: NUL-separated JSON on fds 3 and 4), so it
needs python3's standard library and Debian's chromium, nothing else.
Prints TAP and a closing "N passed, N failed" line; exit 1 when a check
fails, 2 when Chromium cannot be started.  CHROMIUM names the binary
(default: chromium on PATH).
"""
import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--remote-debugging-pipe", "--window-size=1280,900",
]

# What the page reports about itself, in one evaluation.
PROBE = r"""
(() => {
  const out = {images: [], links: [], wrapped: [], tables: 0, figures: 0,
               scrollWidth: document.documentElement.scrollWidth,
               clientWidth: document.documentElement.clientWidth,
               fontPx: parseFloat(getComputedStyle(document.body).fontSize),
               narrowFigures: []};
  for (const img of document.images) {
    out.images.push({src: img.getAttribute('src'),
                     ok: img.complete && img.naturalWidth > 0});
  }
  for (const a of document.querySelectorAll('a[href]')) {
    out.links.push(a.getAttribute('href'));
  }
  out.tables = document.querySelectorAll('table').length;
  out.figures = document.querySelectorAll('figure img').length;
  for (const img of document.querySelectorAll('figure img')) {
    if (img.getBoundingClientRect().width < 600) {
      out.narrowFigures.push(img.getAttribute('src'));
    }
  }
  const range = document.createRange();
  for (const td of document.querySelectorAll('td.num')) {
    const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      if (!t.textContent.trim()) continue;
      range.selectNodeContents(t);
      if (range.getClientRects().length > 1) {
        out.wrapped.push(t.textContent.trim());
      }
    }
  }
  return out;
})()
"""


class Browser:
    """Chromium with the DevTools protocol on a pipe."""

    def __init__(self, binary, profile):
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Out of the way of 3 and 4, which the child needs for the pipe.
        keep_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 100)
        keep_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 100)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def child_fds():
            os.dup2(keep_r, 3)
            os.dup2(keep_w, 4)

        self.proc = subprocess.Popen(
            [binary] + FLAGS + ["--user-data-dir=" + profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=child_fds, pass_fds=(3, 4))
        os.close(keep_r)
        os.close(keep_w)
        self.out = os.fdopen(to_chrome_w, "wb", buffering=0)
        self.inp = from_chrome_r
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.inp, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.out.write(json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                return self.events.pop(i)
        while True:
            m = self._read_message(deadline)
            if m.get("method") == method:
                return m
            self.events.append(m)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def problems_of(events):
    """Console errors, exceptions and failed requests among events."""
    out = []
    for m in events:
        method, p = m.get("method"), m.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in (
                "error", "assert"):
            out.append("console.%s: %s" % (p["type"], " ".join(
                str(a.get("value", a.get("description", "")))
                for a in p.get("args", []))))
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("exception: %s" % d.get("text", d))
        elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
            e = p["entry"]
            out.append("%s: %s %s" % (e.get("source"), e.get("text"),
                                      e.get("url", "")))
        elif method == "Network.loadingFailed" and not p.get("canceled"):
            out.append("request failed: %s" % p.get("errorText"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--screenshot", help="write a full-page PNG here")
    ap.add_argument("--min-figures", type=int, default=1)
    ap.add_argument("--min-tables", type=int, default=3)
    args = ap.parse_args()
    page = os.path.abspath(os.path.join(args.dir, "index.html"))
    if not os.path.isfile(page):
        print("check-report: no %s" % page, file=sys.stderr)
        return 2
    binary = os.environ.get("CHROMIUM") or shutil.which("chromium") or \
        shutil.which("chromium-browser")
    if binary is None:
        print("check-report: chromium is not installed", file=sys.stderr)
        return 2
    profile = tempfile.mkdtemp(prefix="gclab-chromium-")
    results = []

    def check(ok, what, detail=""):
        results.append(ok)
        print("%s %d - %s" % ("ok" if ok else "not ok", len(results), what))
        if not ok and detail:
            for line in str(detail).splitlines():
                print("#   " + line)

    browser = None
    try:
        browser = Browser(binary, profile)
        targets = browser.send("Target.getTargets")["targetInfos"]
        target = next(t["targetId"] for t in targets if t["type"] == "page")
        session = browser.send("Target.attachToTarget", {
            "targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(domain + ".enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride", {
            "width": 1280, "height": 900, "deviceScaleFactor": 1,
            "mobile": False}, session=session)
        browser.events.clear()
        url = "file://" + urllib.parse.quote(page)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_event("Page.loadEventFired", timeout=60)
        time.sleep(0.3)  # late console messages and image decoding
        got = browser.send("Runtime.evaluate", {
            "expression": PROBE, "returnByValue": True}, session=session)
        if "exceptionDetails" in got:
            raise RuntimeError("the probe threw: %s" % got["exceptionDetails"])
        info = got["result"]["value"]
        if args.screenshot:
            shot = browser.send("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True},
                session=session, timeout=60)
            import base64
            with open(args.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        problems = problems_of(browser.events)
    except (OSError, EOFError, TimeoutError, RuntimeError, StopIteration,
            KeyError, json.JSONDecodeError) as e:
        print("check-report: cannot drive Chromium: %s" % e, file=sys.stderr)
        return 2
    finally:
        if browser is not None:
            browser.close()
        shutil.rmtree(profile, ignore_errors=True)

    base = os.path.dirname(page)
    broken = [i["src"] for i in info["images"] if not i["ok"]]
    check(info["images"] and not broken,
          "every image loads (%d)" % len(info["images"]),
          "broken: " + ", ".join(broken) if broken else "no images")
    missing = [h for h in info["links"] if "://" not in h and
               not os.path.exists(os.path.join(base, urllib.parse.unquote(
                   h.split("#")[0])))]
    check(info["links"] and not missing,
          "every link resolves (%d)" % len(info["links"]),
          "missing: " + ", ".join(missing))
    check(info["tables"] >= args.min_tables,
          "tables present (%d, want >= %d)" % (info["tables"], args.min_tables))
    check(info["figures"] >= args.min_figures,
          "figures present (%d, want >= %d)" % (info["figures"],
                                                 args.min_figures))
    check(not problems, "nothing errors in the console",
          "\n".join(problems))
    check(not info["wrapped"], "numeric cells do not wrap",
          "wrapped: " + "; ".join(info["wrapped"]))
    check(info["scrollWidth"] <= info["clientWidth"],
          "at 1280 px no horizontal scrolling (%d <= %d)" % (
              info["scrollWidth"], info["clientWidth"]))
    check(info["fontPx"] >= 12 and not info["narrowFigures"],
          "at 1280 px text >= 12 px (%g) and figures >= 600 px wide" %
          info["fontPx"], "narrow: " + ", ".join(info["narrowFigures"]))
    failed = results.count(False)
    print("1..%d" % len(results))
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
