"""``default(obj)``: Kubernetes' defaulting (its ``defaults.go``) for the built-in kinds.

Each defaulter returns a new object (``attrs.evolve``) and leaves set fields alone, so
defaulting is idempotent. What admission adds (the not-ready/unreachable tolerations, a
ServiceAccount) and what the apiserver's create strategies set (Pod phase Pending, a Job's
generated selector, a Namespace's ``kubernetes`` finalizer) are not defaulting and are not here.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from ._apps import (
    DaemonSet,
    DaemonSetUpdateStrategy,
    Deployment,
    DeploymentStrategy,
    ReplicaSet,
    RollingUpdateDaemonSet,
    RollingUpdateDeployment,
    RollingUpdateStatefulSetStrategy,
    StatefulSet,
    StatefulSetUpdateStrategy,
)
from ._base import copier, evolve
from ._batch import Job
from ._container import Container, Probe
from ._core import Namespace, PriorityClass
from ._memo import IdentityMemo
from ._node import Node
from ._pod import Pod, PodSpec, PodTemplateSpec
from ._registry import kind_info
from ._service import ClientIPConfig, Service, ServicePort, SessionAffinityConfig
from ._volumes import Volume

__all__ = ["DEFAULT_VOLUME_MODE", "default", "default_pod_spec", "default_volume"]

T = TypeVar("T")

DEFAULT_SCHEDULER = "default-scheduler"


def default(obj: T) -> T:
    """``obj`` with Kubernetes' defaults filled in, by its kind's registered hook."""
    hook = kind_info(obj).default
    return obj if hook is None else hook(obj)


def _changed(obj: T, **changes: Any) -> T:
    """``attrs.evolve`` that keeps the very same object when nothing changes."""
    changes = {k: v for k, v in changes.items() if getattr(obj, k) != v}
    return evolve(obj, **changes) if changes else obj


def _or(value: T | None, fallback: T) -> T:
    return fallback if value is None else value


# ------------------------------------------------------------------------------ pods


def default_probe(probe: Probe | None) -> Probe | None:
    if probe is None:
        return None
    get = probe.http_get
    if get is not None:  # SetDefaults_HTTPGetAction
        get = _changed(get, path=get.path or "/", scheme=get.scheme or "HTTP")
    return _changed(
        probe,
        http_get=get,
        timeout_seconds=_or(probe.timeout_seconds, 1),
        period_seconds=_or(probe.period_seconds, 10),
        success_threshold=_or(probe.success_threshold, 1),
        failure_threshold=_or(probe.failure_threshold, 3),
    )


def _pull_policy(image: str) -> str:
    """Always for ``:latest`` or an untagged image, IfNotPresent for a tag or digest."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    tag = last.partition(":")[2]
    return "Always" if tag in ("", "latest") else "IfNotPresent"


def default_container(container: Container) -> Container:
    resources = container.resources
    missing = {k: v for k, v in resources.limits.items() if k not in resources.requests}
    if missing:  # requests default to limits, resource by resource
        resources = evolve(resources, requests={**resources.requests, **missing})
    return _changed(
        container,
        image_pull_policy=container.image_pull_policy or _pull_policy(container.image),
        termination_message_path=container.termination_message_path or "/dev/termination-log",
        termination_message_policy=container.termination_message_policy or "File",
        ports=tuple(_changed(p, protocol=p.protocol or "TCP") for p in container.ports),
        resources=resources,
        liveness_probe=default_probe(container.liveness_probe),
        readiness_probe=default_probe(container.readiness_probe),
        startup_probe=default_probe(container.startup_probe),
    )


#: The mode of projected files when a volume names none: 0644, which the API shows as 420.
DEFAULT_VOLUME_MODE = 0o644


def default_volume(volume: Volume) -> Volume:
    """The file mode of ConfigMap, Secret, downward API and projected volumes, and a
    hostPath's empty type, as Kubernetes' ``SetDefaults_*VolumeSource`` give them."""
    changes: dict[str, Any] = {}
    for name in ("config_map", "secret", "downward_api", "projected"):
        source = getattr(volume, name)
        if source is not None:
            changes[name] = _changed(
                source, default_mode=_or(source.default_mode, DEFAULT_VOLUME_MODE)
            )
    if volume.host_path is not None:
        changes["host_path"] = _changed(volume.host_path, type=_or(volume.host_path.type, ""))
    return _changed(volume, **changes)


