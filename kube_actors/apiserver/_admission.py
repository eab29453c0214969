"""Admission: what happens to a write between defaulting and storage.

The plugins Kubernetes enables by default that matter here, in its order:

- ``NamespaceLifecycle``: nothing is created in a namespace that does not exist or is being
  terminated; the namespaces the system needs cannot be deleted.
- ``LimitRanger`` (``_limit_ranger``): the namespace's LimitRanges default and bound new Pods'
  requests and limits, and new claims' storage.
- ``ServiceAccount``: a Pod without a service account runs as ``default``, and gets its
  account's token volume (``_token_volume``).
- ``Priority``: a Pod's ``priorityClassName`` becomes its ``priority`` (or the global
  default class's value, or 0); an unknown class is refused.
- ``DefaultTolerationSeconds``: a Pod tolerates ``not-ready`` and ``unreachable`` nodes for
  300 s unless it says otherwise, which is how the node lifecycle controller evicts later.
- ``DefaultStorageClass``: a claim without a class gets the default one.
- ``DefaultIngressClass``: an Ingress without a class gets the default one.
- ``ResourceQuota`` (``_quota_admission``), last: nothing is created beyond a quota.

A plugin sees the object after defaulting; mutating plugins return a new object, and every
plugin may refuse with an ``ApiError``.
"""

from __future__ import annotations

from typing import Any

from kube_actors.api import (
    BUILT_IN_INGRESS_CONTROLLER,
    DEFAULT_CLASS_ANNOTATION,
    DEFAULT_INGRESS_CLASS_ANNOTATION,
    Ingress,
    IngressClass,
    IngressClassSpec,
    KindInfo,
    Namespace,
    ObjectMeta,
    PersistentVolumeClaim,
    Pod,
    PriorityClass,
    StorageClass,
    Toleration,
    evolve,
)
from kube_actors.api._memo import IdentityMemo
from kube_actors.errors import Forbidden, NotFound

from ._admission_types import AdmissionPlugin, Lookup, Operation
from ._limit_ranger import limit_ranger
from ._quota_admission import resource_quota
from ._token_volume import with_token_volume

__all__ = [
    "DEFAULT_INGRESS_CLASS",
    "DEFAULT_PLUGINS",
    "DEFAULT_STORAGE_CLASS",
    "PROTECTED_NAMESPACES",
    "AdmissionPlugin",
    "Lookup",
    "Operation",
    "default_ingress_class",
    "default_plugins",
    "default_storage_class",
    "default_toleration_seconds",
    "default_tolerations",
    "namespace_lifecycle",
    "priority",
    "service_account",
]

#: Namespaces the system itself needs, created at start and never deleted.
PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public")

NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
DEFAULT_TOLERATION_SECONDS = 300


def _forbidden(info: KindInfo, name: str, reason: str) -> Forbidden:
    resource = f"{info.plural}.{info.group}" if info.group else info.plural
    return Forbidden(f'{resource} "{name}" is forbidden: {reason}', kind=info.kind, name=name)


def namespace_lifecycle(
    operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup
) -> Any:
    meta = obj.metadata
    if operation == "DELETE" and info.cls is Namespace and meta.name in PROTECTED_NAMESPACES:
        raise _forbidden(info, meta.name, "this namespace may not be deleted")
    if operation != "CREATE" or not info.namespaced:
        return obj
    namespace = lookup.get(Namespace, "", meta.namespace)
    if namespace is None:
        raise NotFound(f'namespaces "{meta.namespace}" not found', kind="Namespace")
    if namespace.metadata.deletion_timestamp is not None or namespace.status.phase == "Terminating":
        raise _forbidden(
            info,
            meta.name or meta.generate_name,
            f"unable to create new content in namespace {meta.namespace} "
            "because it is being terminated",
        )
    return obj


def service_account(
    operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup
) -> Any:
    if operation != "CREATE" or not isinstance(obj, Pod):
        return obj
    if not obj.spec.service_account_name:
        spec = _DEFAULT_ACCOUNT.get(obj.spec) or _DEFAULT_ACCOUNT.put(
            obj.spec, evolve(obj.spec, service_account_name="default")
        )
        obj = evolve(obj, spec=spec)
    return with_token_volume(obj, lookup)


# The changes the Pod plugins make to a spec depend on the spec and the values named as the
# memo's key alone: the Pods of one template (whose defaulted spec is one object, see
# ``default_pod_spec``) get one spec here too, which validation and managedFields have seen.
_DEFAULT_ACCOUNT: IdentityMemo[Any] = IdentityMemo()
_PRIORITISED: IdentityMemo[Any] = IdentityMemo()
_TOLERATING: IdentityMemo[Any] = IdentityMemo()


#: The classes Kubernetes creates at start (scheduling/util: SystemPriorityClasses).
SYSTEM_PRIORITY_CLASSES = (
    PriorityClass(
        metadata=evolve(PriorityClass().metadata, name="system-node-critical"),
        value=2_000_001_000,
        description="Used for system critical pods that must not be moved from their node.",
    ),
    PriorityClass(
        metadata=evolve(PriorityClass().metadata, name="system-cluster-critical"),
        value=2_000_000_000,
        description="Used for system critical pods that must run in the cluster.",
    ),
)


def priority(operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup) -> Any:
    if operation != "CREATE" or not isinstance(obj, Pod):
        return obj
    name = obj.spec.priority_class_name
    if name:
        found = lookup.get(PriorityClass, "", name)
        if found is None:
            raise _forbidden(
                info, obj.metadata.name, f"no PriorityClass with name {name} was found"
            )
        value, preemption = found.value, found.preemption_policy
    else:
        default = _global_default(lookup)
        value = default.value if default is not None else 0
        preemption = default.preemption_policy if default is not None else None
        name = default.metadata.name if default is not None else ""
    policy = obj.spec.preemption_policy or preemption or "PreemptLowerPriority"
    key = (value, name, policy)
    spec = _PRIORITISED.get(obj.spec, key) or _PRIORITISED.put(
        obj.spec,
        evolve(obj.spec, priority=value, priority_class_name=name, preemption_policy=policy),
        key,
    )
    return evolve(obj, spec=spec)


