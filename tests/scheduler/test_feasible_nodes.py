"""The feasible nodes PreScore is given: the NodeInfos at the feasible positions, in order,
listed only when a plugin reads them (``FeasibleNodes``)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kube_actors.scheduler import CycleState, Framework, PodInfo, Profile, ScheduleResult
from kube_actors.scheduler.framework import (
    SUCCESS,
    Handle,
    NodeInfo,
    PluginRef,
    Status,
)
from kube_actors.scheduler.framework._runtime import FeasibleNodes
from kube_actors.scheduler.plugins import in_tree_registry

from ._builders import node, pod, snapshot_of


class _Counted(Sequence[str]):
    """A list that counts the items read from it."""

    def __init__(self, items: list[str]) -> None:
        self.items = items
        self.reads = 0

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: Any) -> Any:
        self.reads += 1
        return self.items[index]


@given(
    size=st.integers(1, 40),
    data=st.data(),
)
def test_feasible_nodes_read_as_the_list_of_the_nodes_at_the_positions(
    size: int, data: st.DataObject
) -> None:
    items = [f"node-{i}" for i in range(size)]
    chosen = data.draw(st.lists(st.integers(0, size - 1), unique=True))
    positions = np.array(sorted(chosen), np.int64)
    listed = [items[p] for p in positions.tolist()]
    nodes = _Counted(items)
    feasible = FeasibleNodes(nodes, positions)  # type: ignore[arg-type]
    assert len(feasible) == len(listed)
    assert nodes.reads == 0  # nothing listed until a plugin reads them
    assert list(feasible) == listed
    for index in range(-len(listed), len(listed)):
        assert feasible[index] == listed[index]
    start = data.draw(st.integers(-size, size))
    stop = data.draw(st.integers(-size, size))
    assert feasible[start:stop] == listed[start:stop]
    assert nodes.reads == len(listed)  # listed once, whatever was read after


class _Seen:
    """PreScore: records the names of the nodes it is given; scores nothing."""

    name: ClassVar[str] = "Seen"
    seen: ClassVar[list[str]] = []

    @classmethod
    def new(cls, args: Any, handle: Handle) -> _Seen:
        return cls()

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        _Seen.seen = [n.name for n in nodes]
        return SUCCESS

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        return 0


def test_a_pre_score_plugin_is_given_the_feasible_nodes_in_the_order_scored() -> None:
    # 300 nodes, a third too small: the cycle stops at the adaptive share (at least 100)
    # from a start in the middle, so the feasible nodes are a rotated, gapped selection.
    nodes = [node(f"n-{i:03}", cpu="100m" if i % 3 == 0 else "4") for i in range(300)]
    fw = Framework(
        Profile(enabled=[PluginRef("Seen")]),
        in_tree_registry().merge({"Seen": _Seen.new}),
        snapshot=snapshot_of(nodes),
        rng=random.Random(0),
    )
    result = fw.schedule(CycleState(), PodInfo(pod("p", cpu="500m")), start=150)
    assert isinstance(result, ScheduleResult)
    scored = [fw.snapshot.nodes[p].name for p in result.positions.tolist()]
    assert 1 < len(scored) < 200
    assert _Seen.seen == scored
