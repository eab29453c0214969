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
from kube_actors.errors import AlreadyExists, Invalid

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


async def publish_kubernetes_service(
    client: Client, port: int, service_ip: str = DEFAULT_SERVICE_IP
) -> None:
    """Create (or bring up to date) the ``kubernetes`` Service at ``service_ip`` (the first
    address of the cluster's Service range), whose target is ``port``, the port the API
    server is served on (its Endpoints: ``ApiServerEndpoints``)."""
    meta = ObjectMeta(name=NAME, namespace=NAMESPACE, labels=_LABELS)
    ports = (ServicePort(name="https", protocol="TCP", port=SERVICE_PORT, target_port=port),)
    spec = ServiceSpec(type="ClusterIP", ports=ports, session_affinity="None")
    try:
        try:
            await client.create(
                Service(metadata=meta, spec=attrs.evolve(spec, cluster_ip=service_ip))
            )
        except Invalid:  # another Service holds that address: take any other
            await client.create(Service(metadata=meta, spec=spec))
    except AlreadyExists:
        current = await client.get(Service, NAME, namespace=NAMESPACE)
        if current.spec.ports != ports:
            await client.update(attrs.evolve(current, spec=attrs.evolve(current.spec, ports=ports)))
