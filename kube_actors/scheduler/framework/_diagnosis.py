"""``FitError``: why a pod fits nowhere, worded as Kubernetes words it.

``0/3 nodes are available: 1 node(s) had untolerated taint
{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.`` — each reason counted over
the nodes, the counts sorted as strings, then what PostFilter (preemption) had to say
(``FitError.Error`` in framework/types.go).
"""

from __future__ import annotations

from collections import Counter

import attrs

from ._interfaces import NodeToStatus

__all__ = ["FitError", "fit_message"]


@attrs.define
class FitError:
    """No node fits: the count of nodes, each node's status, and the PostFilter message."""

    num_all_nodes: int
    statuses: NodeToStatus = attrs.field(factory=dict)
    pre_filter_message: str = ""
    post_filter_message: str = ""

    @property
    def unschedulable_plugins(self) -> frozenset[str]:
        return frozenset(s.plugin for s in self.statuses.values() if s.is_rejected and s.plugin)

    @property
    def message(self) -> str:
        return fit_message(
            self.num_all_nodes, self.statuses, self.pre_filter_message, self.post_filter_message
        )

    def __str__(self) -> str:
        return self.message


def fit_message(
    num_all_nodes: int,
    statuses: NodeToStatus,
    pre_filter_message: str = "",
    post_filter_message: str = "",
) -> str:
    message = f"0/{num_all_nodes} nodes are available:"
    if pre_filter_message:
        message += f" {pre_filter_message}."
    else:
        histogram: Counter[str] = Counter()
        for status in statuses.values():
            histogram.update(status.reasons)
        reasons = sorted(f"{count} {reason}" for reason, count in histogram.items())
        if reasons:
            message += f" {', '.join(reasons)}."
    if post_filter_message:
        message += f" {post_filter_message}"
    return message
