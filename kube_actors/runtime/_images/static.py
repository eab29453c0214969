"""The built-in nginx: a static welcome page on the pod's IP and port (``PORT``, 80 by
default). It is a stand-in; map ``nginx`` in the catalog to run the real one."""

from __future__ import annotations

import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType

PAGE = """<!DOCTYPE html>
<html>
<head><title>Welcome</title></head>
<body>
<h1>It works</h1>
<p>A static page served by kube_actors' stand-in for nginx, from pod {pod}.</p>
</body>
</html>
"""


class StaticHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"

    def do_GET(self) -> None:
        found = self.path.split("?", 1)[0] in ("/", "/index.html")
        text = PAGE.format(pod=os.environ.get("POD_NAME", "")) if found else "Not Found\n"
        payload = text.encode()
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "text/html" if found else "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        sys.stdout.write(f"{self.client_address[0]} - {format % args}\n")


def _exit(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)


def main() -> None:
    signal.signal(signal.SIGTERM, _exit)
    address = (os.environ.get("POD_IP") or "127.0.0.1", int(os.environ.get("PORT") or 80))
    with ThreadingHTTPServer(address, StaticHandler) as server:
        server.daemon_threads = True
        server.serve_forever()


if __name__ == "__main__":
    main()