def _global_default(lookup: Lookup) -> PriorityClass | None:
    # Kubernetes allows one; should there be more, the lowest value wins, as it does there
    # (the first of equal ones, as ``min`` would give).
    found = None
    for candidate in lookup.all(PriorityClass):
        if candidate.global_default and (found is None or candidate.value < found.value):
            found = candidate
    return found


def default_toleration_seconds(
    operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup
) -> Any:
    return _add_default_tolerations(obj, operation, DEFAULT_TOLERATION_SECONDS)


def default_tolerations(seconds: int) -> AdmissionPlugin:
    """DefaultTolerationSeconds with another value (kube-apiserver's
    ``--default-not-ready-toleration-seconds`` / ``--default-unreachable-...``)."""

    def plugin(operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup) -> Any:
        return _add_default_tolerations(obj, operation, seconds)

    plugin.__name__ = "default_toleration_seconds"
    return plugin


def _add_default_tolerations(obj: Any, operation: Operation, seconds: int) -> Any:
    if operation != "CREATE" or not isinstance(obj, Pod):
        return obj
    spec = _TOLERATING.get(obj.spec, seconds)
    if spec is None:
        spec = _TOLERATING.put(obj.spec, _with_default_tolerations(obj.spec, seconds), seconds)
    return obj if spec is obj.spec else evolve(obj, spec=spec)


def _with_default_tolerations(spec: Any, seconds: int) -> Any:
    added = []
    for taint in (NOT_READY_TAINT, UNREACHABLE_TAINT):
        if not any(_tolerates_no_execute(t, taint) for t in spec.tolerations):
            added.append(
                Toleration(
                    key=taint,
                    operator="Exists",
                    effect="NoExecute",
                    toleration_seconds=seconds,
                )
            )
    if not added:
        return spec
    return evolve(spec, tolerations=(*spec.tolerations, *added))


def _tolerates_no_execute(toleration: Toleration, key: str) -> bool:
    if toleration.effect not in ("", "NoExecute"):
        return False
    return toleration.key == key or (toleration.key == "" and toleration.operator == "Exists")


def _newest_default(lookup: Lookup, kind: type[Any], annotation: str) -> str | None:
    """The name of the newest class of ``kind`` annotated as the default (several may be)."""
    defaults = [c for c in lookup.all(kind) if c.metadata.annotations.get(annotation) == "true"]
    if not defaults:
        return None
    newest = max(defaults, key=lambda c: (str(c.metadata.creation_timestamp), c.metadata.name))
    return str(newest.metadata.name)


def default_storage_class(
    operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup
) -> Any:
    """DefaultStorageClass: a claim that names no class gets the default one (the newest)."""
    if (
        operation != "CREATE"
        or not isinstance(obj, PersistentVolumeClaim)
        or obj.spec.storage_class_name is not None
    ):
        return obj
    newest = _newest_default(lookup, StorageClass, DEFAULT_CLASS_ANNOTATION)
    if newest is None:
        return obj
    return evolve(obj, spec=evolve(obj.spec, storage_class_name=newest))


#: The StorageClass a cluster starts with, as kind's: local directories, bound where the
#: first Pod using a claim is scheduled, deleted with the claim.
DEFAULT_STORAGE_CLASS = StorageClass(
    metadata=ObjectMeta(name="standard", annotations={DEFAULT_CLASS_ANNOTATION: "true"}),
    provisioner="rancher.io/local-path",
    reclaim_policy="Delete",
    volume_binding_mode="WaitForFirstConsumer",
)


def default_ingress_class(
    operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup
) -> Any:
    """DefaultIngressClass: an Ingress that names no class (nor the old annotation) gets the
    default one (the newest, if several are marked)."""
    if operation != "CREATE" or not isinstance(obj, Ingress):
        return obj
    named = obj.spec.ingress_class_name is not None
    if named or "kubernetes.io/ingress.class" in obj.metadata.annotations:
        return obj
    newest = _newest_default(lookup, IngressClass, DEFAULT_INGRESS_CLASS_ANNOTATION)
    if newest is None:
        return obj
    return evolve(obj, spec=evolve(obj.spec, ingress_class_name=newest))


#: The IngressClass a cluster starts with: kube_actors' own ingress controller's, the default.
DEFAULT_INGRESS_CLASS = IngressClass(
    metadata=ObjectMeta(name="kube-actors", annotations={DEFAULT_INGRESS_CLASS_ANNOTATION: "true"}),
    spec=IngressClassSpec(controller=BUILT_IN_INGRESS_CONTROLLER),
)


DEFAULT_PLUGINS: tuple[AdmissionPlugin, ...] = (
    namespace_lifecycle,
    limit_ranger,
    service_account,
    priority,
    default_toleration_seconds,
    default_storage_class,
    default_ingress_class,
    resource_quota,
)


def default_plugins(
    *, toleration_seconds: int = DEFAULT_TOLERATION_SECONDS
) -> tuple[AdmissionPlugin, ...]:
    """Kubernetes' default admission chain, with DefaultTolerationSeconds' value."""
    if toleration_seconds == DEFAULT_TOLERATION_SECONDS:
        return DEFAULT_PLUGINS
    return (
        namespace_lifecycle,
        limit_ranger,
        service_account,
        priority,
        default_tolerations(toleration_seconds),
        default_storage_class,
        default_ingress_class,
        resource_quota,
    )
