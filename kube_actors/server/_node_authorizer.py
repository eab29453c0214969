"""The Node authorizer: what a kubelet's identity may do (Kubernetes'
``plugin/pkg/auth/authorizer/node``).

A user ``system:node:<name>`` in the group ``system:nodes`` is a node. It may do what every
kubelet (and, here, the kube-proxy beside it) needs, as Kubernetes' ``NodeRules`` list it: read
Nodes, Pods, Services, Endpoints and EndpointSlices; create and update Nodes and their status
(which Node is NodeRestriction's to check); update the status of Pods, delete and evict them;
write Events; keep its Lease in ``kube-node-lease``; ask for its certificate. It may *read* a
Secret, ConfigMap, PersistentVolumeClaim or PersistentVolume, and get a token for a
ServiceAccount, only when a Pod bound to it refers to that object (Kubernetes keeps a graph of
these edges; here the server's Pod cache indexed by ``spec.nodeName`` is read). Anything else is
no opinion: RBAC decides, and binds nothing to ``system:nodes`` by default.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from ..api import PersistentVolumeClaim, Pod, PolicyRule
from ..client import Indexer
from ._authn import UserInfo
from ._authorizer import Decision
from ._rbac_rules import rule_allows
from ._request_info import RequestAttributes

__all__ = ["NODES_GROUP", "NODE_NAME_INDEX", "NodeAuthorizer", "node_name_of", "pod_references"]

NODES_GROUP: Final = "system:nodes"
NODE_USER_PREFIX: Final = "system:node:"
#: The Pod cache's index of pods by the node they are bound to.
NODE_NAME_INDEX: Final = "spec.nodeName"

_READ: Final = ("get", "list", "watch")


def _rule(verbs: tuple[str, ...], group: str, *resources: str) -> PolicyRule:
    return PolicyRule(verbs=verbs, api_groups=(group,), resources=resources)


#: What any node may do, whatever object it names (Kubernetes' ``NodeRules``, and what
#: kube-proxy reads).
NODE_RULES: Final = (
    _rule((*_READ, "create", "update", "patch"), "", "nodes"),
    _rule(("update", "patch"), "", "nodes/status"),
    _rule(("create", "update", "patch"), "", "events"),
    _rule(("create", "update", "patch"), "events.k8s.io", "events"),
    _rule((*_READ, "create", "delete"), "", "pods"),
    _rule(("update", "patch"), "", "pods/status"),
    _rule(("create",), "", "pods/eviction"),
    _rule(_READ, "", "services", "endpoints"),
    _rule(_READ, "discovery.k8s.io", "endpointslices"),
    _rule(("get", "create", "update", "patch", "delete"), "coordination.k8s.io", "leases"),
    _rule(("create", *_READ), "certificates.k8s.io", "certificatesigningrequests"),
    _rule(("create",), "authentication.k8s.io", "tokenreviews"),
    _rule(("create",), "authorization.k8s.io", "subjectaccessreviews"),
)

#: Reads allowed only along a Pod's references: resource -> the verbs.
_GRAPH: Final = {
    ("", "secrets", ""): ("get",),
    ("", "configmaps", ""): ("get",),
    ("", "persistentvolumeclaims", ""): ("get",),
    ("", "persistentvolumes", ""): ("get",),
    ("", "serviceaccounts", "token"): ("create",),
}


def node_name_of(user: UserInfo) -> str | None:
    """The node a user is (``system:node:<name>`` in ``system:nodes``), or None."""
    if NODES_GROUP in user.groups and user.name.startswith(NODE_USER_PREFIX):
        return user.name.removeprefix(NODE_USER_PREFIX) or None
    return None


def pod_references(pod: Pod) -> Iterator[tuple[str, str]]:
    """The (resource, name) pairs a Pod refers to in its namespace: its Secrets, ConfigMaps,
    claims and service account."""
    spec = pod.spec
    yield "serviceaccounts", spec.service_account_name or "default"
    for volume in spec.volumes:
        if volume.secret is not None:
            yield "secrets", volume.secret.secret_name
        if volume.config_map is not None:
            yield "configmaps", volume.config_map.name
        if volume.persistent_volume_claim is not None:
            yield "persistentvolumeclaims", volume.persistent_volume_claim.claim_name
        for source in volume.projected.sources if volume.projected is not None else ():
            if source.secret is not None:
                yield "secrets", source.secret.name
            if source.config_map is not None:
                yield "configmaps", source.config_map.name
    for container in (*spec.init_containers, *spec.containers):
        for env_from in container.env_from:
            if env_from.secret_ref is not None:
                yield "secrets", env_from.secret_ref.name
            if env_from.config_map_ref is not None:
                yield "configmaps", env_from.config_map_ref.name
        for env in container.env:
            value_from = env.value_from
            if value_from is not None and value_from.secret_key_ref is not None:
                yield "secrets", value_from.secret_key_ref.name
            if value_from is not None and value_from.config_map_key_ref is not None:
                yield "configmaps", value_from.config_map_key_ref.name


class NodeAuthorizer:
    """Decides nodes' requests; ``pods`` is a Pod cache with the ``NODE_NAME_INDEX`` index, and
    ``claims`` a PersistentVolumeClaim cache (which volume a claim is bound to)."""

    def __init__(
        self, pods: Indexer[Pod], claims: Indexer[PersistentVolumeClaim] | None = None
    ) -> None:
        self.pods = pods
        self.claims = claims

    def authorize(self, user: UserInfo, request: RequestAttributes) -> Decision | None:
        """Allowed, or refused with why; None (no opinion) for a user who is not a node."""
        node = node_name_of(user)
        if node is None:
            return None
        if any(rule_allows(rule, request) for rule in NODE_RULES):
            return Decision(True, "Node: allowed by the node rules")
        verbs = _GRAPH.get((request.api_group, request.resource, request.subresource))
        if verbs is None or request.verb not in verbs or not request.resource_request:
            return Decision(False, "")
        if not request.name:
            return Decision(False, f"node '{node}' cannot {request.verb} all {request.resource}")
        if self._related(node, request):
            return Decision(True, "Node: a pod bound to the node refers to it")
        return Decision(False, f"no relationship found between node '{node}' and this object")

    def _related(self, node: str, request: RequestAttributes) -> bool:
        pods = self.pods.by_index(NODE_NAME_INDEX, node)
        if request.resource == "persistentvolumes":
            claims = [
                (p.metadata.namespace, name)
                for p in pods
                for resource, name in pod_references(p)
                if resource == "persistentvolumeclaims"
            ]
            if self.claims is None:
                return False
            bound = (self.claims.get(name, namespace) for namespace, name in claims)
            return any(c is not None and c.spec.volume_name == request.name for c in bound)
        wanted = (request.resource, request.name)
        return any(
            p.metadata.namespace == request.namespace and wanted in set(pod_references(p))
            for p in pods
        )
