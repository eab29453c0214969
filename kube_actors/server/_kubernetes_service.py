"""The ``kubernetes`` Service of ``default``: how a Pod finds the API server.

Kubernetes' API server keeps this Service itself (controlplane's kubernetesservice
reconciler): ClusterIP, port 443 named ``https``, no selector, and an Endpoints object with
the address of every API server of the cluster, and the EndpointSlice ``kubernetes`` that
kube-proxy reads (``_endpoint_reconciler``, with no controller needed). Every container then
gets ``KUBERNETES_SERVICE_HOST``/``_PORT`` (the kubelet's service links) and reaches the API
through kube-proxy; TLS passes through untouched, so the served CA still vouches for it.
"""

from __future__ import annotations

from typing import Final

import attrs

from kube_actors.api import (
    ObjectMeta,
    Service,
    ServicePort,
    ServiceSpec,
)
from kube_actors.apiserver import DEFAULT_SERVICE_CIDR, first_service_ip
from kube_actors.client import Client
from kube_actors.errors import AlreadyExists, Conflict, Invalid, NotFound

from .._log import get_logger

__all__ = ["DEFAULT_SERVICE_IP", "publish_kubernetes_service"]

NAME: Final = "kubernetes"
NAMESPACE: Final = "default"
SERVICE_PORT: Final = 443
#: The first address of the default Service range (127.10.0.0/16), which Kubernetes keeps for
#: this Service (a cluster of another range gives its own first address); the served
#: certificate names it, so clients that dial the IP (the official client's in-cluster
#: config) verify the API server as they do in Kubernetes.
DEFAULT_SERVICE_IP: Final = first_service_ip(DEFAULT_SERVICE_CIDR)
_LABELS: Final = {"component": "apiserver", "provider": "kubernetes"}
#: Reads and writes before a start gives up bringing the Service up to date (each retry
#: follows another server's write; a handful of servers never need this many).
_ATTEMPTS: Final = 8

_log = get_logger("kube_actors.server")


async def publish_kubernetes_service(
    client: Client, port: int, service_ip: str = DEFAULT_SERVICE_IP
) -> None:
    """Create (or bring up to date) the ``kubernetes`` Service at ``service_ip`` (the first
    address of the cluster's Service range), whose target is ``port``, the port the API
    server is served on (its Endpoints: ``ApiServerEndpoints``).

    Every API server of a cluster does this as it starts, several at once when control
    planes start together over one store: as kube-apiserver's kubernetesservice controller,
    an AlreadyExists or a Conflict means another server wrote first, and the Service is
    read again; a server never fails to start over it (with its own port in the Service or
    not: the Endpoints, which kube-proxy routes by, name every server's port)."""
    meta = ObjectMeta(name=NAME, namespace=NAMESPACE, labels=_LABELS)
    ports = (ServicePort(name="https", protocol="TCP", port=SERVICE_PORT, target_port=port),)
    spec = ServiceSpec(type="ClusterIP", ports=ports, session_affinity="None")
    for _ in range(_ATTEMPTS):
        try:
            current = await client.get(Service, NAME, namespace=NAMESPACE)
        except NotFound:
            if await _created(client, Service(metadata=meta, spec=spec), service_ip):
                return
            continue  # created by another server meanwhile: look at its Service
        if current.spec.ports == ports:
            return
        try:
            await client.update(attrs.evolve(current, spec=attrs.evolve(current.spec, ports=ports)))
            return
        except (Conflict, NotFound):
            continue  # another server wrote it (or it was deleted) meanwhile: read it again
    _log.warning("kubernetes_service_not_updated", port=port, attempts=_ATTEMPTS)


async def _created(client: Client, service: Service, service_ip: str) -> bool:
    """Create ``service`` on ``service_ip``, the address Kubernetes keeps for it (any other
    if a Service holds that one); False if it exists already."""
    try:
        try:
            await client.create(
                attrs.evolve(service, spec=attrs.evolve(service.spec, cluster_ip=service_ip))
            )
        except Invalid:  # another Service holds that address: take any other
            await client.create(service)
    except AlreadyExists:
        return False
    return True
