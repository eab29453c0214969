"""What discovery says about each resource: verbs, short names, categories, subresources.

The kind registry knows a kind's group, version, plural and scope; the facts a client needs
beyond those (``kubectl get po`` works because pods have the short name ``po``; ``kubectl get
all`` lists the resources in the category ``all``) are Kubernetes' own, written down here for
the built-in kinds. A kind a user registers gets the full set of verbs and no short names.
"""

from __future__ import annotations

from typing import Final

import attrs

from kube_actors.api import KindInfo

__all__ = ["Resource", "Subresource", "resource_of"]

ALL_VERBS: Final = (
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
)
#: Namespaces cannot be deleted as a collection (Kubernetes leaves that verb out).
_NO_COLLECTION: Final = tuple(v for v in ALL_VERBS if v != "deletecollection")
_STATUS_VERBS: Final = ("get", "patch", "update")


@attrs.frozen(kw_only=True)
class Subresource:
    """``pods/status``, ``deployments/scale``...: its name, what it answers, its verbs."""

    name: str
    group: str
    version: str
    kind: str
    verbs: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Resource:
    """One resource as discovery lists it."""

    info: KindInfo
    verbs: tuple[str, ...] = ALL_VERBS
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[Subresource, ...] = ()

    @property
    def singular(self) -> str:
        return self.info.kind.lower()


def _status(info_group: str, version: str, kind: str) -> Subresource:
    return Subresource(
        name="status", group=info_group, version=version, kind=kind, verbs=_STATUS_VERBS
    )


def _scale() -> Subresource:
    return Subresource(
        name="scale", group="autoscaling", version="v1", kind="Scale", verbs=_STATUS_VERBS
    )


# (group, plural) -> (verbs, short names, categories, subresource names)
_BUILTIN: Final[
    dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]]
] = {
    ("", "pods"): (
        ALL_VERBS,
        ("po",),
        ("all",),
        ("status", "log", "binding", "eviction", "attach", "exec", "portforward"),
    ),
    ("", "services"): (ALL_VERBS, ("svc",), ("all",), ("status",)),
    ("", "namespaces"): (_NO_COLLECTION, ("ns",), (), ("status",)),
    ("", "nodes"): (ALL_VERBS, ("no",), (), ("status",)),
    ("", "endpoints"): (ALL_VERBS, ("ep",), (), ()),
    ("", "configmaps"): (ALL_VERBS, ("cm",), (), ()),
    ("", "resourcequotas"): (ALL_VERBS, ("quota",), (), ("status",)),
    ("", "limitranges"): (ALL_VERBS, ("limits",), (), ()),
    ("", "secrets"): (ALL_VERBS, (), (), ()),
    ("", "persistentvolumeclaims"): (ALL_VERBS, ("pvc",), (), ("status",)),
    ("", "persistentvolumes"): (ALL_VERBS, ("pv",), (), ("status",)),
    ("discovery.k8s.io", "endpointslices"): (ALL_VERBS, (), (), ()),
    ("networking.k8s.io", "ingresses"): (ALL_VERBS, ("ing",), (), ("status",)),
    ("networking.k8s.io", "ingressclasses"): (ALL_VERBS, (), (), ()),
    ("storage.k8s.io", "storageclasses"): (ALL_VERBS, ("sc",), (), ()),
    ("", "serviceaccounts"): (ALL_VERBS, ("sa",), (), ("token",)),
    ("", "events"): (ALL_VERBS, ("ev",), (), ()),
    ("", "bindings"): (("create",), (), (), ()),
    ("apps", "deployments"): (ALL_VERBS, ("deploy",), ("all",), ("status", "scale")),
    ("apps", "replicasets"): (ALL_VERBS, ("rs",), ("all",), ("status", "scale")),
    ("apps", "daemonsets"): (ALL_VERBS, ("ds",), ("all",), ("status",)),
    ("apps", "controllerrevisions"): (ALL_VERBS, (), (), ()),
    ("apps", "statefulsets"): (ALL_VERBS, ("sts",), ("all",), ("status", "scale")),
    ("batch", "jobs"): (ALL_VERBS, (), ("all",), ("status",)),
    ("batch", "cronjobs"): (ALL_VERBS, ("cj",), ("all",), ("status",)),
    ("coordination.k8s.io", "leases"): (ALL_VERBS, (), (), ()),
    ("certificates.k8s.io", "certificatesigningrequests"): (
        ALL_VERBS,
        ("csr",),
        (),
        ("approval", "status"),
    ),
    ("apiextensions.k8s.io", "customresourcedefinitions"): (
        ALL_VERBS,
        ("crd", "crds"),
        ("api-extensions",),
        ("status",),
    ),
    ("policy", "poddisruptionbudgets"): (ALL_VERBS, ("pdb",), (), ("status",)),
    ("autoscaling", "horizontalpodautoscalers"): (ALL_VERBS, ("hpa",), ("all",), ("status",)),
    ("scheduling.k8s.io", "priorityclasses"): (ALL_VERBS, ("pc",), (), ()),
    ("rbac.authorization.k8s.io", "roles"): (ALL_VERBS, (), (), ()),
    ("rbac.authorization.k8s.io", "clusterroles"): (ALL_VERBS, (), (), ()),
    ("rbac.authorization.k8s.io", "rolebindings"): (ALL_VERBS, (), (), ()),
    ("rbac.authorization.k8s.io", "clusterrolebindings"): (ALL_VERBS, (), (), ()),
    ("authorization.k8s.io", "subjectaccessreviews"): (("create",), (), (), ()),
    ("authorization.k8s.io", "localsubjectaccessreviews"): (("create",), (), (), ()),
    ("authentication.k8s.io", "tokenreviews"): (("create",), (), (), ()),
    ("authorization.k8s.io", "selfsubjectaccessreviews"): (("create",), (), (), ()),
    ("authorization.k8s.io", "selfsubjectrulesreviews"): (("create",), (), (), ()),
    ("authentication.k8s.io", "selfsubjectreviews"): (("create",), (), (), ()),
    # Served by the metrics server through the apiserver: read-only, as metrics-server.
    ("metrics.k8s.io", "pods"): (("get", "list"), (), (), ()),
    ("metrics.k8s.io", "nodes"): (("get", "list"), (), (), ()),
}


