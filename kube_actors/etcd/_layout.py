"""Kubernetes' key layout: the prefix each resource's objects are stored under.

kube-apiserver stores an object at ``/registry/<prefix>/<namespace>/<name>`` (cluster-scoped:
``/registry/<prefix>/<name>``). Its storage factory makes ``<prefix>`` the resource's name
alone for the groups kube-apiserver serves itself, with a few exceptions compiled in (nodes
under ``minions``, services under ``services/specs``, endpoints under ``services/endpoints``,
replication controllers under ``controllers``, ingresses under ``ingress``). The groups the
apiextensions server and the aggregator serve (CustomResourceDefinitions, APIServices, every
custom resource) are stored as ``<group>/<resource>``. Keeping the same layout means
``etcdctl get --prefix /registry --keys-only`` reads as it does on a real cluster.

The store keeps no other knowledge of Kubernetes: this table is here because an SQLite file
written by an older kube-actors (``/registry/<group or core>/<resource>/...``) is moved to it
when opened (``upgrade_key``).
"""

from __future__ import annotations

__all__ = ["KUBERNETES_GROUPS", "ROOT", "resource_prefix", "upgrade_key"]

ROOT = "/registry/"

#: The API groups kube-apiserver's own storage factory stores (``""`` is the core group):
#: their resources live under the resource name alone.
KUBERNETES_GROUPS = frozenset(
    {
        "",
        "admissionregistration.k8s.io",
        "apps",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "autoscaling",
        "batch",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "extensions",
        "flowcontrol.apiserver.k8s.io",
        "internal.apiserver.k8s.io",
        "networking.k8s.io",
        "node.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "resource.k8s.io",
        "scheduling.k8s.io",
        "storage.k8s.io",
        "storagemigration.k8s.io",
    }
)

#: kube-apiserver's ``SpecialDefaultResourcePrefixes``: (group, resource) -> prefix.
SPECIAL_PREFIXES = {
    ("", "replicationcontrollers"): "controllers",
    ("", "endpoints"): "services/endpoints",
    ("", "nodes"): "minions",
    ("", "services"): "services/specs",
    ("extensions", "ingresses"): "ingress",
    ("networking.k8s.io", "ingresses"): "ingress",
}


def resource_prefix(group: str, plural: str) -> str:
    """Where ``group``'s ``plural`` is stored, below ``/registry/`` (no slashes around)."""
    special = SPECIAL_PREFIXES.get((group, plural))
    if special is not None:
        return special
    return plural if group in KUBERNETES_GROUPS else f"{group}/{plural}"


def upgrade_key(key: str) -> str:
    """The key of kube-actors' first layout (``/registry/<group or core>/<plural>/...``) in
    Kubernetes' layout; any other key as it is. Keys of custom resources, CRDs and keys
    outside ``/registry/`` do not change."""
    if not key.startswith(ROOT):
        return key
    parts = key[len(ROOT) :].split("/", 2)
    if len(parts) < 3:
        return key
    group, plural, rest = parts
    group = "" if group == "core" else group
    if group not in KUBERNETES_GROUPS or (group == "" and parts[0] != "core"):
        return key
    return f"{ROOT}{resource_prefix(group, plural)}/{rest}"
