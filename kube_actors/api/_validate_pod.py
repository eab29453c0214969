"""Validation of Pods and pod templates: containers, probes, scheduling fields, updates."""

from __future__ import annotations

from typing import Any, Final

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._affinity import Affinity, NodeSelectorTerm, PodAffinityTerm, Toleration
from ._affinity import TopologySpreadConstraint as Spread
from ._base import evolve
from ._container import Container, ContainerPort, EnvVar, Probe
from ._memo import IdentityMemo
from ._names import is_dns1123_label, is_dns1123_subdomain, is_port_name
from ._pod import Pod, PodSpec, PodTemplateSpec

__all__ = ["validate_pod", "validate_pod_spec", "validate_pod_template"]

Causes = list[FieldCause]

RESTART_POLICIES: Final = ("Always", "OnFailure", "Never")
_DNS_POLICIES: Final = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
_PULL_POLICIES: Final = ("Always", "IfNotPresent", "Never")
_EFFECTS: Final = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_NODE_OPERATORS: Final = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")


def validate_pod(pod: Pod, old: Pod | None) -> Causes:
    causes = validate_pod_spec("spec", pod.spec)
    if old is not None:
        causes.extend(_pod_update(pod.spec, old.spec))
    return causes


def validate_pod_template(path: str, template: PodTemplateSpec) -> Causes:
    causes = c.labels(f.child(path, "metadata.labels"), template.metadata.labels)
    causes.extend(
        c.qualified_names(f.child(path, "metadata.annotations"), template.metadata.annotations)
    )
    causes.extend(validate_pod_spec(f.child(path, "spec"), template.spec))
    return causes


#: Pod specs found valid, by where they were checked: every Pod of a ReplicaSet carries its
#: template's spec (the very object, or an equal one), and every status write carries its
#: Pod's spec again, so most specs were checked before. Only valid specs are kept: a spec
#: equal to a valid one is valid (the checks read only the fields equality compares), and
#: the messages of an invalid one are made afresh. Bounded: cleared when full.
_VALID_SPECS: dict[tuple[str, PodSpec], None] = {}
_VALID_SPECS_MAX = 1024
#: The same, by the spec's identity: the very object checked before is not even hashed
#: (each status write of a Pod brings its stored spec again: room for a busy cluster's Pods).
_VALID_BY_ID: IdentityMemo[bool] = IdentityMemo(16384)


def validate_pod_spec(path: str, spec: PodSpec) -> Causes:
    if _VALID_BY_ID.get(spec, path):
        return []
    if spec.node_name and not is_dns1123_subdomain(spec.node_name):
        # A bound Pod's spec is the spec it was created with and its node's name, which
        # differs from node to node: equal to few specs checked before, where its spec
        # without the name is the one every Pod of its template had. Nothing of the checks
        # but the name's own reads ``nodeName``, so the spec is valid when the one without
        # it is; an invalid one gets its messages from the whole checks, in their order.
        # (The spec without the name is made for this lookup: not kept by identity.)
        causes, hashable = _by_value(path, evolve(spec, node_name=""))
        if causes:
            return _pod_spec_causes(path, spec)
    else:
        causes, hashable = _by_value(path, spec)
    if not causes and hashable:
        _VALID_BY_ID.put(spec, True, path)
    return causes


def _by_value(path: str, spec: PodSpec) -> tuple[Causes, bool]:
    """The spec's causes, none if an equal spec was found valid before, and whether it is
    hashable (a spec built in Python holding a list or dict is not: it is checked each
    time, and not remembered, by value or by identity)."""
    key = (path, spec)
    try:
        if key in _VALID_SPECS:
            return [], True
    except TypeError:
        return _pod_spec_causes(path, spec), False
    causes = _pod_spec_causes(path, spec)
    if not causes:
        if len(_VALID_SPECS) >= _VALID_SPECS_MAX:
            _VALID_SPECS.clear()
        _VALID_SPECS[key] = None
    return causes, True


