"""Node sets for ``Cluster(nodes=...)``: NodeConfigs with capacity, labels and taints."""

from __future__ import annotations

from hypothesis import strategies as st

from kube_actors.api import Quantity
from kube_actors.kubelet import NodeConfig

from ._core import taints
from ._names import labels

__all__ = ["node_configs", "node_sets"]

ZONES = ("zone-a", "zone-b", "zone-c")


@st.composite
def node_configs(draw: st.DrawFn, name: str = "node-0", tainted: bool = True) -> NodeConfig:
    """One node: 1 to 8 cpus, 1 to 32 GiB, 10 to 110 pods, a zone label, maybe taints."""
    capacity = {
        "cpu": Quantity(str(draw(st.integers(1, 8)))),
        "memory": Quantity(f"{draw(st.integers(1, 32))}Gi"),
        "pods": Quantity(str(draw(st.integers(10, 110)))),
    }
    node_labels = {
        **draw(labels(max_size=2)),
        "topology.kubernetes.io/zone": draw(st.sampled_from(ZONES)),
    }
    node_taints = (
        draw(st.lists(taints(), max_size=1, unique_by=lambda t: (t.key, t.effect)))
        if tainted
        else []
    )
    return NodeConfig(name=name, capacity=capacity, labels=node_labels, taints=node_taints)


@st.composite
def node_sets(
    draw: st.DrawFn, min_size: int = 1, max_size: int = 5, untainted: int = 1
) -> list[NodeConfig]:
    """Nodes named ``node-0``, ``node-1``...; the first ``untainted`` carry no taint, so
    Pods that tolerate nothing still find somewhere to run."""
    count = draw(st.integers(min_size, max_size))
    return [draw(node_configs(name=f"node-{i}", tainted=i >= untainted)) for i in range(count)]
