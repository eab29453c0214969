"""The built-in nginx: static files on the pod's IP and port (``PORT``, 80 by default).

What a volume mounted at nginx's document root (``/usr/share/nginx/html``) holds is served as
nginx serves it: ``index.html`` for a directory, 403 for a directory without one (autoindex
is off), 404 for what is not there. Without such a volume, the image's own welcome page. It is
a stand-in; map ``nginx`` in the catalog to run the real one.
"""

from __future__ import annotations

import mimetypes
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
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


#: nginx's document root, under the container's mounts.
HTML_ROOT = "usr/share/nginx/html"


def _document_root() -> Path | None:
    """The volume mounted at the document root, if the pod mounts one."""
    mounts = os.environ.get("KUBE_ACTORS_MOUNTS")
    if not mounts:
        return None
    root = Path(mounts, HTML_ROOT)
    return root if root.is_dir() else None


def answer(path: str) -> tuple[int, str, bytes]:
    """The status, content type and body for a GET of ``path``."""
    name = path.split("?", 1)[0]
    root = _document_root()
    if root is None:
        if name in ("/", "/index.html"):
            return 200, "text/html", PAGE.format(pod=os.environ.get("POD_NAME", "")).encode()
        return 404, "text/plain", b"Not Found\n"
    base = root.resolve()
    target = (base / name.lstrip("/")).resolve()
    if target != base and base not in target.parents:
        return 404, "text/plain", b"Not Found\n"
    if target.is_dir():
        if not (target / "index.html").is_file():
            return 403, "text/plain", b"Forbidden\n"
        target = target / "index.html"
    if not target.is_file():
        return 404, "text/plain", b"Not Found\n"
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return 200, kind, target.read_bytes()


class StaticHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"

    def do_GET(self) -> None:
        status, kind, payload = answer(self.path)
        self.send_response(status)
        self.send_header("Content-Type", kind)
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