def _pod_spec_causes(path: str, spec: PodSpec) -> Causes:
    causes: Causes = []
    volumes = _volumes(f.child(path, "volumes"), spec)
    causes.extend(volumes[0])
    if not spec.containers:
        causes.append(f.required(f.child(path, "containers")))
    seen: set[str] = set()
    for field, containers in (
        ("initContainers", spec.init_containers),
        ("containers", spec.containers),
    ):
        for i, container in enumerate(containers):
            at = f.index(f.child(path, field), i)
            causes.extend(_container(at, container, seen, volumes[1]))
    causes.extend(c.one_of(f.child(path, "restartPolicy"), spec.restart_policy, RESTART_POLICIES))
    causes.extend(c.one_of(f.child(path, "dnsPolicy"), spec.dns_policy, _DNS_POLICIES))
    grace = spec.termination_grace_period_seconds
    causes.extend(c.at_least(f.child(path, "terminationGracePeriodSeconds"), grace, 0))
    causes.extend(
        c.at_least(f.child(path, "activeDeadlineSeconds"), spec.active_deadline_seconds, 1)
    )
    causes.extend(c.labels(f.child(path, "nodeSelector"), spec.node_selector))
    if spec.node_name:
        problems = is_dns1123_subdomain(spec.node_name)
        causes.extend(f.invalid(f.child(path, "nodeName"), spec.node_name, p) for p in problems)
    if spec.priority_class_name:
        problems = is_dns1123_subdomain(spec.priority_class_name)
        name_path = f.child(path, "priorityClassName")
        causes.extend(f.invalid(name_path, spec.priority_class_name, p) for p in problems)
    causes.extend(c.each(f.child(path, "tolerations"), spec.tolerations, _toleration))
    if spec.affinity is not None:
        causes.extend(_affinity(f.child(path, "affinity"), spec.affinity))
    spreads = f.child(path, "topologySpreadConstraints")
    causes.extend(c.each(spreads, spec.topology_spread_constraints, _spread))
    causes.extend(c.resource_amounts(f.child(path, "overhead"), spec.overhead))
    return causes


def _volumes(path: str, spec: PodSpec) -> tuple[Causes, set[str]]:
    causes: Causes = []
    names: set[str] = set()
    for i, volume in enumerate(spec.volumes):
        at = f.child(f.index(path, i), "name")
        if not volume.name:
            causes.append(f.required(at))
        causes.extend(
            f.invalid(at, volume.name, p) for p in is_dns1123_label(volume.name) if volume.name
        )
        if volume.name in names:
            causes.append(f.duplicate(at, volume.name))
        names.add(volume.name)
    return causes, names


def _container(path: str, container: Container, seen: set[str], volumes: set[str]) -> Causes:
    causes: Causes = []
    name_path = f.child(path, "name")
    if not container.name:
        causes.append(f.required(name_path))
    else:
        causes.extend(
            f.invalid(name_path, container.name, p) for p in is_dns1123_label(container.name)
        )
        if container.name in seen:
            causes.append(f.duplicate(name_path, container.name))
        seen.add(container.name)
    if not container.image.strip():
        causes.append(f.required(f.child(path, "image")))
    causes.extend(c.each(f.child(path, "ports"), container.ports, _container_port))
    causes.extend(c.each(f.child(path, "env"), container.env, _env_var))
    pull = f.child(path, "imagePullPolicy")
    causes.extend(c.one_of(pull, container.image_pull_policy, _PULL_POLICIES))
    causes.extend(_resources(f.child(path, "resources"), container))
    for i, mount in enumerate(container.volume_mounts):
        at = f.index(f.child(path, "volumeMounts"), i)
        if mount.name not in volumes:
            causes.append(f.not_found(f.child(at, "name"), mount.name))
        if not mount.mount_path:
            causes.append(f.required(f.child(at, "mountPath")))
    for field, probe in (
        ("livenessProbe", container.liveness_probe),
        ("readinessProbe", container.readiness_probe),
        ("startupProbe", container.startup_probe),
    ):
        if probe is not None:
            causes.extend(
                _probe(f.child(path, field), probe, must_succeed_once=field != "readinessProbe")
            )
    if container.restart_policy:
        causes.extend(
            c.one_of(f.child(path, "restartPolicy"), container.restart_policy, ("Always",))
        )
    return causes


def _env_var(path: str, var: EnvVar) -> Causes:
    name_path = f.child(path, "name")
    if not var.name:
        return [f.required(name_path)]
    # Kubernetes (since 1.30) takes any printable ASCII but "=" in a variable's name.
    if all(" " <= ch <= "~" and ch != "=" for ch in var.name):
        return []
    return [f.invalid(name_path, var.name, _ENV_NAME_HELP)]


_ENV_NAME_HELP: Final = (
    "a valid environment variable name must consist only of printable ASCII characters "
    "other than '='"
)


def _container_port(path: str, port: ContainerPort) -> Causes:
    causes = c.in_port_range(f.child(path, "containerPort"), port.container_port)
    if port.host_port is not None and port.host_port != 0:
        causes.extend(c.in_port_range(f.child(path, "hostPort"), port.host_port))
    causes.extend(c.one_of(f.child(path, "protocol"), port.protocol, c.PROTOCOLS))
    if port.name:
        causes.extend(
            f.invalid(f.child(path, "name"), port.name, p) for p in is_port_name(port.name)
        )
    return causes


