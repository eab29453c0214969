"""Kubernetes' default roles and bindings, and their reconciliation at every start.

The roles people use (``cluster-admin``, and ``admin``, ``edit``, ``view`` aggregated from the
``system:aggregate-to-*`` roles by label, so that a role of one's own labelled
``rbac.authorization.k8s.io/aggregate-to-view: "true"`` extends ``view``), and the roles every
authenticated user holds: ``system:discovery``, ``system:basic-user`` (``kubectl auth can-i``,
``whoami``), ``system:public-info-viewer``. ``cluster-admin`` is bound to ``system:masters``.
kubeadm's bindings for joining nodes come with them: bootstrap tokens may post CSRs
(``system:node-bootstrapper``), the default node token's are auto-approved
(``...:certificatesigningrequests:nodeclient``) and nodes' renewals of their own certificates
too (``...:selfnodeclient`` to ``system:nodes``).

``reconcile_bootstrap_policy`` creates what is missing and, on a store that kept them, adds
back what a default object lost (rules, aggregation selectors, subjects, labels), unless its
annotation ``rbac.authorization.kubernetes.io/autoupdate`` is ``"false"``; what was added to a
default object is kept. So a restart never duplicates them.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from .._log import get_logger
from ..api import (
    RBAC_GROUP,
    AggregationRule,
    ClusterRole,
    ClusterRoleBinding,
    LabelSelector,
    ObjectMeta,
    PolicyRule,
    RoleRef,
    Subject,
)
from ..client import Client
from ..errors import AlreadyExists, Conflict, NotFound
from ._authn import AUTHENTICATED_GROUP, MASTERS_GROUP
from ._bootstrap_tokens import BOOTSTRAPPERS_GROUP, DEFAULT_NODE_TOKEN_GROUP
from ._node_authorizer import NODES_GROUP
from ._rbac_rules import uncovered_rules

__all__ = [
    "AGGREGATE_TO",
    "AUTOUPDATE",
    "bootstrap_cluster_role_bindings",
    "bootstrap_cluster_roles",
    "reconcile_bootstrap_policy",
]

_log = get_logger("kube_actors.server")

#: The annotation that lets a start update a default object ("false" keeps it as it is).
AUTOUPDATE: Final = "rbac.authorization.kubernetes.io/autoupdate"
_BOOTSTRAPPING: Final = {"kubernetes.io/bootstrapping": "rbac-defaults"}
#: ``AGGREGATE_TO.format("view")``: the label that adds a ClusterRole's rules to ``view``.
AGGREGATE_TO: Final = "rbac.authorization.k8s.io/aggregate-to-{}"
UNAUTHENTICATED_GROUP: Final = "system:unauthenticated"

CERTIFICATES: Final = "certificates.k8s.io"
NODE_CLIENT_ROLE: Final = "system:certificates.k8s.io:certificatesigningrequests:nodeclient"
SELF_NODE_CLIENT_ROLE: Final = (
    "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient"
)

READ: Final = ("get", "list", "watch")
WRITE: Final = ("create", "delete", "deletecollection", "patch", "update")
READ_WRITE: Final = (*READ, *WRITE)


def _rule(verbs: tuple[str, ...], group: str, *resources: str) -> PolicyRule:
    return PolicyRule(verbs=verbs, api_groups=(group,), resources=resources)


def _urls(*urls: str) -> PolicyRule:
    return PolicyRule(verbs=("get",), non_resource_urls=urls)


def _meta(name: str, labels: dict[str, str] | None = None) -> ObjectMeta:
    return ObjectMeta(
        name=name, labels={**_BOOTSTRAPPING, **(labels or {})}, annotations={AUTOUPDATE: "true"}
    )


def _aggregated(name: str, into: str | None = None) -> ClusterRole:
    labels = {AGGREGATE_TO.format(into): "true"} if into else None
    selector = LabelSelector(match_labels={AGGREGATE_TO.format(name): "true"})
    return ClusterRole(
        metadata=_meta(name, labels),
        aggregation_rule=AggregationRule(cluster_role_selectors=(selector,)),
    )


_VIEW_RULES: Final = (
    _rule(READ, "", "pods", "replicationcontrollers", "replicationcontrollers/scale",
          "serviceaccounts", "services", "services/status", "endpoints",
          "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"),
    _rule(READ, "", "limitranges", "resourcequotas", "bindings", "events", "pods/status",
          "resourcequotas/status", "namespaces/status", "replicationcontrollers/status",
          "pods/log"),
    # Read access to namespaces at the namespace scope means reading *this* namespace.
    _rule(READ, "", "namespaces"),
    _rule(READ, "discovery.k8s.io", "endpointslices"),
    _rule(READ, "apps", "controllerrevisions", "statefulsets", "statefulsets/status",
          "statefulsets/scale", "daemonsets", "daemonsets/status", "deployments",
          "deployments/status", "deployments/scale", "replicasets", "replicasets/status",
          "replicasets/scale"),
    _rule(READ, "autoscaling", "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
    _rule(READ, "batch", "jobs", "cronjobs", "cronjobs/status", "jobs/status"),
    _rule(READ, "policy", "poddisruptionbudgets", "poddisruptionbudgets/status"),
    _rule(READ, "networking.k8s.io", "networkpolicies", "ingresses", "ingresses/status"),
)  # fmt: skip

_EDIT_RULES: Final = (
    _rule(READ, "", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets",
          "services/proxy"),
    _rule(("impersonate",), "", "serviceaccounts"),
    _rule(WRITE, "", "pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
    _rule(("create",), "", "pods/eviction"),
    _rule(WRITE, "", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
          "services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets",
          "events"),
    _rule(("create",), "", "serviceaccounts/token"),
    _rule(WRITE, "apps", "statefulsets", "statefulsets/scale", "daemonsets", "deployments",
          "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"),
    _rule(WRITE, "autoscaling", "horizontalpodautoscalers"),
    _rule(WRITE, "batch", "jobs", "cronjobs"),
    _rule(WRITE, "policy", "poddisruptionbudgets"),
    _rule(WRITE, "networking.k8s.io", "networkpolicies", "ingresses"),
    _rule(READ_WRITE, "coordination.k8s.io", "leases"),
)  # fmt: skip

_ADMIN_RULES: Final = (
    _rule(("create",), "authorization.k8s.io", "localsubjectaccessreviews"),
    _rule(READ_WRITE, RBAC_GROUP, "roles", "rolebindings"),
)


def bootstrap_cluster_roles() -> tuple[ClusterRole, ...]:
    """Kubernetes' default ClusterRoles (the aggregated ones with no rules yet: the
    clusterrole-aggregation controller fills them)."""
    return (
        ClusterRole(
            metadata=_meta("cluster-admin"),
            rules=(_rule(("*",), "*", "*"), PolicyRule(verbs=("*",), non_resource_urls=("*",))),
        ),
        _aggregated("admin"),
        _aggregated("edit", into="admin"),
        _aggregated("view", into="edit"),
        ClusterRole(
            metadata=_meta("system:aggregate-to-admin", {AGGREGATE_TO.format("admin"): "true"}),
            rules=_ADMIN_RULES,
        ),
        ClusterRole(
            metadata=_meta("system:aggregate-to-edit", {AGGREGATE_TO.format("edit"): "true"}),
            rules=_EDIT_RULES,
        ),
        ClusterRole(
            metadata=_meta("system:aggregate-to-view", {AGGREGATE_TO.format("view"): "true"}),
            rules=_VIEW_RULES,
        ),
        ClusterRole(
            metadata=_meta("system:discovery"),
            rules=(
                _urls(
                    "/api",
                    "/api/*",
                    "/apis",
                    "/apis/*",
                    "/healthz",
                    "/livez",
                    "/openapi",
                    "/openapi/*",
                    "/readyz",
                    "/version",
                    "/version/",
                ),
            ),
        ),
        ClusterRole(
            metadata=_meta("system:basic-user"),
            rules=(
                _rule(
                    ("create",),
                    "authorization.k8s.io",
                    "selfsubjectaccessreviews",
                    "selfsubjectrulesreviews",
                ),
                _rule(("create",), "authentication.k8s.io", "selfsubjectreviews"),
            ),
        ),
        ClusterRole(
            # What a component that authenticates and authorizes its own callers through the
            # API server needs (kube-rbac-proxy, an aggregated API server): bound by its user.
            metadata=_meta("system:auth-delegator"),
            rules=(
                _rule(("create",), "authentication.k8s.io", "tokenreviews"),
                _rule(("create",), "authorization.k8s.io", "subjectaccessreviews"),
            ),
        ),
        ClusterRole(
            # What a kubelet holding a bootstrap token may do: ask for its client certificate.
            metadata=_meta("system:node-bootstrapper"),
            rules=(_rule(("create", *READ), "certificates.k8s.io", "certificatesigningrequests"),),
        ),
        # What the csrapproving controller's SubjectAccessReviews ask: may the requester
        # have a kubelet client certificate approved (any node's, or its own renewed)?
        ClusterRole(
            metadata=_meta(NODE_CLIENT_ROLE),
            rules=(_rule(("create",), CERTIFICATES, "certificatesigningrequests/nodeclient"),),
        ),
        ClusterRole(
            metadata=_meta(SELF_NODE_CLIENT_ROLE),
            rules=(_rule(("create",), CERTIFICATES, "certificatesigningrequests/selfnodeclient"),),
        ),
        ClusterRole(
            metadata=_meta("system:public-info-viewer"),
            rules=(_urls("/healthz", "/livez", "/readyz", "/version", "/version/"),),
        ),
    )


def _binding(role: str, *groups: str, name: str = "") -> ClusterRoleBinding:
    return ClusterRoleBinding(
        metadata=_meta(name or role),
        role_ref=RoleRef(api_group=RBAC_GROUP, kind="ClusterRole", name=role),
        subjects=tuple(Subject(kind="Group", api_group=RBAC_GROUP, name=g) for g in groups),
    )


def bootstrap_cluster_role_bindings() -> tuple[ClusterRoleBinding, ...]:
    """Kubernetes' default ClusterRoleBindings."""
    return (
        _binding("cluster-admin", MASTERS_GROUP),
        _binding("system:discovery", AUTHENTICATED_GROUP),
        _binding("system:basic-user", AUTHENTICATED_GROUP),
        _binding("system:public-info-viewer", AUTHENTICATED_GROUP, UNAUTHENTICATED_GROUP),
        # kubeadm's binding: every bootstrap token may ask for a kubelet's certificate.
        _binding("system:node-bootstrapper", BOOTSTRAPPERS_GROUP, name="kubeadm:kubelet-bootstrap"),
        # kubeadm's: the default node token's CSRs are approved, and nodes renew their own.
        _binding(
            NODE_CLIENT_ROLE, DEFAULT_NODE_TOKEN_GROUP, name="kubeadm:node-autoapprove-bootstrap"
        ),
        _binding(
            SELF_NODE_CLIENT_ROLE, NODES_GROUP, name="kubeadm:node-autoapprove-certificate-rotation"
        ),
    )


