"""Every extension point of the framework is called, PreEnqueue gates pods in the queue, and a
plugin that declares an extension point without its method is refused when the profile is
built (Kubernetes' ``var _ framework.FilterPlugin = &NodeName{}``, checked at run time)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest

from kube_actors import Cluster
from kube_actors.api import PersistentVolumeClaimVolumeSource, Pod, Volume
from kube_actors.scheduler import PodInfo, Profile, SchedulerSettings, Snapshot, in_tree_registry
from kube_actors.scheduler._queue import SchedulingQueue
from kube_actors.scheduler.framework import (
    EXTENSION_POINTS,
    SUCCESS,
    BatchFilterPlugin,
    BatchScorePlugin,
    BindPlugin,
    CycleState,
    EnqueueExtensions,
    FilterPlugin,
    Framework,
    Handle,
    NodeInfo,
    NodeToStatus,
    NormalizeScorePlugin,
    PermitPlugin,
    PluginRef,
    PostBindPlugin,
    PostFilterPlugin,
    PostFilterResult,
    PreBindPlugin,
    PreEnqueuePlugin,
    PreFilterPlugin,
    PreScorePlugin,
    QueuedPodInfo,
    QueueSortPlugin,
    ReservePlugin,
    Status,
)
from kube_actors.scheduler.plugins import PrioritySort

from ._builders import node, pod

GATE = "example.com/gated"


class Recorder(
    PreEnqueuePlugin,
    QueueSortPlugin,
    EnqueueExtensions,
    PreFilterPlugin,
    FilterPlugin,
    PostFilterPlugin,
    PreScorePlugin,
    NormalizeScorePlugin,
    ReservePlugin,
    PermitPlugin,
    PreBindPlugin,
    BindPlugin,
    PostBindPlugin,
):
    """One plugin at every per-node extension point; it notes each call. It gates pods that
    carry ``GATE``, rejects every node on its first Filter attempt, fails its first PreBind
    (so that Unreserve runs) and leaves binding to DefaultBinder."""

    name: ClassVar[str] = "Recorder"
    calls: ClassVar[list[str]] = []
    first_filter: ClassVar[bool] = True
    first_pre_bind: ClassVar[bool] = True

    @classmethod
    def new(cls, args: Any, handle: Handle) -> Recorder:
        return cls()

    def pre_enqueue(self, pod: PodInfo) -> Status:
        self.calls.append("pre_enqueue")
        return Status.unschedulable("gated") if GATE in pod.labels else SUCCESS

    def less(self, a: QueuedPodInfo, b: QueuedPodInfo) -> bool:
        self.calls.append("less")
        return PrioritySort().less(a, b)

    def sort_key(self, pod: QueuedPodInfo) -> Any:
        self.calls.append("sort_key")
        return PrioritySort().sort_key(pod)

    def events_to_register(self) -> frozenset[str]:
        self.calls.append("events_to_register")
        return frozenset({"NodeAdd"})

    def pre_filter(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> Status:
        self.calls.append("pre_filter")
        return SUCCESS

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        self.calls.append("filter")
        return Status.unschedulable("not yet") if Recorder.first_filter else SUCCESS

    async def post_filter(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        self.calls.append("post_filter")
        Recorder.first_filter = False
        return None, Status.unschedulable("nothing to preempt")

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status:
        self.calls.append("pre_score")
        return SUCCESS

    def normalize_scores(self, state: CycleState, pod: PodInfo, scores: Any) -> Any:
        self.calls.append("normalize_scores")
        return scores

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        self.calls.append("score")
        return 0

    def reserve(self, state: CycleState, pod: PodInfo, node_name: str) -> Status:
        self.calls.append("reserve")
        return SUCCESS

    def unreserve(self, state: CycleState, pod: PodInfo, node_name: str) -> None:
        self.calls.append("unreserve")

    def permit(self, state: CycleState, pod: PodInfo, node_name: str) -> tuple[Status, float]:
        self.calls.append("permit")
        return SUCCESS, 0.0

    async def pre_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status:
        self.calls.append("pre_bind")
        if Recorder.first_pre_bind:
            Recorder.first_pre_bind = False
            return Status.error("volume not ready")
        return SUCCESS

    async def bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status:
        self.calls.append("bind")
        return Status.skip()

    def post_bind(self, state: CycleState, pod: PodInfo, node_name: str) -> None:
        self.calls.append("post_bind")


class BatchRecorder(BatchFilterPlugin, BatchScorePlugin):
    """The vectorised twins, which the runtime calls instead of the per-node methods."""

    name: ClassVar[str] = "BatchRecorder"

    @classmethod
    def new(cls, args: Any, handle: Handle) -> BatchRecorder:
        return cls()

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        Recorder.calls.append("filter")
        return SUCCESS

    def filter_nodes(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> Any:
        Recorder.calls.append("filter_nodes")
        return np.ones(len(snapshot), np.bool_)

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int:
        Recorder.calls.append("score")
        return 0

    def score_nodes(self, state: CycleState, pod: PodInfo, snapshot: Snapshot, nodes: Any) -> Any:
        Recorder.calls.append("score_nodes")
        return np.zeros(len(nodes), np.int64)


def _settings() -> SchedulerSettings:
    profile = Profile(
        disabled=["*"],
        enabled=[PluginRef("Recorder"), PluginRef("BatchRecorder"), PluginRef("DefaultBinder")],
    )
    return SchedulerSettings(
        profiles=[profile],
        out_of_tree={"Recorder": Recorder.new, "BatchRecorder": BatchRecorder.new},
    )


async def _get(cluster: Cluster, name: str) -> Pod:
    return await cluster.client.get(Pod, name, namespace="default")


async def test_every_extension_point_is_called_by_the_runtime_or_the_queue() -> None:
    Recorder.calls, Recorder.first_filter, Recorder.first_pre_bind = [], True, True
    async with Cluster(scheduler=_settings(), controllers=(), seed=1) as cluster:
        await cluster.client.create(node("n"))
        await cluster.client.create(pod("p", labels={GATE: "yes"}))
        await cluster.settle(horizon=30)
        # Gated: PreEnqueue said no, so the pod was never attempted.
        assert "pre_enqueue" in Recorder.calls
        assert "pre_filter" not in Recorder.calls
        assert not (await _get(cluster, "p")).spec.node_name

        gated = await _get(cluster, "p")
        labels = {k: v for k, v in gated.metadata.labels.items() if k != GATE}
        await cluster.client.update(
            attrs.evolve(gated, metadata=attrs.evolve(gated.metadata, labels=labels))
        )
        await cluster.settle(horizon=30)
        assert "post_filter" in Recorder.calls  # every node rejected: PostFilter ran
        await cluster.client.create(node("m"))  # NodeAdd, which Recorder registered
        await cluster.settle(horizon=30)
        assert (await _get(cluster, "p")).spec.node_name

    called = set(Recorder.calls)
    for point in EXTENSION_POINTS:
        methods = {m for m in vars(point) if callable(vars(point)[m]) and not m.startswith("_")}
        assert methods & called, f"{point.__name__} was never called"
    assert {"unreserve", "post_bind"} <= called


def test_a_gated_pod_is_asked_again_only_when_it_changes() -> None:
    asked: list[str] = []

    def gate(info: PodInfo) -> Status:
        asked.append(info.key)
        return Status.unschedulable("gated").with_plugin("Gate") if GATE in info.labels else SUCCESS

    queue = SchedulingQueue(PrioritySort().sort_key, pre_enqueue=gate)
    queue.add(PodInfo(pod("p", labels={GATE: "yes"})), 0.0)
    assert queue.pop() is None
    assert queue.counts() == (0, 0, 1)
    queue.move_all("NodeAdd", 1.0)  # Gate registered no events: the pod stays gated
    assert queue.counts() == (0, 0, 1)
    queue.add(PodInfo(pod("p")), 2.0)  # the gate removed: it goes straight to activeQ
    queued = queue.pop()
    assert queued is not None
    assert queued.pod_info.key == "default/p"
    assert asked == ["default/p", "default/p"]


def test_a_plugin_that_declares_an_extension_point_without_its_method_is_refused() -> None:
    class Misspelled(PreFilterPlugin, FilterPlugin):
        name: ClassVar[str] = "Misspelled"

        def pre_filter(self, state: CycleState, pod: PodInfo, snapshot: Snapshot) -> Status:
            return SUCCESS

        def filer(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
            return SUCCESS

    registry = in_tree_registry().merge({"Misspelled": lambda args, handle: Misspelled()})  # type: ignore[abstract]
    profile = Profile(enabled=[PluginRef("Misspelled")])
    with pytest.raises(
        TypeError, match=r"'Misspelled' declares FilterPlugin but does not implement filter\(\)"
    ):
        Framework(profile, registry, snapshot=Snapshot())


class _Binds:
    """Bind: answers what it is told to."""

    name: ClassVar[str] = "Binds"
    answer: ClassVar[Status] = SUCCESS

    @classmethod
    def new(cls, args: Any, handle: Handle) -> _Binds:
        return cls()

    async def bind(self, state: CycleState, pod: PodInfo, node_name: str) -> Status:
        return _Binds.answer


async def test_bind_names_the_plugin_of_a_failure_and_passes_a_success_as_it_came() -> None:
    # Kubernetes' RunBindPlugins returns a plugin's success as is (WithPlugin only on the
    # failure paths), so the binding cycle does not build a status per bound pod.
    profile = Profile(disabled=["DefaultBinder"], enabled=[PluginRef("Binds")])
    fw = Framework(profile, in_tree_registry().merge({"Binds": _Binds.new}), snapshot=Snapshot())
    info = PodInfo(pod("p"))
    _Binds.answer = SUCCESS
    assert await fw.run_bind(CycleState(), info, "n") is SUCCESS
    _Binds.answer = Status.error("apiserver said no")
    failed = await fw.run_bind(CycleState(), info, "n")
    assert (failed.is_success, failed.plugin, failed.message) == (
        False,
        "Binds",
        "apiserver said no",
    )


async def test_pre_bind_pre_flights_skip_only_when_no_pre_bind_plugin_has_work() -> None:
    # Kubernetes' RunPreBindPreFlights: Skip when every PreBind plugin says Skip
    # (VolumeBinding for a pod without claims), Success when one has work or cannot say.
    claimed = attrs.evolve(
        pod("claims"),
        spec=attrs.evolve(
            pod("claims").spec,
            volumes=(
                Volume(
                    name="data",
                    persistent_volume_claim=PersistentVolumeClaimVolumeSource(claim_name="data"),
                ),
            ),
        ),
    )
    async with Cluster(scheduler=False, controllers=(), seed=1) as cluster:
        fw = Framework(Profile(), in_tree_registry(), snapshot=Snapshot(), client=cluster.client)
        plain = fw.run_pre_bind_pre_flights(CycleState(), PodInfo(pod("p")), "n")
        assert plain.is_skip
        assert fw.run_pre_bind_pre_flights(CycleState(), PodInfo(claimed), "n").is_success
    settings = _settings()
    registry = in_tree_registry().merge(settings.out_of_tree)
    recording = Framework(settings.profiles[0], registry, snapshot=Snapshot())
    assert recording.run_pre_bind_pre_flights(CycleState(), PodInfo(pod("p")), "n").is_success