def _resources(path: str, container: Container) -> Causes:
    requests, limits = container.resources.requests, container.resources.limits
    causes = c.resource_amounts(f.child(path, "requests"), requests)
    causes.extend(c.resource_amounts(f.child(path, "limits"), limits))
    for name, request in requests.items():
        limit = limits.get(name)
        if limit is not None and request > limit:
            at = f.key(f.child(path, "requests"), name)
            causes.append(
                f.invalid(
                    at, str(request), f"must be less than or equal to {name} limit of {limit}"
                )
            )
    return causes


def _probe(path: str, probe: Probe, *, must_succeed_once: bool) -> Causes:
    causes: Causes = []
    handlers = [h for h in (probe.exec, probe.http_get, probe.tcp_socket) if h is not None]
    if not handlers:
        causes.append(f.required(path, "must specify a handler type"))
    elif len(handlers) > 1:
        causes.append(f.forbidden(path, "may not specify more than 1 handler type"))
    if probe.http_get is not None:
        causes.extend(c.port_or_name(f.child(path, "httpGet.port"), probe.http_get.port))
    if probe.tcp_socket is not None:
        causes.extend(c.port_or_name(f.child(path, "tcpSocket.port"), probe.tcp_socket.port))
    if probe.exec is not None and not probe.exec.command:
        causes.append(f.required(f.child(path, "exec.command")))
    causes.extend(c.at_least(f.child(path, "initialDelaySeconds"), probe.initial_delay_seconds, 0))
    for field, value in (
        ("timeoutSeconds", probe.timeout_seconds),
        ("periodSeconds", probe.period_seconds),
        ("successThreshold", probe.success_threshold),
        ("failureThreshold", probe.failure_threshold),
    ):
        causes.extend(c.at_least(f.child(path, field), value, 1))
    if must_succeed_once and probe.success_threshold not in (None, 1):
        causes.append(
            f.invalid(f.child(path, "successThreshold"), probe.success_threshold, "must be 1")
        )
    return causes


def _toleration(path: str, toleration: Toleration) -> Causes:
    causes: Causes = []
    if toleration.key:
        causes.extend(c.qualified_names(f.child(path, "key"), [toleration.key]))
    elif toleration.operator != "Exists":
        detail = "operator must be Exists when `key` is empty (it then matches every taint)"
        causes.append(f.invalid(f.child(path, "operator"), toleration.operator, detail))
    causes.extend(c.one_of(f.child(path, "operator"), toleration.operator, ("Equal", "Exists")))
    if toleration.operator == "Exists" and toleration.value:
        causes.append(
            f.invalid(
                f.child(path, "operator"),
                toleration.value,
                "value must be empty when `operator` is 'Exists'",
            )
        )
    causes.extend(c.one_of(f.child(path, "effect"), toleration.effect, _EFFECTS))
    if toleration.toleration_seconds is not None and toleration.effect != "NoExecute":
        detail = "effect must be 'NoExecute' when `tolerationSeconds` is set"
        causes.append(f.invalid(f.child(path, "effect"), toleration.effect, detail))
    return causes


def _affinity(path: str, affinity: Affinity) -> Causes:
    causes: Causes = []
    node = affinity.node_affinity
    if node is not None:
        at = f.child(path, "nodeAffinity")
        required = node.required_during_scheduling_ignored_during_execution
        if required is not None:
            terms_path = f.child(
                at, "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
            )
            if not required.node_selector_terms:
                causes.append(f.required(terms_path, "must have at least one node selector term"))
            causes.extend(c.each(terms_path, required.node_selector_terms, _node_term))
        preferred = f.child(at, "preferredDuringSchedulingIgnoredDuringExecution")
        for i, term in enumerate(node.preferred_during_scheduling_ignored_during_execution):
            causes.extend(_weight(f.child(f.index(preferred, i), "weight"), term.weight))
            causes.extend(_node_term(f.child(f.index(preferred, i), "preference"), term.preference))
    for field, pod_affinity in (
        ("podAffinity", affinity.pod_affinity),
        ("podAntiAffinity", affinity.pod_anti_affinity),
    ):
        if pod_affinity is None:
            continue
        at = f.child(path, field)
        required_path = f.child(at, "requiredDuringSchedulingIgnoredDuringExecution")
        causes.extend(
            c.each(
                required_path,
                pod_affinity.required_during_scheduling_ignored_during_execution,
                _pod_term,
            )
        )
        preferred = f.child(at, "preferredDuringSchedulingIgnoredDuringExecution")
        for i, weighted in enumerate(
            pod_affinity.preferred_during_scheduling_ignored_during_execution
        ):
            causes.extend(_weight(f.child(f.index(preferred, i), "weight"), weighted.weight))
            causes.extend(
                _pod_term(
                    f.child(f.index(preferred, i), "podAffinityTerm"), weighted.pod_affinity_term
                )
            )
    return causes


def _weight(path: str, weight: int) -> Causes:
    if 1 <= weight <= 100:
        return []
    return [f.invalid(path, weight, "must be in the range 1-100")]


