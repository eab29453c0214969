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

from collections.abc import Collection, Iterable, Sequence
from typing import Any, Final, Protocol

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
    PodSpec,
    PriorityClass,
    StorageClass,
    Toleration,
    evolve,
)
from kube_actors.api._defaults import pod_with_spec
from kube_actors.api._memo import IdentityMemo
from kube_actors.errors import Forbidden, NotFound

from ._admission_types import AdmissionPlugin, Lookup, Operation
from ._limit_ranger import limit_ranger
from ._quota_admission import resource_quota
from ._token_volume import token_volume_spec, token_volume_wanted

__all__ = [
    "DEFAULT_INGRESS_CLASS",
    "DEFAULT_PLUGINS",
    "DEFAULT_STORAGE_CLASS",
    "IDLE_WITHOUT",
    "PROTECTED_NAMESPACES",
    "AdmissionPlugin",
    "Lookup",
    "Operation",
    "default_ingress_class",
    "default_plugins",
    "default_storage_class",
    "default_toleration_seconds",
    "default_tolerations",
    "for_creates_of",
    "for_updates",
    "joined",
    "namespace_lifecycle",
    "priority",
    "service_account",
    "without",
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
    return pod_with_spec(obj, _service_account_spec(info, obj, obj.spec, lookup))


def _service_account_spec(info: KindInfo, pod: Pod, spec: PodSpec, lookup: Lookup) -> PodSpec:
    if not spec.service_account_name:
        spec = _DEFAULT_ACCOUNT.get(spec) or _DEFAULT_ACCOUNT.put(
            spec, evolve(spec, service_account_name="default")
        )
    return token_volume_spec(pod.metadata, spec, lookup)


def _service_account_inputs(info: KindInfo, pod: Pod, spec: PodSpec, lookup: Lookup) -> object:
    # The token volume is the one change that depends on more than the spec: its name is
    # the Pod's (a spec given it is the Pod's alone, not remembered: None).
    account = spec.service_account_name or "default"
    return None if token_volume_wanted(pod.metadata, account, spec, lookup) else False


# The changes the Pod plugins make to a spec depend on the spec and the values named as the
# memo's key alone: the Pods of one template (whose defaulted spec is one object, see
# ``default_pod_spec``) get one spec here too, which validation and managedFields have seen.
_DEFAULT_ACCOUNT: IdentityMemo[PodSpec] = IdentityMemo()
_PRIORITISED: IdentityMemo[PodSpec] = IdentityMemo()
_TOLERATING: IdentityMemo[PodSpec] = IdentityMemo()


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
    return pod_with_spec(obj, _priority_spec(info, obj, obj.spec, lookup))


def _priority_spec(info: KindInfo, pod: Pod, spec: PodSpec, lookup: Lookup) -> PodSpec:
    key = _priority_inputs(info, pod, spec, lookup)
    value, name, policy = key
    return _PRIORITISED.get(spec, key) or _PRIORITISED.put(
        spec, evolve(spec, priority=value, priority_class_name=name, preemption_policy=policy), key
    )


def _priority_inputs(
    info: KindInfo, pod: Pod, spec: PodSpec, lookup: Lookup
) -> tuple[int, str, str]:
    """The priority, class name and preemption policy Priority admission gives ``spec``."""
    name = spec.priority_class_name
    if name:
        found = lookup.get(PriorityClass, "", name)
        if found is None:
            raise _forbidden(
                info, pod.metadata.name, f"no PriorityClass with name {name} was found"
            )
        value, preemption = found.value, found.preemption_policy
    else:
        default = lookup.derived(PriorityClass, _global_default)
        value = default.value if default is not None else 0
        preemption = default.preemption_policy if default is not None else None
        name = default.metadata.name if default is not None else ""
    policy = spec.preemption_policy or preemption or "PreemptLowerPriority"
    return (value, name, policy)


def _global_default(classes: Iterable[PriorityClass]) -> PriorityClass | None:
    # Kubernetes allows one; should there be more, the lowest value wins, as it does there
    # (the first of equal ones, as ``min`` would give).
    found = None
    for candidate in classes:
        if candidate.global_default and (found is None or candidate.value < found.value):
            found = candidate
    return found


def default_toleration_seconds(
    operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup
) -> Any:
    if operation != "CREATE" or not isinstance(obj, Pod):
        return obj
    return pod_with_spec(obj, _tolerating_spec(obj.spec, DEFAULT_TOLERATION_SECONDS))


def _default_tolerations_spec(info: KindInfo, pod: Pod, spec: PodSpec, lookup: Lookup) -> PodSpec:
    return _tolerating_spec(spec, DEFAULT_TOLERATION_SECONDS)


def _default_tolerations_inputs(info: KindInfo, pod: Pod, spec: PodSpec, lookup: Lookup) -> object:
    return DEFAULT_TOLERATION_SECONDS


def default_tolerations(seconds: int) -> AdmissionPlugin:
    """DefaultTolerationSeconds with another value (kube-apiserver's
    ``--default-not-ready-toleration-seconds`` / ``--default-unreachable-...``)."""

    def plugin(operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup) -> Any:
        if operation != "CREATE" or not isinstance(obj, Pod):
            return obj
        return pod_with_spec(obj, _tolerating_spec(obj.spec, seconds))

    def stage(info: KindInfo, pod: Pod, spec: PodSpec, lookup: Lookup) -> PodSpec:
        return _tolerating_spec(spec, seconds)

    def inputs(info: KindInfo, pod: Pod, spec: PodSpec, lookup: Lookup) -> object:
        return seconds

    plugin.__name__ = "default_toleration_seconds"
    _POD_SPEC_STAGES[plugin] = (stage, inputs)
    return plugin


def _tolerating_spec(spec: PodSpec, seconds: int) -> PodSpec:
    found = _TOLERATING.get(spec, seconds)
    if found is None:
        found = _TOLERATING.put(spec, _with_default_tolerations(spec, seconds), seconds)
    return found


def _with_default_tolerations(spec: PodSpec, seconds: int) -> PodSpec:
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


class PodSpecStage(Protocol):
    """What a Pod plugin does to a created Pod, as a change of its spec alone: the spec
    after the plugin, given the Pod (whose spec it must read from ``spec``, the spec the
    plugins before it left) and what it may look up. ``_joined`` runs several on one Pod."""

    def __call__(self, info: KindInfo, pod: Pod, spec: PodSpec, lookup: Lookup) -> PodSpec: ...


class StageInputs(Protocol):
    """What a ``PodSpecStage``'s spec depends on beyond the spec it is given: equal inputs
    and the same spec give the same spec, for any Pod; None when it depends on the Pod's
    name too. Given the spec a joined run starts from (``_joined``), not the one the stages
    before it leave: no stage reads a field another one changes."""

    def __call__(self, info: KindInfo, pod: Pod, spec: PodSpec, lookup: Lookup) -> object: ...


#: The plugins that, for a created Pod, change its spec alone, and how (``PodSpecStage``),
#: with what else that change depends on (``StageInputs``).
_POD_SPEC_STAGES: dict[AdmissionPlugin, tuple[PodSpecStage, StageInputs]] = {
    service_account: (_service_account_spec, _service_account_inputs),
    priority: (_priority_spec, _priority_inputs),
    default_toleration_seconds: (_default_tolerations_spec, _default_tolerations_inputs),
}


def joined(plugins: Sequence[AdmissionPlugin]) -> tuple[AdmissionPlugin, ...]:
    """``plugins``, with each run of two or more plugins that change only a created Pod's
    spec (ServiceAccount, Priority, DefaultTolerationSeconds) made one plugin that runs
    their stages in order and copies the Pod once: what running them one by one gives, each
    of them a copy of the Pod (their stages read only the Pod's metadata and the spec the
    stages before them left, which is all that changed between them)."""
    chain: list[AdmissionPlugin] = []
    run: list[AdmissionPlugin] = []
    for plugin in (*plugins, None):
        if plugin is not None and plugin in _POD_SPEC_STAGES:
            run.append(plugin)
            continue
        if len(run) > 1:
            chain.append(_joined(run, tuple(_POD_SPEC_STAGES[p] for p in run)))
        else:
            chain.extend(run)
        run = []
        if plugin is not None:
            chain.append(plugin)
    return tuple(chain)


def _joined(
    plugins: Sequence[AdmissionPlugin], stages: tuple[tuple[PodSpecStage, StageInputs], ...]
) -> AdmissionPlugin:
    # The spec the stages gave a spec, with their inputs: the Pods of one template (whose
    # defaulted spec is one object) ask one memo here where each stage asked its own.
    admitted: IdentityMemo[PodSpec] = IdentityMemo()
    changes = tuple(stage for stage, _ in stages)
    inputs_of = tuple(inputs for _, inputs in stages)

    def plugin(operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup) -> Any:
        if operation != "CREATE" or not isinstance(obj, Pod):
            return obj  # as each of them leaves it
        spec = obj.spec
        inputs = []  # (a loop: a list comprehension is a call of its own before 3.12)
        for of in inputs_of:
            inputs.append(of(info, obj, spec, lookup))
        found = admitted.get(spec, inputs)
        if found is not None:
            return pod_with_spec(obj, found)
        result = spec
        for stage in changes:
            result = stage(info, obj, result, lookup)
        if None not in inputs:
            admitted.put(spec, result, inputs)
        return pod_with_spec(obj, result)

    plugin.__name__ = "+".join(getattr(p, "__name__", repr(p)) for p in plugins)
    return plugin


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


#: The default plugins that give every update back as it came, looking nothing up: each acts
#: on creates only (NamespaceLifecycle on deletes too), as Kubernetes registers them (a test
#: pins it).
_CREATES_ONLY: Final = frozenset(DEFAULT_PLUGINS)


def for_updates(plugins: Sequence[AdmissionPlugin]) -> tuple[AdmissionPlugin, ...]:
    """The plugins of the chain ``plugins`` that may act on an update, in order: as
    Kubernetes' admission skips a plugin whose ``Handles`` refuses the operation, an update
    passes only those not known to act on creates alone (``_CREATES_ONLY``)."""
    return tuple(plugin for plugin in plugins if plugin not in _CREATES_ONLY)


#: The default plugins that act on the creates of some kinds alone, with those kinds: a
#: create of any other kind each gives back as it came, looking nothing up (a test pins it).
_CREATES_OF: Final[dict[AdmissionPlugin, tuple[type[Any], ...]]] = {
    limit_ranger: (Pod, PersistentVolumeClaim),
    service_account: (Pod,),
    priority: (Pod,),
    default_toleration_seconds: (Pod,),
    default_storage_class: (PersistentVolumeClaim,),
    default_ingress_class: (Ingress,),
}


def for_creates_of(
    plugins: Sequence[AdmissionPlugin], cls: type[Any]
) -> tuple[AdmissionPlugin, ...]:
    """The plugins of the chain ``plugins`` that may act on a create of ``cls``, in order:
    as Kubernetes' admission skips a plugin whose ``Handles`` refuses the operation, and the
    plugins of Pods, claims and Ingresses return at once for every other kind (an Event, the
    most created kind, passes NamespaceLifecycle and ResourceQuota alone)."""
    return tuple(
        plugin
        for plugin in plugins
        if plugin not in _CREATES_OF or issubclass(cls, _CREATES_OF[plugin])
    )


#: The default plugins that give every create back as it came, refusing nothing, while no
#: object of one resource exists, with that resource as the apiserver's caches name it:
#: each looks up only those objects of the created object's namespace (a test pins it).
IDLE_WITHOUT: Final[dict[AdmissionPlugin, tuple[str, str]]] = {
    limit_ranger: ("core", "limitranges"),
    resource_quota: ("core", "resourcequotas"),
}


def without(
    plugins: Sequence[AdmissionPlugin], dropped: Collection[AdmissionPlugin]
) -> tuple[AdmissionPlugin, ...]:
    """The chain ``plugins`` less the plugins ``dropped``, in order."""
    return tuple(plugin for plugin in plugins if plugin not in dropped)


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