def default_pod_spec(spec: PodSpec) -> PodSpec:
    """``spec`` defaulted; equal specs give the very same defaulted object.

    Every Pod of a ReplicaSet or Job carries its template's spec (the object, or an equal one
    built anew): the spec defaulted once is looked up by identity, then by equality (with the
    last spec sent first, then by hash), so every later step of the write (admission,
    validation, managedFields) meets an object it has seen and can look its own results up
    by identity (``_memo``). Defaulting reads only the spec, so equal specs default alike.
    """
    if _CANONICAL.get(spec) is not None:
        return spec
    last = _LAST_SENT
    # (A spec of another class is never equal to the last one: attrs compares classes.)
    if last and spec == last[0]:
        found = last[1]
    else:
        try:
            known = _DEFAULTED.get(spec)
        except TypeError:  # a spec built in Python holding a list or dict: not hashable
            return _defaulted_pod_spec(spec)
        if known is not None:
            found = known
        else:
            found = _defaulted_pod_spec(spec)
            if len(_DEFAULTED) >= _DEFAULTED_MAX:
                _DEFAULTED.clear()
            _DEFAULTED[spec] = found
            _DEFAULTED.setdefault(found, found)  # defaulting is idempotent
        _LAST_SENT[:] = spec, found
    _CANONICAL.put(found, True)
    return found


#: Defaulted specs by the spec they came from (and by themselves); bounded, cleared when full.
_DEFAULTED: dict[PodSpec, PodSpec] = {}
_DEFAULTED_MAX = 1024
#: The defaulted specs handed out lately, by identity: a controller's Pods carry the very
#: spec its template was defaulted to, found without hashing it. (Only results are kept: a
#: spec a client built for one Pod is not kept alive here.)
_CANONICAL: IdentityMemo[bool] = IdentityMemo(1024)
#: The last spec looked up by value that was not a canonical one, and its defaulted twin. A
#: client sends equal specs in runs, each built anew (a benchmark's or a load generator's
#: Pods, made by one function): the next one is compared with it, where a lookup in
#: ``_DEFAULTED`` hashed it and then compared it with the key found anyway (the hash, a walk
#: of every field, is half the lookup). It holds one spec a client built, no more.
_LAST_SENT: list[PodSpec] = []  # [sent, twin], or empty


def _defaulted_pod_spec(spec: PodSpec) -> PodSpec:
    return _changed(
        spec,
        volumes=tuple(default_volume(v) for v in spec.volumes),
        containers=tuple(default_container(c) for c in spec.containers),
        init_containers=tuple(default_container(c) for c in spec.init_containers),
        restart_policy=spec.restart_policy or "Always",
        termination_grace_period_seconds=_or(spec.termination_grace_period_seconds, 30),
        dns_policy=spec.dns_policy or "ClusterFirst",
        scheduler_name=spec.scheduler_name or DEFAULT_SCHEDULER,
        enable_service_links=_or(spec.enable_service_links, True),
    )


def default_template(template: PodTemplateSpec) -> PodTemplateSpec:
    spec = default_pod_spec(template.spec)
    return template if spec is template.spec else evolve(template, spec=spec)


def default_pod(pod: Pod) -> Pod:
    return pod_with_spec(pod, default_pod_spec(pod.spec))


def pod_with_spec(pod: Pod, spec: PodSpec) -> Pod:
    """``pod`` with ``spec`` (itself when that is its spec). Defaulting and the admission
    plugins copy every created Pod this way: a ``Pod``'s copy is made without ``evolve``'s
    call and keywords (``copier``)."""
    if spec is pod.spec:
        return pod
    return _copy_pod(pod, spec) if type(pod) is Pod else evolve(pod, spec=spec)


_copy_pod: Final = copier(Pod, "spec")


# -------------------------------------------------------------------------- workloads


def default_deployment(obj: Deployment) -> Deployment:
    spec = obj.spec
    strategy = spec.strategy or DeploymentStrategy()
    strategy = _changed(strategy, type=strategy.type or "RollingUpdate")
    if strategy.type == "RollingUpdate":
        rolling = strategy.rolling_update or RollingUpdateDeployment()
        rolling = _changed(
            rolling,
            max_unavailable=_or(rolling.max_unavailable, "25%"),
            max_surge=_or(rolling.max_surge, "25%"),
        )
        strategy = _changed(strategy, rolling_update=rolling)
    spec = _changed(
        spec,
        replicas=_or(spec.replicas, 1),
        strategy=strategy,
        revision_history_limit=_or(spec.revision_history_limit, 10),
        progress_deadline_seconds=_or(spec.progress_deadline_seconds, 600),
        template=default_template(spec.template),
    )
    return _changed(obj, spec=spec)


def default_replica_set(obj: ReplicaSet) -> ReplicaSet:
    spec = obj.spec
    spec = _changed(spec, replicas=_or(spec.replicas, 1), template=default_template(spec.template))
    return _changed(obj, spec=spec)


