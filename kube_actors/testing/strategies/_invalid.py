"""Invalid variants: a valid object with one field broken, paired with the field path
Kubernetes' ``Invalid`` error names (``spec.containers[0].image``), to test validation.

Each strategy draws a valid object and one of several breakages of its kind; a test
creates the object and expects ``errors.Invalid`` with a cause at ``variant.field``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import attrs
from hypothesis import strategies as st

from kube_actors.api import (
    ContainerPort,
    DeploymentStrategy,
    Node,
    NodeSpec,
    Pod,
    RollingUpdateDeployment,
    Taint,
)

from ._core import namespaces, nodes, services
from ._pods import pods
from ._workloads import deployments, jobs, replica_sets, stateful_sets

__all__ = [
    "InvalidVariant",
    "invalid_deployments",
    "invalid_jobs",
    "invalid_namespaces",
    "invalid_nodes",
    "invalid_pods",
    "invalid_replica_sets",
    "invalid_services",
    "invalid_stateful_sets",
]


class InvalidVariant(NamedTuple):
    """An object the apiserver must refuse, and the field its error names."""

    obj: Any
    field: str


Breakage = Callable[[Any], InvalidVariant]


def _evolve(obj: Any, path: str, **changes: Any) -> Any:
    """``obj`` with ``changes`` made on the attribute at ``path`` (dotted, e.g. "spec")."""
    if not path:
        return attrs.evolve(obj, **changes)
    head, _, rest = path.partition(".")
    return attrs.evolve(obj, **{head: _evolve(getattr(obj, head), rest, **changes)})


def _bad_name(obj: Any) -> InvalidVariant:
    return InvalidVariant(_evolve(obj, "metadata", name="Not_A_Name"), "metadata.name")


def _bad_label(obj: Any) -> InvalidVariant:
    labels = {**obj.metadata.labels, "bad key!": "x"}
    return InvalidVariant(_evolve(obj, "metadata", labels=labels), "metadata.labels")


def _variants(
    objects: st.SearchStrategy[Any], *breakages: Breakage
) -> st.SearchStrategy[InvalidVariant]:
    return st.tuples(objects, st.sampled_from(breakages)).map(lambda pair: pair[1](pair[0]))


# ------------------------------------------------------------------------------ pods


def _container_change(path: str, index: int = 0, **changes: Any) -> Callable[[Any], Any]:
    """Changes the first container of the pod spec at ``path`` ("spec" or "spec.template.spec")."""

    def change(obj: Any) -> Any:
        spec = obj
        for part in path.split("."):
            spec = getattr(spec, part)
        containers = list(spec.containers)
        containers[index] = attrs.evolve(containers[index], **changes)
        return _evolve(obj, path, containers=containers)

    return change


def _pod_breakages(spec: str) -> tuple[Breakage, ...]:
    at = spec + "."

    def no_image(obj: Any) -> InvalidVariant:
        return InvalidVariant(_container_change(spec, image="")(obj), at + "containers[0].image")

    def bad_container_name(obj: Any) -> InvalidVariant:
        return InvalidVariant(
            _container_change(spec, name="Bad_Name")(obj), at + "containers[0].name"
        )

    def duplicate_container(obj: Any) -> InvalidVariant:
        inner = obj
        for part in spec.split("."):
            inner = getattr(inner, part)
        first = inner.containers[0]
        broken = _evolve(obj, spec, containers=[first, first])
        return InvalidVariant(broken, at + "containers[1].name")

    def port_out_of_range(obj: Any) -> InvalidVariant:
        ports = [ContainerPort(container_port=70000)]
        return InvalidVariant(
            _container_change(spec, ports=ports)(obj), at + "containers[0].ports[0].containerPort"
        )

    def negative_grace(obj: Any) -> InvalidVariant:
        return InvalidVariant(
            _evolve(obj, spec, termination_grace_period_seconds=-1),
            at + "terminationGracePeriodSeconds",
        )

    return (no_image, bad_container_name, duplicate_container, port_out_of_range, negative_grace)


def _unknown_restart_policy(obj: Pod) -> InvalidVariant:
    return InvalidVariant(_evolve(obj, "spec", restart_policy="Sometimes"), "spec.restartPolicy")


def invalid_pods() -> st.SearchStrategy[InvalidVariant]:
    return _variants(
        pods(), _bad_name, _bad_label, _unknown_restart_policy, *_pod_breakages("spec")
    )


# ------------------------------------------------------------------------- workloads


def _negative_replicas(obj: Any) -> InvalidVariant:
    return InvalidVariant(_evolve(obj, "spec", replicas=-1), "spec.replicas")


def _selector_misses_template(obj: Any) -> InvalidVariant:
    template = obj.spec.template
    metadata = attrs.evolve(template.metadata, labels={"app": "someone-else"})
    broken = _evolve(obj, "spec", template=attrs.evolve(template, metadata=metadata))
    return InvalidVariant(broken, "spec.template.metadata.labels")


def _never_restarts(obj: Any) -> InvalidVariant:
    broken = _evolve(obj, "spec.template.spec", restart_policy="Never")
    return InvalidVariant(broken, "spec.template.spec.restartPolicy")


def _no_surge_nor_unavailable(obj: Any) -> InvalidVariant:
    rolling = RollingUpdateDeployment(max_surge=0, max_unavailable=0)
    strategy = DeploymentStrategy(type="RollingUpdate", rolling_update=rolling)
    return InvalidVariant(
        _evolve(obj, "spec", strategy=strategy), "spec.strategy.rollingUpdate.maxUnavailable"
    )


_TEMPLATE = _pod_breakages("spec.template.spec")


def invalid_deployments() -> st.SearchStrategy[InvalidVariant]:
    return _variants(
        deployments(),
        _bad_name,
        _negative_replicas,
        _selector_misses_template,
        _never_restarts,
        _no_surge_nor_unavailable,
        *_TEMPLATE,
    )


def invalid_replica_sets() -> st.SearchStrategy[InvalidVariant]:
    return _variants(
        replica_sets(), _bad_name, _negative_replicas, _selector_misses_template, *_TEMPLATE
    )


def _unknown_pod_management(obj: Any) -> InvalidVariant:
    broken = _evolve(obj, "spec", pod_management_policy="Randomly")
    return InvalidVariant(broken, "spec.podManagementPolicy")


def invalid_stateful_sets() -> st.SearchStrategy[InvalidVariant]:
    return _variants(
        stateful_sets(), _negative_replicas, _unknown_pod_management, _never_restarts, *_TEMPLATE
    )


def _always_restarts(obj: Any) -> InvalidVariant:
    broken = _evolve(obj, "spec.template.spec", restart_policy="Always")
    return InvalidVariant(broken, "spec.template.spec.restartPolicy")


def _negative_parallelism(obj: Any) -> InvalidVariant:
    return InvalidVariant(_evolve(obj, "spec", parallelism=-1), "spec.parallelism")


def invalid_jobs() -> st.SearchStrategy[InvalidVariant]:
    return _variants(jobs(), _always_restarts, _negative_parallelism, *_TEMPLATE)


# ------------------------------------------------------------------------------ core


def _unknown_service_type(obj: Any) -> InvalidVariant:
    return InvalidVariant(_evolve(obj, "spec", type="Fancy"), "spec.type")


def _port_zero(obj: Any) -> InvalidVariant:
    ports = list(obj.spec.ports)
    ports[0] = attrs.evolve(ports[0], port=0)
    return InvalidVariant(_evolve(obj, "spec", ports=ports), "spec.ports[0].port")


def _bad_cluster_ip(obj: Any) -> InvalidVariant:
    return InvalidVariant(_evolve(obj, "spec", cluster_ip="10.0.0.300"), "spec.clusterIP")


def _no_ports(obj: Any) -> InvalidVariant:
    return InvalidVariant(_evolve(obj, "spec", ports=[]), "spec.ports")


def invalid_services() -> st.SearchStrategy[InvalidVariant]:
    return _variants(
        services(), _bad_name, _unknown_service_type, _port_zero, _bad_cluster_ip, _no_ports
    )


def invalid_namespaces() -> st.SearchStrategy[InvalidVariant]:
    def dotted_name(obj: Any) -> InvalidVariant:  # a label, not a subdomain
        return InvalidVariant(_evolve(obj, "metadata", name="has.dots"), "metadata.name")

    return _variants(namespaces(), _bad_name, _bad_label, dotted_name)


def invalid_nodes() -> st.SearchStrategy[InvalidVariant]:
    def taint_without_effect(obj: Node) -> InvalidVariant:
        spec = NodeSpec(taints=[Taint(key="dedicated", value="x", effect="")])
        return InvalidVariant(attrs.evolve(obj, spec=spec), "spec.taints[0].effect")

    def taint_without_key(obj: Node) -> InvalidVariant:
        spec = NodeSpec(taints=[Taint(key="", effect="NoSchedule")])
        return InvalidVariant(attrs.evolve(obj, spec=spec), "spec.taints[0].key")

    return _variants(nodes(), _bad_name, taint_without_effect, taint_without_key)
