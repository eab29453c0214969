"""The echoserver image: answer every request with the request itself and the pod that
served it, as Kubernetes' echoserver does (so a test can tell which pod a Service chose)."""

from __future__ import annotations

import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from urllib.parse import urlsplit


def _pod(name: str) -> str:
    return os.environ.get(name, "")


class EchoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "echoserver"

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        url = urlsplit(self.path)
        host = self.headers.get("Host", "")
        lines = [
            f"Hostname: {_pod('POD_NAME')}",
            "",
            "Pod Information:",
            f"\tnode name:\t{_pod('NODE_NAME')}",
            f"\tpod name:\t{_pod('POD_NAME')}",
            f"\tpod namespace:\t{_pod('POD_NAMESPACE')}",
            f"\tpod IP:\t{_pod('POD_IP')}",
            "",
            "Request Information:",
            f"\tclient_address={self.client_address[0]}",
            f"\tmethod={self.command}",
            f"\treal path={url.path}",
            f"\tquery={url.query}",
            f"\trequest_version={self.request_version.removeprefix('HTTP/')}",
            f"\trequest_uri=http://{host}{self.path}",
            "",
            "Request Headers:",
            *(f"\t{name.lower()}={value}" for name, value in sorted(self.headers.items())),
            "",
            "Request Body:",
            body or "\t-no body in request-",
            "",
        ]
        payload = "\n".join(lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _echo

    def log_message(self, format: str, *args: object) -> None:
        # An access log on stdout, which the runtime keeps as the container's log.
        sys.stdout.write(f"{self.client_address[0]} - {format % args}\n")


def _exit(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)


def main() -> None:
    signal.signal(signal.SIGTERM, _exit)
    address = (_pod("POD_IP") or "127.0.0.1", int(_pod("PORT") or 8080))
    with ThreadingHTTPServer(address, EchoHandler) as server:
        server.daemon_threads = True
        print(f"echoserver listening on {address[0]}:{address[1]}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
