"""NodeRestriction: a node writes only what is its own (Kubernetes'
``plugin/pkg/admission/noderestriction``).

The Node authorizer lets every node update Nodes, Pods' status and Leases; this admission step
then refuses a node's write to another node's objects, with Kubernetes' messages:

- Nodes (and their status): only its own: ``nodes "b" is forbidden: node "a" is not allowed
  to modify node "b"``;
- Pods: it creates only mirror pods; it updates the status of, deletes and evicts only the
  pods bound to it (``spec.nodeName``);
- Leases in ``kube-node-lease``: only the one of its own name.

Requests of users who are not nodes pass untouched.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, Final

from ..api import Pod
from ..client import Client
from ..errors import Forbidden, NotFound
from ._authn import UserInfo
from ._node_authorizer import node_name_of
from ._request_info import RequestAttributes

__all__ = ["MIRROR_POD_ANNOTATION", "NodeRestriction"]

MIRROR_POD_ANNOTATION: Final = "kubernetes.io/config.mirror"
NODE_LEASE_NAMESPACE: Final = "kube-node-lease"
_WRITES: Final = frozenset({"create", "update", "patch", "delete", "deletecollection"})


def _refused(request: RequestAttributes, name: str, detail: str) -> Forbidden:
    return Forbidden.for_object(request.resource, name, detail, group=request.api_group)


def _body_name(body: bytes) -> tuple[str, dict[str, Any]]:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return "", {}
    metadata = data.get("metadata") if isinstance(data, dict) else None
    if not isinstance(metadata, dict):
        return "", {}
    return str(metadata.get("name") or ""), metadata


class NodeRestriction:
    """Checks nodes' writes, reading Pods through ``client``."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def admit_request(
        self, user: UserInfo, request: RequestAttributes, read_body: Callable[[], Awaitable[bytes]]
    ) -> None:
        """``admit``, reading the request's body only for a node's write."""
        if node_name_of(user) is not None and request.verb in _WRITES:
            await self.admit(user, request, await read_body())

    async def admit(self, user: UserInfo, request: RequestAttributes, body: bytes) -> None:
        """Raise ``Forbidden`` when ``user`` is a node writing what is not its own."""
        node = node_name_of(user)
        if node is None or request.verb not in _WRITES or not request.resource_request:
            return
        group, resource = request.api_group, request.resource
        if group == "" and resource == "nodes":
            self._admit_node(node, request, body)
        elif group == "" and resource == "pods":
            await self._admit_pod(node, request, body)
        elif group == "coordination.k8s.io" and resource == "leases":
            self._admit_lease(node, request, body)

    def _admit_node(self, node: str, request: RequestAttributes, body: bytes) -> None:
        name = request.name or _body_name(body)[0]
        if name != node:
            raise _refused(request, name, f'node "{node}" is not allowed to modify node "{name}"')

    def _admit_lease(self, node: str, request: RequestAttributes, body: bytes) -> None:
        name = request.name or _body_name(body)[0]
        if request.namespace != NODE_LEASE_NAMESPACE:
            return  # no lease elsewhere is a node's: the authorizer alone decides
        if name != node:
            raise _refused(
                request,
                name,
                "can only access node lease with the same name as the requesting node",
            )

    async def _admit_pod(self, node: str, request: RequestAttributes, body: bytes) -> None:
        if request.verb == "create" and not request.subresource:
            name, metadata = _body_name(body)
            annotations = metadata.get("annotations") or {}
            if MIRROR_POD_ANNOTATION not in annotations:
                raise _refused(
                    request,
                    name,
                    f'pod does not have "{MIRROR_POD_ANNOTATION}" annotation, '
                    f'node "{node}" can only create mirror pods',
                )
            return
        if request.subresource == "status":
            action = "update pod status for pods"
        elif request.subresource == "eviction":
            action = "evict pods"
        elif request.verb == "delete" and not request.subresource:
            action = "delete pods"
        else:
            return
        try:
            pod = await self.client.get(Pod, request.name, namespace=request.namespace)
        except NotFound:
            return  # the write itself answers NotFound
        if pod.spec.node_name != node:
            raise _refused(
                request,
                request.name,
                f'node "{node}" can only {action} with spec.nodeName set to itself',
            )