def _missing(have: tuple[Any, ...], want: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(w for w in want if w not in have)


def _reconciled(existing: Any, default: Any) -> Any:
    """``existing`` with what it lacks of ``default`` added back."""
    meta = existing.metadata
    merged = attrs.evolve(
        meta,
        labels={**default.metadata.labels, **meta.labels},
        annotations={**default.metadata.annotations, **meta.annotations},
    )
    changes: dict[str, Any] = {"metadata": merged}
    if isinstance(existing, ClusterRole):
        if default.aggregation_rule is not None:
            have = (
                existing.aggregation_rule.cluster_role_selectors
                if existing.aggregation_rule
                else ()
            )
            want = default.aggregation_rule.cluster_role_selectors
            selectors = have + _missing(have, want)
            changes["aggregation_rule"] = AggregationRule(cluster_role_selectors=selectors)
        else:
            changes["rules"] = existing.rules + tuple(
                uncovered_rules(existing.rules, default.rules)
            )
    else:
        changes["subjects"] = existing.subjects + _missing(existing.subjects, default.subjects)
    return attrs.evolve(existing, **changes)


async def _reconcile(client: Client, default: Any) -> None:
    kind, name = type(default), default.metadata.name
    for _ in range(3):  # a conflict means another start wrote it: read it again
        try:
            existing = await client.get(kind, name)
        except NotFound:
            try:
                await client.create(default)
                _log.debug("bootstrap_policy_created", kind=kind.kind, name=name)
                return
            except AlreadyExists:
                continue
        if existing.metadata.annotations.get(AUTOUPDATE) == "false":
            return
        wanted = _reconciled(existing, default)
        if wanted == existing:
            return
        try:
            await client.update(wanted)
            _log.info("bootstrap_policy_reconciled", kind=kind.kind, name=name)
            return
        except Conflict:
            continue


async def reconcile_bootstrap_policy(client: Client) -> None:
    """Create Kubernetes' default roles and bindings, or add back what they lost."""
    for role in bootstrap_cluster_roles():
        await _reconcile(client, role)
    for binding in bootstrap_cluster_role_bindings():
        await _reconcile(client, binding)
