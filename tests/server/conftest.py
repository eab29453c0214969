"""A served cluster and an HTTP session that trusts its CA and carries its token."""

from __future__ import annotations

import contextlib
import json
import ssl
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp
import attrs

from kube_actors import Cluster
from kube_actors.kubelet import NodeConfig
from kube_actors.server import ApiHttpServer, Served


@attrs.frozen
class Api:
    """A served cluster, and requests to it as a client sends them."""

    cluster: Cluster
    served: Served
    session: aiohttp.ClientSession
    server: ApiHttpServer

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.served.token}"}

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, aiohttp.ClientResponse]:
        all_headers = {**self.headers, **(headers or {})}
        data = None
        if body is not None:
            data = body if isinstance(body, bytes | str) else json.dumps(body)
            all_headers["Content-Type"] = content_type
        async with self.session.request(
            method, self.served.url + path, data=data, headers=all_headers
        ) as response:
            text = await response.text()
            try:
                decoded: Any = json.loads(text)
            except ValueError:
                decoded = text
            return response.status, decoded, response


@contextlib.asynccontextmanager
async def serving(
    nodes: int | Sequence[NodeConfig] = 0,
    scheduler: bool = False,
    controllers: Sequence[str] = (),
    **more: Any,
) -> AsyncIterator[Api]:
    """A cluster served over HTTPS; by default without nodes, scheduler or controllers, so
    that objects stay as they were written."""
    async with Cluster(
        nodes=nodes, clock="real", scheduler=scheduler, controllers=controllers, **more
    ) as cluster:
        server = cluster.serve()
        async with server as served:
            assert served.ca_cert is not None
            context = ssl.create_default_context(cafile=str(served.ca_cert))
            connector = aiohttp.TCPConnector(ssl=context)
            async with aiohttp.ClientSession(connector=connector) as session:
                yield Api(cluster, served, session, server)
