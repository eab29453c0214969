"""The vectorised plugins decide exactly as the per-node reference does, score for score,
on generated clusters, pod after pod."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors.api import (
    Affinity,
    ContainerImage,
    LabelSelector,
    LabelSelectorRequirement,
    Node,
    NodeAffinity,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    Pod,
    PodAffinity,
    PodAffinityTerm,
    PodAntiAffinity,
    PreferredSchedulingTerm,
    Taint,
    Toleration,
    TopologySpreadConstraint,
    WeightedPodAffinityTerm,
)
from kube_actors.scheduler import CycleState, FitError, Framework, PodInfo, ScheduleResult

from ._builders import HOSTNAME, ZONE, framework, node, pod, snapshot_of

ZONES = ["a", "b", "c"]
APPS = ["web", "db", "cache"]
TAINTS = [
    Taint(key="dedicated", value="gpu", effect="NoSchedule"),
    Taint(key="spot", value="", effect="PreferNoSchedule"),
    Taint(key="flaky", value="yes", effect="PreferNoSchedule"),
    Taint(key="evict", value="", effect="NoExecute"),
]
TOLERATIONS = [
    Toleration(key="dedicated", operator="Equal", value="gpu", effect="NoSchedule"),
    Toleration(key="spot", operator="Exists"),
    Toleration(operator="Exists", effect="PreferNoSchedule"),
    Toleration(key="evict", operator="Exists", effect="NoExecute"),
]

app_selector = st.builds(
    lambda app, op: (
        LabelSelector(
            match_expressions=[LabelSelectorRequirement(key="app", operator=op, values=[app])]
        )
        if op != "labels"
        else LabelSelector(match_labels={"app": app})
    ),
    st.sampled_from(APPS),
    st.sampled_from(["labels", "In", "NotIn"]),
)
topology = st.sampled_from([ZONE, HOSTNAME, "rack"])
pod_term = st.builds(
    lambda sel, key: PodAffinityTerm(label_selector=sel, topology_key=key), app_selector, topology
)
weighted_term = st.builds(
    lambda term, w: WeightedPodAffinityTerm(weight=w, pod_affinity_term=term),
    pod_term,
    st.integers(1, 100),
)
node_requirement = st.one_of(
    st.builds(
        lambda op, zones: NodeSelectorRequirement(key=ZONE, operator=op, values=zones),
        st.sampled_from(["In", "NotIn"]),
        st.lists(st.sampled_from(ZONES), min_size=1, max_size=2),
    ),
    st.builds(
        lambda op: NodeSelectorRequirement(key="rack", operator=op),
        st.sampled_from(["Exists", "DoesNotExist"]),
    ),
    st.builds(
        lambda op, bound: NodeSelectorRequirement(key="rank", operator=op, values=[str(bound)]),
        st.sampled_from(["Gt", "Lt"]),
        st.integers(0, 10),
    ),
)
node_term = st.builds(
    lambda reqs: NodeSelectorTerm(match_expressions=reqs), st.lists(node_requirement, max_size=2)
)
spread = st.builds(
    lambda skew, key, when, sel, min_domains, taints: TopologySpreadConstraint(
        max_skew=skew,
        topology_key=key,
        when_unsatisfiable=when,
        label_selector=sel,
        min_domains=min_domains if when == "DoNotSchedule" else None,
        node_taints_policy=taints,
    ),
    st.integers(1, 3),
    topology,
    st.sampled_from(["DoNotSchedule", "ScheduleAnyway"]),
    app_selector,
    st.none() | st.integers(1, 5),
    st.sampled_from(["", "Honor"]),
)


@st.composite
def affinity(draw: st.DrawFn) -> Affinity | None:
    if draw(st.integers(0, 3)) == 0:
        return None
    required = draw(st.none() | st.lists(node_term, min_size=1, max_size=2))
    preferred = draw(
        st.lists(
            st.builds(
                lambda w, t: PreferredSchedulingTerm(weight=w, preference=t),
                st.integers(1, 100),
                node_term,
            ),
            max_size=2,
        )
    )
    return Affinity(
        node_affinity=NodeAffinity(
            required_during_scheduling_ignored_during_execution=(
                NodeSelector(node_selector_terms=required) if required is not None else None
            ),
            preferred_during_scheduling_ignored_during_execution=preferred,
        ),
        pod_affinity=PodAffinity(
            required_during_scheduling_ignored_during_execution=draw(
                st.lists(pod_term, max_size=1)
            ),
            preferred_during_scheduling_ignored_during_execution=draw(
                st.lists(weighted_term, max_size=2)
            ),
        ),
        pod_anti_affinity=PodAntiAffinity(
            required_during_scheduling_ignored_during_execution=draw(
                st.lists(pod_term, max_size=1)
            ),
            preferred_during_scheduling_ignored_during_execution=draw(
                st.lists(weighted_term, max_size=2)
            ),
        ),
    )


@st.composite
def a_node(draw: st.DrawFn, i: int) -> Node:
    labels = {}
    if draw(st.integers(0, 5)):
        labels[ZONE] = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):
        labels["rack"] = draw(st.sampled_from(["r1", "r2"]))
    if draw(st.booleans()):
        labels["rank"] = str(draw(st.integers(0, 10)))
    return node(
        f"n{i}",
        cpu=draw(st.sampled_from(["1", "2", "4"])),
        memory=draw(st.sampled_from(["2Gi", "4Gi", "8Gi"])),
        pods=draw(st.integers(2, 12)),
        labels=labels,
        taints=draw(st.lists(st.sampled_from(TAINTS), max_size=2, unique=True)),
        unschedulable=draw(st.integers(0, 9)) == 0,
        images=[ContainerImage(names=["nginx:1.27"], size_bytes=draw(st.integers(0, 900)) * 2**20)]
        if draw(st.booleans())
        else [],
    )


@st.composite
def a_pod(draw: st.DrawFn, name: str) -> Pod:
    zones = draw(st.sampled_from([None, {ZONE: "a"}, {"rack": "r1"}]))
    return pod(
        name,
        namespace=draw(st.sampled_from(["default", "other"])),
        cpu=draw(st.sampled_from([None, "100m", "500m", "1500m"])),
        memory=draw(st.sampled_from([None, "256Mi", "1Gi"])),
        labels={"app": draw(st.sampled_from(APPS))},
        node_selector=zones,
        affinity=draw(affinity()),
        tolerations=draw(st.lists(st.sampled_from(TOLERATIONS), max_size=2, unique=True)),
        spread=draw(st.lists(spread, max_size=2)),
        host_ports=draw(st.lists(st.sampled_from([80, 443]), max_size=1)),
        image=draw(st.sampled_from(["nginx:1.27", "nginx", "busybox"])),
    )


@st.composite
def clusters(draw: st.DrawFn) -> tuple[list[Node], list[Pod]]:
    nodes = [draw(a_node(i)) for i in range(draw(st.integers(1, 12)))]
    pods = [draw(a_pod(f"p{i}")) for i in range(draw(st.integers(1, 14)))]
    return nodes, pods


def _decide(fw: Framework, incoming: PodInfo, start: int) -> ScheduleResult | FitError:
    result = fw.schedule(CycleState(), incoming, start)
    assert isinstance(result, ScheduleResult | FitError), result
    return result


def _shares(fw: Framework, result: ScheduleResult) -> dict[str, list[int]]:
    return {
        name: share.tolist() for name, share in result.plugin_scores.items() if bool(np.any(share))
    }


@settings(max_examples=120)
@given(clusters(), st.integers(0, 2**32 - 1), st.sampled_from([None, 50, 100]))
def test_vectorised_plugins_decide_as_the_reference_does(
    cluster: tuple[list[Node], list[Pod]], seed: int, percentage: int | None
) -> None:
    nodes, pods = cluster
    fast_snapshot, slow_snapshot = snapshot_of(nodes), snapshot_of(nodes)
    fast, slow = (
        framework(fast_snapshot, seed=seed),
        framework(slow_snapshot, vectorized=False, seed=seed),
    )
    fast.percentage_of_nodes_to_score = slow.percentage_of_nodes_to_score = percentage
    start = random.Random(seed).randrange(len(nodes))
    for incoming in pods:
        a, b = _decide(fast, PodInfo(incoming), start), _decide(slow, PodInfo(incoming), start)
        if isinstance(b, FitError):
            assert isinstance(a, FitError)
            assert a.message == b.message
            continue
        assert isinstance(a, ScheduleResult), a.message
        assert a.positions.tolist() == b.positions.tolist()
        assert a.evaluated == b.evaluated
        assert _shares(fast, a) == _shares(slow, b)
        assert a.totals.tolist() == b.totals.tolist()
        assert a.node.name == b.node.name
        fast_snapshot.add_pod(PodInfo(incoming), a.node.name)
        slow_snapshot.add_pod(PodInfo(incoming), b.node.name)
        start = (start + a.evaluated) % len(nodes)
