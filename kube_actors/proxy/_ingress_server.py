"""The ingress controller's HTTP front: requests in, forwarded to the Service they route to.

An aiohttp server on a loopback address. Each request's target comes from the routing table
(``IngressRoutes``); its Service's ClusterIP and port come from the Service as it is now; the
request goes there (through kube-proxy's data plane, as it would from a Pod) with its method,
path, query, headers and body, plus the ``X-Forwarded-*`` headers proxies add, and the answer
comes back streamed. No route: 404 "default backend - 404", as ingress-nginx's default backend
says; a Service that is gone or has no such port: 503.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import aiohttp
from aiohttp import web

from kube_actors.api import Service

from ._ingress_routes import IngressRoutes, Target

__all__ = ["IngressServer", "service_address"]

#: Headers that belong to one connection, not to the request (RFC 9110 section 7.6.1).
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


def service_address(service: Service | None, target: Target) -> tuple[str, int] | None:
    """The ClusterIP and port ``target`` names on ``service`` (None: nothing to reach)."""
    if service is None or service.spec.cluster_ip in ("", "None"):
        return None
    for port in service.spec.ports:
        by_number = isinstance(target.port, int) and port.port == target.port
        if by_number or port.name == target.port:
            return service.spec.cluster_ip, port.port
    return None


def _no_service(namespace: str, name: str) -> Service | None:
    return None


class IngressServer:
    """Serves ``routes`` on ``host:port`` where ``listen`` (port 0: any free one, read back in
    ``port``). An async context manager, held by the cluster beside kube-proxy's data plane so
    that the listener outlives restarts of the controller that feeds it ``routes`` and
    ``services`` (a Service by namespace and name)."""

    def __init__(self, *, listen: bool = True, host: str = "127.0.0.1", port: int = 0) -> None:
        self.listen = listen
        self.host = host
        self.port = port
        self.routes = IngressRoutes()
        self.services: Callable[[str, str], Service | None] = _no_service
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> IngressServer:
        if self.listen:
            await self._start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._stop()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        for address in runner.addresses:
            self.port = int(address[1])
            break
        # Each request on a fresh connection, so that kube-proxy balances every one.
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(force_close=True), auto_decompress=False
        )

    async def _stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        target = self.routes.match(request.host, request.path)
        if target is None:
            return web.Response(status=404, text="default backend - 404\n")
        address = service_address(self.services(target.namespace, target.service), target)
        if address is None or self._session is None:
            return web.Response(status=503, text="503 Service Temporarily Unavailable\n")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["Host"] = request.host
        headers["X-Forwarded-Host"] = request.host
        headers["X-Forwarded-Proto"] = request.scheme
        if request.remote:
            headers["X-Forwarded-For"] = request.remote
        url = f"http://{address[0]}:{address[1]}{request.path_qs}"
        body = await request.read()
        try:
            answer = await self._session.request(
                request.method, url, headers=headers, data=body, allow_redirects=False
            )
        except (aiohttp.ClientError, OSError):
            return web.Response(status=502, text="502 Bad Gateway\n")
        async with answer:
            response = web.StreamResponse(status=answer.status, reason=answer.reason)
            for name, value in answer.headers.items():
                if name.lower() not in _HOP_BY_HOP:
                    response.headers.add(name, value)
            await response.prepare(request)
            # A backend that breaks off midway ends the answer there, as a proxy's would.
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async for chunk in answer.content.iter_any():
                    await response.write(chunk)
            await response.write_eof()
            return response
