"""Deployments, ReplicaSets, StatefulSets, DaemonSets and Jobs, valid by construction: each
selects its own template by ``app: <name>``, with strategies Kubernetes accepts."""

from __future__ import annotations

from hypothesis import strategies as st

from kube_actors.api import (
    DaemonSet,
    DaemonSetSpec,
    DaemonSetUpdateStrategy,
    Deployment,
    DeploymentSpec,
    DeploymentStrategy,
    IntOrString,
    Job,
    JobSpec,
    LabelSelector,
    ObjectMeta,
    PodTemplateSpec,
    ReplicaSet,
    ReplicaSetSpec,
    RollingUpdateDaemonSet,
    RollingUpdateDeployment,
    RollingUpdateStatefulSetStrategy,
    StatefulSet,
    StatefulSetSpec,
    StatefulSetUpdateStrategy,
)

from ._names import Knob, as_strategy, names
from ._pods import pod_specs, pod_templates

__all__ = ["daemon_sets", "deployments", "jobs", "replica_sets", "stateful_sets"]

# The knobs' defaults (strategies are immutable values, built once).
_REPLICAS = st.integers(0, 5)
_NAMES = names()
_POD_MANAGEMENT = st.sampled_from(["", "OrderedReady", "Parallel"])
_COMPLETIONS = st.none() | st.integers(1, 5)
_PARALLELISM = st.none() | st.integers(1, 3)

_counts_or_percents: st.SearchStrategy[IntOrString] = st.one_of(
    st.integers(0, 3), st.integers(0, 100).map(lambda p: f"{p}%")
)


@st.composite
def _surge_and_unavailable(draw: st.DrawFn) -> tuple[IntOrString, IntOrString]:
    """maxSurge and maxUnavailable, never both zero (Kubernetes refuses that)."""
    surge = draw(_counts_or_percents)
    unavailable = draw(_counts_or_percents)
    if surge in (0, "0%") and unavailable in (0, "0%"):
        unavailable = 1
    return surge, unavailable


@st.composite
def deployment_strategies(draw: st.DrawFn) -> DeploymentStrategy | None:
    kind = draw(st.sampled_from([None, "RollingUpdate", "Recreate"]))
    if kind is None:
        return None
    if kind == "Recreate":
        return DeploymentStrategy(type="Recreate")
    surge, unavailable = draw(_surge_and_unavailable())
    rolling = RollingUpdateDeployment(max_surge=surge, max_unavailable=unavailable)
    return DeploymentStrategy(type="RollingUpdate", rolling_update=rolling)


def _meta(name: str, namespace: str) -> ObjectMeta:
    return ObjectMeta(name=name, namespace=namespace, labels={"app": name})


def _selector(name: str) -> LabelSelector:
    return LabelSelector(match_labels={"app": name})


def _template(name: str, restart_policy: str = "Always") -> st.SearchStrategy[PodTemplateSpec]:
    return pod_templates(app=name, spec=pod_specs(restart_policy=restart_policy))


@st.composite
def _named(draw: st.DrawFn, name: Knob[str], namespace: Knob[str]) -> tuple[str, str]:
    return draw(as_strategy(name)), draw(as_strategy(namespace))


@st.composite
def deployments(
    draw: st.DrawFn,
    replicas: Knob[int | None] = _REPLICAS,
    name: Knob[str] = _NAMES,
    namespace: Knob[str] = "default",
    strategy: Knob[DeploymentStrategy | None] | None = None,
    paused: Knob[bool] = False,
) -> Deployment:
    n, ns = draw(_named(name, namespace))
    min_ready = draw(st.integers(0, 10))
    deadline = draw(st.none() | st.integers(min_ready + 1, 600))
    return Deployment(
        metadata=_meta(n, ns),
        spec=DeploymentSpec(
            replicas=draw(as_strategy(replicas)),
            selector=_selector(n),
            template=draw(_template(n)),
            strategy=draw(
                as_strategy(strategy) if strategy is not None else deployment_strategies()
            ),
            min_ready_seconds=min_ready,
            progress_deadline_seconds=deadline,
            revision_history_limit=draw(st.none() | st.integers(0, 10)),
            paused=draw(as_strategy(paused)),
        ),
    )


@st.composite
def replica_sets(
    draw: st.DrawFn,
    replicas: Knob[int | None] = _REPLICAS,
    name: Knob[str] = _NAMES,
    namespace: Knob[str] = "default",
) -> ReplicaSet:
    n, ns = draw(_named(name, namespace))
    return ReplicaSet(
        metadata=_meta(n, ns),
        spec=ReplicaSetSpec(
            replicas=draw(as_strategy(replicas)),
            selector=_selector(n),
            template=draw(_template(n)),
            min_ready_seconds=draw(st.integers(0, 10)),
        ),
    )


@st.composite
def stateful_sets(
    draw: st.DrawFn,
    replicas: Knob[int | None] = _REPLICAS,
    name: Knob[str] = _NAMES,
    namespace: Knob[str] = "default",
    pod_management_policy: Knob[str] = _POD_MANAGEMENT,
) -> StatefulSet:
    n, ns = draw(_named(name, namespace))
    strategy = None
    if draw(st.booleans()):
        partition = draw(st.none() | st.integers(0, 3))
        strategy = StatefulSetUpdateStrategy(
            type="RollingUpdate",
            rolling_update=RollingUpdateStatefulSetStrategy(partition=partition),
        )
    return StatefulSet(
        metadata=_meta(n, ns),
        spec=StatefulSetSpec(
            replicas=draw(as_strategy(replicas)),
            selector=_selector(n),
            service_name=n,
            template=draw(_template(n)),
            pod_management_policy=draw(as_strategy(pod_management_policy)),
            update_strategy=strategy,
        ),
    )


@st.composite
def daemon_sets(
    draw: st.DrawFn, name: Knob[str] = _NAMES, namespace: Knob[str] = "default"
) -> DaemonSet:
    n, ns = draw(_named(name, namespace))
    strategy = None
    kind = draw(st.sampled_from([None, "RollingUpdate", "OnDelete"]))
    if kind == "OnDelete":
        strategy = DaemonSetUpdateStrategy(type="OnDelete")
    elif kind == "RollingUpdate":
        surge, unavailable = draw(_surge_and_unavailable())
        rolling = RollingUpdateDaemonSet(max_surge=surge, max_unavailable=unavailable)
        strategy = DaemonSetUpdateStrategy(type="RollingUpdate", rolling_update=rolling)
    return DaemonSet(
        metadata=_meta(n, ns),
        spec=DaemonSetSpec(
            selector=_selector(n), template=draw(_template(n)), update_strategy=strategy
        ),
    )


@st.composite
def jobs(
    draw: st.DrawFn,
    completions: Knob[int | None] = _COMPLETIONS,
    parallelism: Knob[int | None] = _PARALLELISM,
    name: Knob[str] = _NAMES,
    namespace: Knob[str] = "default",
) -> Job:
    n, ns = draw(_named(name, namespace))
    count = draw(as_strategy(completions))
    mode = draw(st.sampled_from([None, "NonIndexed", "Indexed"] if count else [None]))
    policy = draw(st.sampled_from(["Never", "OnFailure"]))
    template = draw(pod_templates(app=n, spec=pod_specs(restart_policy=policy)))
    return Job(
        metadata=ObjectMeta(name=n, namespace=ns),
        spec=JobSpec(
            completions=count,
            parallelism=draw(as_strategy(parallelism)),
            backoff_limit=draw(st.none() | st.integers(0, 6)),
            completion_mode=mode,
            template=template,
        ),
    )
