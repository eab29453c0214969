"""The reconciliation state machine: a Deployment scenario holds, and a user's ReplicaSet
controller that forgets to delete is caught and shrunk to the two steps that show it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import pytest
from hypothesis import Phase, settings
from hypothesis.reporting import with_reporter
from hypothesis.stateful import run_state_machine_as_test

from kube_actors import Cluster
from kube_actors.api import ReplicaSet
from kube_actors.controllers import BUILTIN_CONTROLLERS
from kube_actors.kubelet import NodeConfig
from kube_actors.reconcile import ControllerSpec
from kube_actors.testing import ClusterStateMachine

from ._replica_sets import naive_replica_sets

# The explain phase re-runs a failure under coverage tracing, which costs a whole cluster
# far more than the search and the shrinking together.
FAST = settings(
    max_examples=4,
    stateful_step_count=8,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[phase for phase in Phase if phase is not Phase.explain],
)


class Deployments(ClusterStateMachine):
    """Kubernetes' own controllers, Deployments created, scaled, re-imaged and deleted among
    node and Pod faults."""


def test_deployments_converge_through_scaling_rollouts_and_faults() -> None:
    run_state_machine_as_test(
        Deployments, settings=settings(FAST, max_examples=10, stateful_step_count=10)
    )


class UserReplicaSets(ClusterStateMachine):
    """ReplicaSets run by the user's controller instead of Kubernetes' own."""

    builtin_controllers: ClassVar[Sequence[str] | None] = [
        name for name in BUILTIN_CONTROLLERS if name not in ("replicaset", "deployment")
    ]
    workload_kinds: ClassVar[Sequence[type[Any]]] = (ReplicaSet,)
    nodes: ClassVar[int | Sequence[NodeConfig]] = 1
    max_replicas: ClassVar[int] = 2
    images: ClassVar[Sequence[str]] = ("nginx:1", "nginx:2")
    step_seconds: ClassVar[float] = 10.0
    faults: ClassVar[bool] = False
    check_status: ClassVar[bool] = False  # the user's controller writes no status
    deletes_extra: ClassVar[bool] = True

    def controllers(self, cluster: Cluster) -> Iterable[ControllerSpec]:
        return [naive_replica_sets(cluster.client, deletes_extra=self.deletes_extra)]


class ForgetfulReplicaSets(UserReplicaSets):
    deletes_extra: ClassVar[bool] = False


def test_a_correct_user_controller_passes() -> None:
    run_state_machine_as_test(UserReplicaSets, settings=FAST)


def test_a_controller_that_never_scales_down_is_caught_and_shrunk() -> None:
    report: list[str] = []
    with (
        with_reporter(lambda line: report.append(str(line))),
        pytest.raises(AssertionError) as caught,
    ):
        run_state_machine_as_test(
            ForgetfulReplicaSets,
            settings=settings(FAST, max_examples=30, stateful_step_count=10),
        )
    assert "spec.replicas is" in str(caught.value)
    assert "ReplicaSet default/replicaset-" in str(caught.value)
    steps = _steps(report + getattr(caught.value, "__notes__", []))
    # Created with some Pods, then scaled below that: nothing shorter shows the bug.
    assert [s.split("(")[0].split("= ")[-1] for s in steps] == [
        "state.start_cluster",
        "state.create_workload",
        "state.scale_workload",
    ], steps


def _steps(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    return [
        line.strip()
        for line in text.splitlines()
        if "state." in line and "teardown" not in line and "invariants_hold" not in line
    ]