def default_daemon_set(obj: DaemonSet) -> DaemonSet:
    spec = obj.spec
    strategy = spec.update_strategy or DaemonSetUpdateStrategy()
    strategy = _changed(strategy, type=strategy.type or "RollingUpdate")
    if strategy.type == "RollingUpdate":
        rolling = strategy.rolling_update or RollingUpdateDaemonSet()
        rolling = _changed(
            rolling,
            max_unavailable=_or(rolling.max_unavailable, 1),
            max_surge=_or(rolling.max_surge, 0),
        )
        strategy = _changed(strategy, rolling_update=rolling)
    spec = _changed(
        spec,
        update_strategy=strategy,
        revision_history_limit=_or(spec.revision_history_limit, 10),
        template=default_template(spec.template),
    )
    return _changed(obj, spec=spec)


def default_stateful_set(obj: StatefulSet) -> StatefulSet:
    spec = obj.spec
    strategy = spec.update_strategy or StatefulSetUpdateStrategy()
    strategy = _changed(strategy, type=strategy.type or "RollingUpdate")
    if strategy.type == "RollingUpdate":
        rolling = strategy.rolling_update or RollingUpdateStatefulSetStrategy()
        rolling = _changed(rolling, partition=_or(rolling.partition, 0))
        strategy = _changed(strategy, rolling_update=rolling)
    spec = _changed(
        spec,
        replicas=_or(spec.replicas, 1),
        pod_management_policy=spec.pod_management_policy or "OrderedReady",
        update_strategy=strategy,
        revision_history_limit=_or(spec.revision_history_limit, 10),
        template=default_template(spec.template),
    )
    return _changed(obj, spec=spec)


def default_job(obj: Job) -> Job:
    spec = obj.spec
    completions = spec.completions
    if completions is None and spec.parallelism is None:
        completions = 1  # neither given: one Pod, run once
    spec = _changed(
        spec,
        completions=completions,
        parallelism=_or(spec.parallelism, 1),
        backoff_limit=_or(spec.backoff_limit, 6),
        completion_mode=spec.completion_mode or "NonIndexed",
        suspend=_or(spec.suspend, False),
        # Failed when a podFailurePolicy is set (not served here), else TerminatingOrFailed.
        pod_replacement_policy=spec.pod_replacement_policy or "TerminatingOrFailed",
        template=default_template(spec.template),
    )
    return _changed(obj, spec=spec)


# ----------------------------------------------------------------------- core kinds


def _default_service_port(port: ServicePort) -> ServicePort:
    return _changed(
        port,
        protocol=port.protocol or "TCP",
        target_port=port.target_port if port.target_port not in (None, 0, "") else port.port,
    )


def default_service(obj: Service) -> Service:
    spec = obj.spec
    service_type = spec.type or "ClusterIP"
    affinity = spec.session_affinity or "None"
    config = spec.session_affinity_config
    if affinity == "ClientIP":
        client_ip = (config.client_ip if config else None) or ClientIPConfig()
        client_ip = _changed(client_ip, timeout_seconds=_or(client_ip.timeout_seconds, 10800))
        config = _changed(config or SessionAffinityConfig(), client_ip=client_ip)
    internal = spec.internal_traffic_policy
    if internal is None and service_type != "ExternalName":
        internal = "Cluster"
    external = spec.external_traffic_policy
    if not external and service_type in ("NodePort", "LoadBalancer"):
        external = "Cluster"
    families, family_policy = spec.ip_families, spec.ip_family_policy
    if service_type != "ExternalName":
        # A single-stack IPv4 cluster, as minikube's and kind's defaults are.
        families = families or ("IPv4",)
        family_policy = family_policy or "SingleStack"
    allocate = spec.allocate_load_balancer_node_ports
    if allocate is None and service_type == "LoadBalancer":
        allocate = True
    spec = _changed(
        spec,
        external_traffic_policy=external,
        ip_families=families,
        ip_family_policy=family_policy,
        allocate_load_balancer_node_ports=allocate,
        type=service_type,
        session_affinity=affinity,
        session_affinity_config=config,
        ports=tuple(_default_service_port(p) for p in spec.ports),
        internal_traffic_policy=internal,
    )
    return _changed(obj, spec=spec)


NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


def default_namespace(obj: Namespace) -> Namespace:
    # Kubernetes labels every Namespace with its own name (on create and on every update) so
    # that namespaceSelectors can pick a namespace by name; a user cannot change the label.
    meta = obj.metadata
    if meta.name and meta.labels.get(NAMESPACE_NAME_LABEL) != meta.name:
        meta = evolve(meta, labels={**meta.labels, NAMESPACE_NAME_LABEL: meta.name})
    status = _changed(obj.status, phase=obj.status.phase or "Active")
    return _changed(obj, metadata=meta, status=status)


def default_node(obj: Node) -> Node:
    status = obj.status
    if status.allocatable or not status.capacity:
        return obj
    return _changed(obj, status=evolve(status, allocatable=status.capacity))


def default_priority_class(obj: PriorityClass) -> PriorityClass:
    return _changed(obj, preemption_policy=obj.preemption_policy or "PreemptLowerPriority")
