"""A hypothesis state machine over a whole cluster: Deployments, StatefulSets, DaemonSets and
Jobs created, scaled, updated, paused, rolled back and deleted, while Pods are deleted and
nodes stop and join. After every step the cluster settles on virtual time and the invariants
of the workload controllers are checked; a watch checks the rollout bounds at every Pod
change in between.

How the machine owns its cluster. A cluster lives on one event loop and its task groups
belong to one task, while hypothesis calls the rules synchronously. ``kube_actors.actors.run``
per rule would start (and lose) a cluster each time; an anyio portal runs the loop on a
thread, where virtual time would race ahead through heartbeats while hypothesis chooses the
next rule. So each machine makes its own ``VirtualTimeEventLoop`` and one *owner* task that
enters ``Cluster(...)`` and runs what the rules send it; a rule hands it a coroutine and
runs the loop until that is done (``run_until_complete``). Between rules the loop does not
run: no simulated time passes, and a run is reproducible from the seed it prints.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import attrs
from hypothesis import note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from kube_actors import Cluster
from kube_actors.actors import VirtualTimeEventLoop
from kube_actors.api import (
    DaemonSet,
    Deployment,
    Job,
    Pod,
    ReplicaSet,
    StatefulSet,
    controller_of,
    get_condition,
    is_pod_active,
    is_pod_ready,
)
from kube_actors.client import ignore_not_found
from kube_actors.controllers.job import TRACKING_FINALIZER, is_job_finished
from kube_actors.errors import BadRequest, NotFound
from kube_actors.kubectl import rollback

from ._workloads import NS, daemonset, deployment, job, statefulset

R = TypeVar("R")

DEPLOYMENTS = ("web", "api")
IMAGES = ("nginx:1", "nginx:2", "nginx:3")
#: Simulated seconds each step may take to settle; a stopped node's Pods need 50 + 300 s.
STEP = 30.0
NODE_STEP = 400.0


@attrs.define
class DeploymentModel:
    replicas: int
    image: str
    paused: bool = False


class Owner:
    """A virtual-time loop and the one task that owns the cluster on it."""

    def __init__(self, seed: int) -> None:
        self.loop = VirtualTimeEventLoop()
        self.cluster: Cluster | None = None
        self._queue: asyncio.Queue[tuple[Callable[[], Awaitable[Any]], asyncio.Future[Any]]]
        ready = self.loop.create_future()
        self._task = self.loop.create_task(self._own(seed, ready))
        self.loop.run_until_complete(ready)

    async def _own(self, seed: int, ready: asyncio.Future[None]) -> None:
        self._queue = asyncio.Queue()
        async with Cluster(nodes=3, seed=seed) as cluster:
            self.cluster = cluster
            ready.set_result(None)
            while True:
                call, done = await self._queue.get()
                try:
                    result = await call()
                except Exception as error:
                    done.set_exception(error)
                    if isinstance(error, _Stop):
                        return
                else:
                    done.set_result(result)

    def run(self, call: Callable[[], Awaitable[R]]) -> R:
        done: asyncio.Future[R] = self.loop.create_future()
        self._queue.put_nowait((call, done))
        return self.loop.run_until_complete(done)

    def close(self) -> None:
        async def stop() -> None:
            raise _Stop

        if not self._task.done():
            with contextlib.suppress(_Stop):
                self.run(stop)
            self.loop.run_until_complete(self._task)
        self.loop.close()


class _Stop(Exception):
    pass


class Workloads(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.owner: Owner | None = None
        self.deployments: dict[str, DeploymentModel] = {}
        self.stateful: int | None = None  # replicas of StatefulSet "db"
        self.daemon = False
        self.jobs: dict[str, int] = {}  # name -> completions
        self.stopped: set[str] = set()
        self.violations: list[str] = []
        #: What a rollout may do during this step, by Deployment: (most live, fewest ready).
        self.bounds: dict[str, tuple[int, int]] = {}
        self.pods: dict[str, Pod] = {}
        #: Job name -> the UIDs of its Pods seen to end (succeed, fail or be deleted).
        self.ended: dict[str, set[str]] = {}
        self.gone_deployments: list[str] = []

    # ------------------------------------------------------------------ plumbing

    @property
    def cluster(self) -> Cluster:
        assert self.owner is not None
        assert self.owner.cluster is not None
        return self.owner.cluster

    def run(self, call: Callable[[], Awaitable[R]]) -> R:
        assert self.owner is not None
        return self.owner.run(call)

    def step(self, change: Callable[[], Awaitable[Any]], horizon: float = STEP) -> None:
        """Make ``change``, then let the cluster settle ``horizon`` simulated seconds."""

        async def go() -> None:
            await change()
            await self.cluster.settle(horizon=horizon)

        self.run(go)

    async def _watch(self) -> None:
        page = await self.cluster.client.list_page(Pod, namespace=NS)
        self.pods = {p.metadata.name: p for p in page.items}
        stream = await self.cluster.client.watch(
            Pod, namespace=NS, resource_version=page.resource_version
        )

        async def follow() -> None:
            async for event in stream:
                if event.obj is None:
                    continue
                name = event.obj.metadata.name
                self._record_end(event.obj, deleted=event.type == "DELETED")
                if event.type == "DELETED":
                    self.pods.pop(name, None)
                else:
                    if event.type == "ADDED":
                        self._check_ordered_start(event.obj)
                    self.pods[name] = event.obj
                self._check_rollout_bounds()

        asyncio.get_running_loop().create_task(follow())  # ends with the loop

    def _record_end(self, pod: Pod, *, deleted: bool) -> None:
        ref = controller_of(pod)
        if ref is None or ref.kind != "Job":
            return
        ended = deleted or pod.metadata.deletion_timestamp is not None
        if ended or pod.status.phase in ("Succeeded", "Failed"):
            self.ended.setdefault(ref.name, set()).add(pod.metadata.uid)

    def _check_rollout_bounds(self) -> None:
        for name, (most, fewest) in self.bounds.items():
            mine = [p for p in self.pods.values() if p.metadata.labels.get("app") == name]
            current = [p for p in mine if is_pod_active(p)]
            ready = [p for p in current if is_pod_ready(p)]
            if len(current) > most:
                self.violations.append(f"{name}: {len(current)} live Pods > {most}")
            if len(ready) < fewest:
                self.violations.append(f"{name}: {len(ready)} ready Pods < {fewest}")

    def _check_ordered_start(self, pod: Pod) -> None:
        if pod.metadata.labels.get("app") != "db":
            return
        index = _ordinal(pod)
        for lower in range(index):
            elder = self.pods.get(f"db-{lower}")
            if elder is None or not is_pod_ready(elder) or not is_pod_active(elder):
                self.violations.append(f"db-{index} created before db-{lower} was Ready")

    # ----------------------------------------------------------------- the rules

    @initialize(seed=st.integers(0, 2**32 - 1))
    def start(self, seed: int) -> None:
        note(f"Cluster(nodes=3, seed={seed})")
        print(f"Workloads state machine: Cluster(nodes=3, seed={seed})")
        self.owner = Owner(seed)
        self.run(self._watch)

    @rule(name=st.sampled_from(DEPLOYMENTS), replicas=st.integers(0, 4))
    def create_deployment(self, name: str, replicas: int) -> None:
        if name in self.deployments:
            return
        if name in self.gone_deployments:

            async def previous() -> Deployment | None:
                return await ignore_not_found(
                    self.cluster.client.get(Deployment, name, namespace=NS)
                )

            if self.run(previous) is not None:
                # A Foreground delete still waits for Pods stuck terminating on a stopped
                # node (as in Kubernetes): the name cannot be used again yet.
                return
        d = deployment(name, replicas, image=IMAGES[0], max_surge=1, max_unavailable=1)
        self.deployments[name] = DeploymentModel(replicas=replicas, image=IMAGES[0])
        self.step(lambda: self.cluster.client.create(d))

    @precondition(lambda self: bool(self.deployments))
    @rule(data=st.data(), replicas=st.integers(0, 5))
    def scale_deployment(self, data: st.DataObject, replicas: int) -> None:
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        model = self.deployments[name]
        # Scaling is no rollout: only the surge bound holds, around both sizes.
        self.bounds = {name: (max(model.replicas, replicas) + 1, 0)}
        model.replicas = replicas
        patch = {"spec": {"replicas": replicas}}
        self.step(lambda: self.cluster.client.patch(Deployment, name, patch, namespace=NS))

    @precondition(lambda self: bool(self.deployments))
    @rule(data=st.data(), image=st.sampled_from(IMAGES))
    def set_image(self, data: st.DataObject, image: str) -> None:
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        model = self.deployments[name]
        self.bounds = {name: (model.replicas + 1, max(0, model.replicas - 1))}
        model.image = image
        containers = [{"name": "app", "image": image}]
        patch = {"spec": {"template": {"spec": {"containers": containers}}}}
        self.step(
            lambda: self.cluster.client.patch(
                Deployment, name, patch, namespace=NS, patch_type="strategic"
            )
        )

    @precondition(lambda self: bool(self.deployments))
    @rule(data=st.data())
    def pause_or_resume(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        model = self.deployments[name]
        model.paused = not model.paused
        self.bounds = {name: (model.replicas + 1, max(0, model.replicas - 1))}
        patch = {"spec": {"paused": model.paused}}
        self.step(lambda: self.cluster.client.patch(Deployment, name, patch, namespace=NS))

    @precondition(lambda self: bool(self.deployments))
    @rule(data=st.data())
    def roll_back(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        model = self.deployments[name]
        self.bounds = {name: (model.replicas + 1, max(0, model.replicas - 1))}

        async def undo() -> None:
            try:
                restored = await rollback(self.cluster.client, name, NS)
            except (BadRequest, NotFound):  # paused, or no earlier revision
                return
            model.image = restored.spec.template.spec.containers[0].image

        self.step(undo)

    @precondition(lambda self: bool(self.deployments))
    @rule(data=st.data(), policy=st.sampled_from(["Background", "Foreground"]))
    def delete_deployment(self, data: st.DataObject, policy: Any) -> None:
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        del self.deployments[name]
        self.gone_deployments.append(name)
        self.step(
            lambda: self.cluster.client.delete(
                Deployment, name, namespace=NS, propagation_policy=policy
            )
        )

    @rule(replicas=st.integers(0, 4))
    def apply_stateful_set(self, replicas: int) -> None:
        first = self.stateful is None
        self.stateful = replicas
        if first:
            self.step(lambda: self.cluster.client.create(statefulset(replicas=replicas)))
        else:
            patch = {"spec": {"replicas": replicas}}
            self.step(lambda: self.cluster.client.patch(StatefulSet, "db", patch, namespace=NS))

    @precondition(lambda self: self.stateful is not None)
    @rule()
    def delete_stateful_set(self) -> None:
        self.stateful = None
        self.step(lambda: self.cluster.client.delete(StatefulSet, "db", namespace=NS))

    @rule()
    def toggle_daemon_set(self) -> None:
        self.daemon = not self.daemon
        if self.daemon:
            self.step(lambda: self.cluster.client.create(daemonset()))
        else:
            self.step(lambda: self.cluster.client.delete(DaemonSet, "agent", namespace=NS))

    @rule(
        completions=st.integers(1, 3),
        parallelism=st.integers(1, 2),
        exit_code=st.sampled_from(["0", "0", "1"]),
    )
    def run_job(self, completions: int, parallelism: int, exit_code: str) -> None:
        name = f"job-{len(self.jobs)}"
        self.jobs[name] = completions
        work = job(
            name,
            completions=completions,
            parallelism=parallelism,
            backoff_limit=2,
            script={"exit-after": "1s", "exit-code": exit_code},
        )
        self.step(lambda: self.cluster.client.create(work))

    @rule(data=st.data())
    def delete_a_pod(self, data: st.DataObject) -> None:
        names = sorted(n for n, p in self.pods.items() if is_pod_active(p))
        if not names:
            return
        name = data.draw(st.sampled_from(names))
        self.step(lambda: self.cluster.client.delete(Pod, name, namespace=NS))

    @precondition(lambda self: len(self.cluster.nodes) - len(self.stopped) > 2)
    @rule(data=st.data())
    def stop_a_node(self, data: st.DataObject) -> None:
        running = [n for n in self.cluster.nodes if n not in self.stopped and n != "control-plane"]
        node = data.draw(st.sampled_from(running))
        self.stopped.add(node)
        self.step(lambda: self.cluster.stop_node(node), horizon=NODE_STEP)

    @precondition(lambda self: bool(self.stopped))
    @rule(data=st.data())
    def start_a_node(self, data: st.DataObject) -> None:
        node = data.draw(st.sampled_from(sorted(self.stopped)))
        self.stopped.discard(node)
        self.step(lambda: self.cluster.start_node(node))

    @precondition(lambda self: len(self.cluster.nodes) < 6)
    @rule()
    def add_a_node(self) -> None:
        self.step(self.cluster.add_node)

    # ------------------------------------------------------------- the invariants

    @invariant()
    def invariants_hold(self) -> None:
        if self.owner is None:
            return
        self.bounds = {}
        violations, self.violations = self.violations, []
        assert violations == []
        self.run(self._check_settled)

    async def _check_settled(self) -> None:
        client = self.cluster.client
        pods = await client.list(Pod, namespace=NS)
        for pod in pods:
            controllers = [r for r in pod.metadata.owner_references if r.controller]
            assert len(controllers) <= 1, f"{pod.metadata.name} has {len(controllers)} controllers"
        live = [p for p in pods if is_pod_active(p)]
        by_app: dict[str, list[Pod]] = {}
        for pod in live:
            by_app.setdefault(pod.metadata.labels.get("app", ""), []).append(pod)
        # No Deployment's leftovers survive its deletion.
        sets = await client.list(ReplicaSet, namespace=NS)
        for name in self.gone_deployments:
            stuck = any(
                p.metadata.labels.get("app") == name and p.spec.node_name in self.stopped
                for p in pods
            )
            # A Pod terminating on a dead node never goes (as in Kubernetes), and a
            # Foreground delete waits for it.
            if name not in self.deployments and not stuck:
                assert by_app.get(name, []) == [], f"Pods of deleted Deployment {name} live on"
                assert [
                    rs.metadata.name for rs in sets if rs.metadata.labels.get("app") == name
                ] == []
        await self._check_deployments(by_app)
        await self._check_stateful_set(pods)
        self._check_daemon_set(by_app.get("agent", []))
        await self._check_jobs(pods)

    async def _check_deployments(self, by_app: dict[str, list[Pod]]) -> None:
        for name, model in self.deployments.items():
            d = await self.cluster.client.get(Deployment, name, namespace=NS)
            mine = by_app.get(name, [])
            assert len(mine) == model.replicas, f"{name}: {len(mine)} live Pods, want {model}"
            status = d.status
            assert status.observed_generation == d.metadata.generation
            assert status.replicas == model.replicas
            assert status.available_replicas == model.replicas, f"{name}: {status}"
            if not model.paused:
                images = {p.spec.containers[0].image for p in mine}
                assert images <= {model.image}, f"{name}: images {images}, want {model.image}"
                assert status.updated_replicas == model.replicas
                available = get_condition(d.status.conditions, "Available")
                assert available is not None
                assert available.status == "True"

    async def _check_stateful_set(self, pods: list[Pod]) -> None:
        mine = [p for p in pods if p.metadata.labels.get("app") == "db"]
        if self.stateful is None:
            assert [p for p in mine if is_pod_active(p)] == []
            return
        if any(p.spec.node_name in self.stopped for p in mine):
            return  # a Pod stuck on a dead node holds the rest back, as in Kubernetes
        ordinals = sorted(_ordinal(p) for p in mine)
        assert ordinals == list(range(self.stateful)), f"db Pods {ordinals}, want a prefix"
        assert all(is_pod_ready(p) for p in mine)

    def _check_daemon_set(self, mine: list[Pod]) -> None:
        if not self.daemon:
            assert mine == []
            return
        nodes = [p.spec.node_name for p in mine]
        assert len(nodes) == len(set(nodes)), f"two daemon Pods on a node: {nodes}"
        running = set(self.cluster.nodes) - self.stopped
        assert running <= set(nodes), f"nodes without a daemon Pod: {running - set(nodes)}"

    async def _check_jobs(self, pods: list[Pod]) -> None:
        for name, completions in self.jobs.items():
            j = await self.cluster.client.get(Job, name, namespace=NS)
            assert j.status.succeeded <= completions
            complete = get_condition(j.status.conditions, "Complete")
            if complete is not None and complete.status == "True":
                assert j.status.succeeded == completions
            assert (j.spec.parallelism or 1) >= j.status.active
            # Tracking with finalizers: every Pod that ended is counted once, deleted or not,
            # and only the Pods still running keep the finalizer.
            uncounted = j.status.uncounted_terminated_pods
            assert uncounted is None or (uncounted.succeeded, uncounted.failed) == ((), ())
            ended = self.ended.get(name, set())
            assert j.status.succeeded + j.status.failed == len(ended), f"{name}: {j.status}"
            finished = is_job_finished(j)
            for pod in pods:
                ref = controller_of(pod)
                if ref is not None and ref.kind == "Job" and ref.name == name:
                    assert ref.uid == j.metadata.uid
                    tracked = TRACKING_FINALIZER in pod.metadata.finalizers
                    assert tracked == (is_pod_active(pod) and not finished), pod.metadata.name

    def teardown(self) -> None:
        if self.owner is not None:
            self.owner.close()


def _ordinal(pod: Pod) -> int:
    return int(pod.metadata.name.rsplit("-", 1)[1])


TestWorkloads = Workloads.TestCase
TestWorkloads.settings = settings(max_examples=20, stateful_step_count=20, deadline=None)
