"""Service links: the environment variables a container gets for each Service.

Kubernetes' ``pkg/kubelet/envvars``: when a container starts, every Service of its namespace
that has a ClusterIP (and, as for every pod, the ``kubernetes`` Service of ``default`` if there
is one) becomes, for a Service ``hello-nginx`` with ClusterIP 127.10.0.1 and port 8080/TCP::

    HELLO_NGINX_SERVICE_HOST=127.10.0.1
    HELLO_NGINX_SERVICE_PORT=8080                 # the first port
    HELLO_NGINX_SERVICE_PORT_HTTP=8080            # each named port
    HELLO_NGINX_PORT=tcp://127.10.0.1:8080        # Docker links: the first port
    HELLO_NGINX_PORT_8080_TCP=tcp://127.10.0.1:8080
    HELLO_NGINX_PORT_8080_TCP_PROTO=tcp
    HELLO_NGINX_PORT_8080_TCP_PORT=8080
    HELLO_NGINX_PORT_8080_TCP_ADDR=127.10.0.1

``enableServiceLinks: false`` leaves out all but the ``kubernetes`` Service. The container's
own ``env`` wins over these. Only Services the kubelet knows when the container starts count:
a Service created later shows up in containers started (or restarted) after it.
"""

from __future__ import annotations

from collections.abc import Iterable

import anyio

from kube_actors.api import Pod, Service
from kube_actors.client import SharedInformer

__all__ = ["service_env", "service_links"]

#: How long a container start waits for the kubelet's first list of Services.
SYNC_WAIT = 10.0


def _env_name(name: str) -> str:
    return name.upper().replace("-", "_")


def _links(service: Service) -> dict[str, str]:
    spec = service.spec
    name, host = _env_name(service.metadata.name), spec.cluster_ip
    env = {f"{name}_SERVICE_HOST": host}
    if not spec.ports:
        return env
    env[f"{name}_SERVICE_PORT"] = str(spec.ports[0].port)
    for port in spec.ports:
        if port.name:
            env[f"{name}_SERVICE_PORT_{_env_name(port.name)}"] = str(port.port)
    for i, port in enumerate(spec.ports):
        protocol = port.protocol or "TCP"
        url = f"{protocol.lower()}://{host}:{port.port}"
        prefix = f"{name}_PORT_{port.port}_{protocol.upper()}"
        if i == 0:
            env[f"{name}_PORT"] = url
        env[prefix] = url
        env[f"{prefix}_PROTO"] = protocol.lower()
        env[f"{prefix}_PORT"] = str(port.port)
        env[f"{prefix}_ADDR"] = host
    return env


def service_env(pod: Pod, services: Iterable[Service]) -> dict[str, str]:
    """The service-link variables of ``pod`` over the Services known now."""
    namespace = pod.metadata.namespace or "default"
    links = pod.spec.enable_service_links is not False
    chosen: dict[str, Service] = {}
    for service in services:
        meta = service.metadata
        if service.spec.cluster_ip in ("", "None"):
            continue  # headless and ExternalName Services get no variables
        if meta.namespace == "default" and meta.name == "kubernetes":
            chosen[meta.name] = service
        elif links and meta.namespace == namespace:
            chosen.setdefault(meta.name, service)
    env: dict[str, str] = {}
    for name in sorted(chosen):
        env.update(_links(chosen[name]))
    return env


async def service_links(pod: Pod, services: SharedInformer[Service] | None) -> dict[str, str]:
    """The service-link variables of ``pod`` (the container's own env goes over them)."""
    if services is None:
        return {}
    if not services.has_synced:
        with anyio.move_on_after(SYNC_WAIT):
            await services.wait_synced()
    return service_env(pod, services.indexer)
