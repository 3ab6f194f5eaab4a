"""Screenshots of the running Odoo (`make serve`) in headless Chromium, as a user.

    python tools/screenshot.py --login admin --password admin \\
        "/odoo/action-collection_queues.action_collection_queue" queue.png \\
        "/odoo/res.partner/46|click=Collections" partner.png [URL FILE]...

Logs in over JSON-RPC, hands the session to Chromium through its DevTools
protocol, opens each URL, waits for the page to settle and saves a PNG.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar

import websocket


def login(base_url, db, user, password):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    request = urllib.request.Request(
        f"{base_url}/web/session/authenticate",
        data=json.dumps(
            {"params": {"db": db, "login": user, "password": password}}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    answer = json.load(opener.open(request, timeout=60))
    if answer.get("error"):
        raise SystemExit(f"login failed: {answer['error']['data']['message']}")
    return next(cookie.value for cookie in jar if cookie.name == "session_id")


class Browser:
    """Chromium driven through the DevTools protocol."""

    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="cq-chromium-")
        port = 9333
        self.process = subprocess.Popen(
            [
                shutil.which("chromium") or "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                f"--remote-debugging-port={port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                targets = json.load(
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=5)
                )
                page = next(t for t in targets if t["type"] == "page")
                break
            except (OSError, StopIteration):
                time.sleep(0.1)
        else:
            raise SystemExit("Chromium did not start")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"])
        self.next_id = 0
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        self.next_id += 1
        self.socket.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message.get("result", {})

    def screenshot(self, url, path, settle):
        """``url`` may end with ``|click=TEXT`` (several times): once loaded,
        click the tab, button or link showing that text, then shoot."""
        url, *clicks = url.split("|click=")
        self.send("Page.navigate", url=url)
        time.sleep(settle)
        for click in clicks:
            self.send(
                "Runtime.evaluate",
                expression=(
                    "[...document.querySelectorAll('a, button, .nav-link')]"
                    f".find(el => el.textContent.trim() === {json.dumps(click)})"
                    "?.click()"
                ),
            )
            time.sleep(2)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pairs", nargs="+", help="URL path and PNG file, in pairs")
    parser.add_argument("--base-url", default="http://localhost:8069")
    parser.add_argument("--db", default=os.environ.get("ODOO_DB", "collection_queues"))
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--settle", type=float, default=4.0, help="seconds per page")
    args = parser.parse_args()
    if len(args.pairs) % 2:
        raise SystemExit("give URL and file in pairs")
    session = login(args.base_url, args.db, args.login, args.password)
    browser = Browser(args.width, args.height)
    try:
        host = urllib.parse.urlparse(args.base_url).hostname
        browser.send("Network.enable")
        browser.send(
            "Network.setCookie", name="session_id", value=session, domain=host, path="/"
        )
        for url, path in zip(args.pairs[::2], args.pairs[1::2], strict=True):
            browser.screenshot(args.base_url + url, path, args.settle)
            print(path)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
