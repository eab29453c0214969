"""Pods, pod templates and their parts, valid by construction."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from kube_actors.api import (
    Container,
    ContainerPort,
    ExecAction,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
    Probe,
    Quantity,
    ResourceRequirements,
    Toleration,
)

from ._names import Knob, as_strategy, dns_labels, label_keys, label_values, labels, names

_DNS_LABELS = dns_labels()

__all__ = [
    "containers",
    "pod_specs",
    "pod_templates",
    "pods",
    "quantities",
    "resource_requirements",
    "tolerations",
]

IMAGES: Sequence[str] = ("nginx:1.25", "busybox:1.36", "registry.k8s.io/pause:3.9", "redis")

# The knobs' defaults (strategies are immutable values, built once).
_IMAGES = st.sampled_from(IMAGES)
_RESTART_POLICIES = st.sampled_from(["Always", "OnFailure", "Never"])
_NODE_SELECTORS = labels(max_size=1)
_NAMES = names()


#: The suffixes a Quantity is written with: none, milli, decimal SI, binary SI, an exponent.
_QUANTITY_SUFFIXES = ("", "m", "k", "M", "G", "T", "Ki", "Mi", "Gi", "Ti", "e3", "E2")


def quantities(*, max_value: int = 10**6) -> st.SearchStrategy[Quantity]:
    """Quantities as people write them (``250m``, ``64Mi``, ``2``, ``1e3``...), every suffix
    Kubernetes accepts, from 0 to ``max_value`` of that unit."""
    return st.builds(
        lambda number, suffix: Quantity(f"{number}{suffix}"),
        st.integers(min_value=0, max_value=max_value),
        st.sampled_from(_QUANTITY_SUFFIXES),
    )


@st.composite
def resource_requirements(draw: st.DrawFn) -> ResourceRequirements:
    """Small cpu and memory requests, and limits no lower than them (or none)."""
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    if draw(st.booleans()):
        cpu = draw(st.integers(1, 500))
        requests["cpu"] = Quantity(f"{cpu}m")
        if draw(st.booleans()):
            limits["cpu"] = Quantity(f"{cpu + draw(st.integers(0, 500))}m")
    if draw(st.booleans()):
        memory = draw(st.integers(1, 256))
        requests["memory"] = Quantity(f"{memory}Mi")
        if draw(st.booleans()):
            limits["memory"] = Quantity(f"{memory + draw(st.integers(0, 256))}Mi")
    return ResourceRequirements(requests=requests, limits=limits)


_probes = st.builds(
    Probe,
    exec=st.just(ExecAction(command=["true"])),
    period_seconds=st.none() | st.integers(1, 30),
    failure_threshold=st.none() | st.integers(1, 5),
)


def containers(
    name: Knob[str] = _DNS_LABELS, image: Knob[str] = _IMAGES
) -> st.SearchStrategy[Container]:
    return st.builds(
        Container,
        name=as_strategy(name),
        image=as_strategy(image),
        ports=st.lists(st.integers(1, 65535), max_size=2, unique=True).map(
            lambda ports: [ContainerPort(container_port=p) for p in ports]
        ),
        resources=resource_requirements(),
        readiness_probe=st.none() | _probes,
    )


@st.composite
def tolerations(draw: st.DrawFn) -> Toleration:
    effect = draw(st.sampled_from(["", "NoSchedule", "PreferNoSchedule", "NoExecute"]))
    seconds = draw(st.none() | st.integers(0, 300)) if effect == "NoExecute" else None
    if draw(st.booleans()):
        return Toleration(
            key=draw(label_keys()), operator="Exists", effect=effect, toleration_seconds=seconds
        )
    return Toleration(
        key=draw(label_keys()),
        operator="Equal",
        value=draw(label_values()),
        effect=effect,
        toleration_seconds=seconds,
    )


def pod_specs(
    restart_policy: Knob[str] = _RESTART_POLICIES,
    node_selector: Knob[dict[str, str]] = _NODE_SELECTORS,
    max_containers: int = 2,
) -> st.SearchStrategy[PodSpec]:
    """Specs the scheduler places anywhere it finds room (no node name; tolerations and a
    node selector only when drawn)."""
    return st.builds(
        PodSpec,
        containers=st.lists(
            containers(), min_size=1, max_size=max_containers, unique_by=lambda c: c.name
        ),
        restart_policy=as_strategy(restart_policy),
        node_selector=as_strategy(node_selector),
        tolerations=st.lists(tolerations(), max_size=2),
        termination_grace_period_seconds=st.none() | st.integers(0, 60),
    )


def pod_templates(
    app: Knob[str] = _DNS_LABELS, spec: Knob[PodSpec] | None = None
) -> st.SearchStrategy[PodTemplateSpec]:
    """Templates labelled ``app: <app>`` (what a workload's selector matches)."""
    spec_strategy = as_strategy(spec) if spec is not None else pod_specs(restart_policy="Always")
    return st.builds(
        lambda a, more, s: PodTemplateSpec(metadata=ObjectMeta(labels={**more, "app": a}), spec=s),
        as_strategy(app),
        labels(max_size=2),
        spec_strategy,
    )


def pods(
    name: Knob[str] = _NAMES,
    namespace: Knob[str] = "default",
    spec: Knob[PodSpec] | None = None,
) -> st.SearchStrategy[Pod]:
    return st.builds(
        lambda n, ns, lbls, s: Pod(metadata=ObjectMeta(name=n, namespace=ns, labels=lbls), spec=s),
        as_strategy(name),
        as_strategy(namespace),
        labels(),
        as_strategy(spec) if spec is not None else pod_specs(),
    )