#: The streaming subresources of pods and the options kind discovery names for each.
_STREAM_KINDS: Final = {
    "attach": "PodAttachOptions",
    "exec": "PodExecOptions",
    "portforward": "PodPortForwardOptions",
}


def _subresource(name: str, info: KindInfo) -> Subresource:
    if name == "status":
        return _status(info.group, info.version, info.kind)
    if name == "approval":
        # The object itself, read and replaced (its conditions only); no patch yet.
        status = _status(info.group, info.version, info.kind)
        return attrs.evolve(status, name=name, verbs=("get", "update"))
    if name == "scale":
        return _scale()
    if name == "binding":
        return Subresource(name=name, group="", version="v1", kind="Binding", verbs=("create",))
    if name == "eviction":
        return Subresource(
            name=name, group="policy", version="v1", kind="Eviction", verbs=("create",)
        )
    if name == "token":
        return Subresource(
            name=name,
            group="authentication.k8s.io",
            version="v1",
            kind="TokenRequest",
            verbs=("create",),
        )
    if name in _STREAM_KINDS:
        return Subresource(
            name=name, group="", version="v1", kind=_STREAM_KINDS[name], verbs=("create", "get")
        )
    # pods/log answers plain text; discovery names it as Kubernetes does, kind Pod.
    return Subresource(name=name, group="", version="v1", kind="Pod", verbs=("get",))


def resource_of(info: KindInfo) -> Resource:
    """The discovery facts of a registered kind."""
    facts = _BUILTIN.get((info.group, info.plural))
    if facts is None:
        # A user's kind: every verb, and the subresources its registration (or CRD) names.
        status = (_status(info.group, info.version, info.kind),)
        scale = (_scale(),) if info.scale is not None else ()
        return Resource(
            info=info,
            subresources=(status if info.status_subresource else ()) + scale,
            short_names=getattr(info.cls, "short_names", ()),  # a CRD's names
            categories=getattr(info.cls, "categories", ()),
        )
    verbs, short_names, categories, subresources = facts
    return Resource(
        info=info,
        verbs=verbs,
        short_names=short_names,
        categories=categories,
        subresources=tuple(_subresource(s, info) for s in subresources),
    )