def _node_term(path: str, term: NodeSelectorTerm) -> Causes:
    causes: Causes = []
    for field, requirements in (
        ("matchExpressions", term.match_expressions),
        ("matchFields", term.match_fields),
    ):
        for i, req in enumerate(requirements):
            at = f.index(f.child(path, field), i)
            causes.extend(
                c.one_of(f.child(at, "operator"), req.operator, _NODE_OPERATORS, required=True)
            )
            if req.operator in ("In", "NotIn") and not req.values:
                causes.append(
                    f.required(
                        f.child(at, "values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    )
                )
            elif req.operator in ("Exists", "DoesNotExist") and req.values:
                causes.append(
                    f.forbidden(
                        f.child(at, "values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
            elif req.operator in ("Gt", "Lt") and (
                len(req.values) != 1 or not req.values[0].lstrip("-").isdigit()
            ):
                causes.append(
                    f.required(
                        f.child(at, "values"),
                        "must be specified single value when `operator` is 'Lt' or 'Gt'",
                    )
                )
            if field == "matchExpressions":
                causes.extend(c.qualified_names(f.child(at, "key"), [req.key]))
    return causes


def _pod_term(path: str, term: PodAffinityTerm) -> Causes:
    causes = c.label_selector(f.child(path, "labelSelector"), term.label_selector)
    causes.extend(c.label_selector(f.child(path, "namespaceSelector"), term.namespace_selector))
    if not term.topology_key:
        causes.append(f.required(f.child(path, "topologyKey"), "can not be empty"))
    else:
        causes.extend(c.qualified_names(f.child(path, "topologyKey"), [term.topology_key]))
    return causes


def _spread(path: str, spread: Spread) -> Causes:
    causes: Causes = []
    if spread.max_skew <= 0:
        causes.append(
            f.invalid(f.child(path, "maxSkew"), spread.max_skew, "must be greater than zero")
        )
    if not spread.topology_key:
        causes.append(f.required(f.child(path, "topologyKey"), "can not be empty"))
    policy = f.child(path, "whenUnsatisfiable")
    causes.extend(
        c.one_of(
            policy, spread.when_unsatisfiable, ("DoNotSchedule", "ScheduleAnyway"), required=True
        )
    )
    if spread.min_domains is not None:
        if spread.min_domains <= 0:
            causes.append(
                f.invalid(f.child(path, "minDomains"), spread.min_domains, "must be greater than 0")
            )
        elif spread.when_unsatisfiable != "DoNotSchedule":
            causes.append(
                f.invalid(
                    f.child(path, "minDomains"),
                    spread.min_domains,
                    "can only use minDomains if whenUnsatisfiable=DoNotSchedule",
                )
            )
    causes.extend(c.label_selector(f.child(path, "labelSelector"), spread.label_selector))
    return causes


_POD_UPDATE_RULE: Final = (
    "pod updates may not change fields other than `spec.containers[*].image`, "
    "`spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` "
    "(only additions to existing tolerations) or `spec.terminationGracePeriodSeconds`"
)


def _pod_update(new: PodSpec, old: PodSpec) -> Causes:
    """A Pod's spec is fixed once created, but for images, deadlines and new tolerations."""
    if new is old:
        # The stored spec itself (every status write: the status strategy puts it back):
        # each check below would compare it with itself, and none can fail.
        return []
    causes: Causes = []
    old_deadline, new_deadline = old.active_deadline_seconds, new.active_deadline_seconds
    if old_deadline is not None and (new_deadline is None or new_deadline > old_deadline):
        detail = "must be less than or equal to previous value"
        causes.append(f.invalid("spec.activeDeadlineSeconds", new_deadline, detail))
    missing = [t for t in old.tolerations if t not in new.tolerations]
    if missing:
        detail = "existing toleration can not be modified except its tolerationSeconds"
        causes.append(f.forbidden("spec.tolerations", detail))
    if _without_mutable(new, old) != old:
        causes.append(f.forbidden("spec", _POD_UPDATE_RULE))
    return causes


def _without_mutable(new: PodSpec, old: PodSpec) -> PodSpec:
    """``new`` with the fields that may change put back to ``old``'s values."""
    changes: dict[str, Any] = {
        "active_deadline_seconds": old.active_deadline_seconds,
        "tolerations": old.tolerations,
        "termination_grace_period_seconds": old.termination_grace_period_seconds,
    }
    for field, old_containers in (
        ("containers", old.containers),
        ("init_containers", old.init_containers),
    ):
        new_containers = getattr(new, field)
        if len(new_containers) == len(old_containers):
            changes[field] = tuple(
                evolve(n, image=o.image)
                for n, o in zip(new_containers, old_containers, strict=True)
            )
    return evolve(new, **changes)
