"""Helpers the controllers and the scheduler share."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kube_actors.api import (
    Container,
    Deployment,
    ObjectMeta,
    Pod,
    PodCondition,
    PodSpec,
    PodStatus,
    Quantity,
    ResourceRequirements,
    controller_of,
    get_condition,
    is_pod_available,
    is_pod_ready,
    namespaced_name,
    owner_reference,
    pod_limits,
    pod_requests,
    remove_condition,
    set_condition,
)
from kube_actors.api._pod_helpers import _summed

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _container(name: str, **requests: str) -> Container:
    return Container(name=name, image="x", resources=ResourceRequirements(requests=requests))


def test_namespaced_name_is_namespace_slash_name() -> None:
    assert namespaced_name(Pod(metadata=ObjectMeta(name="p", namespace="ns"))) == "ns/p"


def test_controller_of_finds_the_controlling_owner() -> None:
    deployment = Deployment(metadata=ObjectMeta(name="d", uid="u1"))
    pod = Pod(metadata=ObjectMeta(name="p", owner_references=[owner_reference(deployment)]))
    ref = controller_of(pod)
    assert ref is not None
    assert (ref.kind, ref.name, ref.uid, ref.api_version) == ("Deployment", "d", "u1", "apps/v1")
    assert controller_of(Pod()) is None


def test_set_condition_keeps_the_transition_time_when_status_is_unchanged() -> None:
    ready = PodCondition(type="Ready", status="True", last_transition_time=T0)
    later = PodCondition(type="Ready", status="True", last_transition_time=T0 + dt.timedelta(1))
    conditions = set_condition((ready,), later)
    assert conditions == (ready,)
    flipped = PodCondition(type="Ready", status="False", last_transition_time=T0 + dt.timedelta(1))
    assert set_condition(conditions, flipped) == (flipped,)
    scheduled = PodCondition(type="PodScheduled", status="True")
    assert get_condition(set_condition(conditions, scheduled), "PodScheduled") == scheduled
    assert remove_condition(conditions, "Ready") == ()


def test_pod_readiness_and_availability() -> None:
    ready = PodCondition(type="Ready", status="True", last_transition_time=T0)
    pod = Pod(status=PodStatus(conditions=[ready]))
    assert is_pod_ready(pod)
    assert not is_pod_ready(Pod())
    assert not is_pod_available(pod, 10, T0 + dt.timedelta(seconds=9))
    assert is_pod_available(pod, 10, T0 + dt.timedelta(seconds=10))


def test_pod_requests_take_the_larger_of_containers_and_init_containers() -> None:
    pod = Pod(
        spec=PodSpec(
            containers=[_container("a", cpu="100m", memory="64Mi"), _container("b", cpu="200m")],
            init_containers=[_container("i", cpu="500m", memory="32Mi")],
            overhead={"cpu": "10m"},
        )
    )
    requests = pod_requests(pod)
    assert requests["cpu"] == Quantity("510m")
    assert requests["memory"] == Quantity("64Mi")


_AMOUNTS = st.sampled_from(["0", "1", "100m", "1500m", "64Mi", "1Gi", "2"])
_REQUESTS = st.dictionaries(
    st.sampled_from(["cpu", "memory", "ephemeral-storage", "example.com/gpu"]), _AMOUNTS
)


@given(
    containers=st.lists(_REQUESTS, min_size=0, max_size=3),
    init=st.lists(_REQUESTS, max_size=2),
    overhead=_REQUESTS,
    limits=st.booleans(),
)
def test_a_pods_effective_amounts_are_the_general_rules_whatever_the_shape(
    containers: list[dict[str, str]],
    init: list[dict[str, str]],
    overhead: dict[str, str],
    limits: bool,
) -> None:
    # One container and nothing else takes a shortcut (its own amounts): the same mapping
    # the general rule (summed, peaked, overhead added) gives.
    which = "limits" if limits else "requests"

    def container(name: str, amounts: dict[str, str]) -> Container:
        resources = ResourceRequirements(**{which: amounts})
        return Container(name=name, image="x", resources=resources)

    pod = Pod(
        spec=PodSpec(
            containers=[container(f"c{i}", a) for i, a in enumerate(containers)],
            init_containers=[container(f"i{i}", a) for i, a in enumerate(init)],
            overhead=overhead,
        )
    )
    effective = pod_limits(pod) if limits else pod_requests(pod)
    assert dict(effective) == dict(_summed(pod, which))
    assert list(effective) == list(_summed(pod, which))


def test_one_containers_requests_are_the_pods() -> None:
    pod = Pod(spec=PodSpec(containers=[_container("a", cpu="100m", memory="64Mi")]))
    assert dict(pod_requests(pod)) == {"cpu": Quantity("100m"), "memory": Quantity("64Mi")}


def test_sidecars_add_to_everything_after_them() -> None:
    sidecar = Container(
        name="s",
        image="x",
        restart_policy="Always",
        resources=ResourceRequirements(requests={"cpu": "50m"}),
    )
    pod = Pod(
        spec=PodSpec(
            init_containers=[sidecar, _container("i", cpu="300m")],
            containers=[_container("a", cpu="100m")],
        )
    )
    assert pod_requests(pod)["cpu"] == Quantity("350m")
