"""The controller runner: informers feed the queue, workers reconcile, outcomes requeue."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from structlog.testing import capture_logs

from kube_actors.actors import ActorRef, monotonic
from kube_actors.api import Namespace, ObjectMeta, OwnerReference, Pod, ReplicaSet
from kube_actors.client import Client
from kube_actors.errors import NotFound
from kube_actors.reconcile import (
    ControllerSpec,
    ControllerStatistics,
    Enqueue,
    GetControllerStatistics,
    Request,
    Result,
    TerminalError,
    reconcile_log,
    spawn_controller,
)
from kube_actors.testing import pod
from tests.client._harness import Harness, namespace, running_apiserver


class KeepLabel:
    """Keeps ``managed=yes`` on every Namespace."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.seen: list[tuple[float, Request]] = []

    async def reconcile(self, request: Request) -> Result:
        self.seen.append((monotonic(), request))
        try:
            ns = await self.client.get(Namespace, request.name)
        except NotFound:
            return Result()
        if ns.metadata.labels.get("managed") != "yes":
            await self.client.patch(
                Namespace, request.name, {"metadata": {"labels": {"managed": "yes"}}}
            )
        return Result()


class Scripted:
    """Answers each reconcile with the next outcome of a script (a Result or an exception)."""

    def __init__(self, *outcomes: Result | Exception) -> None:
        self.outcomes = list(outcomes)
        self.seen: list[tuple[float, Request]] = []

    async def reconcile(self, request: Request) -> Result:
        self.seen.append((monotonic(), request))
        reconcile_log().info("reconciling")
        outcome = self.outcomes.pop(0) if self.outcomes else Result()
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


async def _run(h: Harness, spec: ControllerSpec) -> ActorRef:
    return await spawn_controller(h.system, spec, h.informers)


async def _stats(controller: ActorRef) -> ControllerStatistics:
    return await controller.ask(GetControllerStatistics())


async def test_a_controller_keeps_a_label_on_every_namespace() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("before"))
        reconciler = KeepLabel(h.client)
        await _run(h, ControllerSpec(for_=Namespace, reconciler=reconciler, workers=2))
        await h.client.create(namespace("after"))
        await h.system.settle()
        labels = {ns.metadata.name: ns.metadata.labels for ns in await h.client.list(Namespace)}
        assert labels == {"after": {"managed": "yes"}, "before": {"managed": "yes"}}
        await h.client.patch(Namespace, "before", {"metadata": {"labels": {"managed": None}}})
        await h.system.settle()
        assert (await h.client.get(Namespace, "before")).metadata.labels == {"managed": "yes"}


async def test_a_failing_reconcile_is_retried_after_5_10_and_20_ms() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("shop"))
        reconciler = Scripted(RuntimeError("1"), RuntimeError("2"), RuntimeError("3"))
        controller = await _run(h, ControllerSpec(for_=Namespace, reconciler=reconciler))
        await h.system.settle(horizon=1)
        times = [t for t, _ in reconciler.seen]
        assert len(times) == 4
        assert times[1:] == [times[0] + 0.005, times[0] + 0.005 + 0.01, times[2] + 0.02]
        stats = await _stats(controller)
        assert (stats.reconciles, stats.errors, stats.queue.retries) == (4, 3, 3)


async def test_success_resets_the_back_off() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("shop"))
        reconciler = Scripted(RuntimeError("1"), RuntimeError("2"), Result(), RuntimeError("4"))
        controller = await _run(h, ControllerSpec(for_=Namespace, reconciler=reconciler))
        await h.system.settle(horizon=1)
        assert len(reconciler.seen) == 3
        await controller.tell(Enqueue(Request("", "shop")))
        await h.system.settle(horizon=1)
        times = [t for t, _ in reconciler.seen]
        assert times[4] == times[3] + 0.005, "the retry after a success starts at 5 ms again"


async def test_a_terminal_error_is_logged_and_not_retried() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("shop"))
        reconciler = Scripted(TerminalError("the spec can never work"))
        with capture_logs() as logs:
            controller = await _run(h, ControllerSpec(for_=Namespace, reconciler=reconciler))
            await h.system.settle(horizon=3600)
        assert len(reconciler.seen) == 1
        errors = [e for e in logs if e["log_level"] == "error"]
        assert [(e["event"], e["controller"], e["request"]) for e in errors] == [
            ("reconcile_terminal_error", "namespace", "shop")
        ]
        assert (await _stats(controller)).terminal_errors == 1


async def test_requeue_after_reconciles_again_after_exactly_that_delay() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("shop"))
        reconciler = Scripted(Result(requeue_after=30), Result())
        await _run(h, ControllerSpec(for_=Namespace, reconciler=reconciler))
        await h.system.settle()
        assert len(reconciler.seen) == 1, "settle() does not wait for a requeue 30 s away"
        await h.system.settle(horizon=60)
        first, second = (t for t, _ in reconciler.seen)
        assert second == first + 30


async def test_requeue_asks_for_a_rate_limited_retry() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("shop"))
        reconciler = Scripted(Result(requeue=True), Result(requeue=True), Result())
        await _run(h, ControllerSpec(for_=Namespace, reconciler=reconciler))
        await h.system.settle(horizon=1)
        times = [t for t, _ in reconciler.seen]
        assert times[1:] == [times[0] + 0.005, times[1] + 0.01]


async def test_each_reconcile_logs_with_the_controller_and_the_request() -> None:
    async with running_apiserver() as h:
        await h.client.create(Pod(metadata=ObjectMeta(name="web-0", namespace="shop")))
        reconciler = Scripted(RuntimeError("boom"))
        with capture_logs() as logs:
            await _run(h, ControllerSpec(for_=Pod, reconciler=reconciler, name="pods"))
            await h.system.settle(horizon=1)
        events = [(e["event"], e.get("controller"), e.get("request")) for e in logs]
        assert ("reconciling", "pods", "shop/web-0") in events
        assert ("reconcile_failed", "pods", "shop/web-0") in events


def _owned_pod(name: str, owner: str, *, controller: bool = True, kind: str = "ReplicaSet") -> Pod:
    ref = OwnerReference(
        api_version="apps/v1", kind=kind, name=owner, uid=f"{owner}-uid", controller=controller
    )
    return pod(name, namespace="shop", owner_references=[ref])


async def test_an_owned_object_enqueues_its_controller_owner() -> None:
    async with running_apiserver() as h:
        reconciler = Scripted()
        spec = ControllerSpec(for_=ReplicaSet, owns=[Pod], reconciler=reconciler)
        await _run(h, spec)
        await h.client.create(_owned_pod("a", "web"))
        await h.client.create(_owned_pod("b", "other", controller=False))
        await h.client.create(_owned_pod("c", "other", kind="StatefulSet"))
        await h.system.settle()
        assert [r for _, r in reconciler.seen] == [Request("shop", "web")]


async def test_a_watched_kind_enqueues_what_its_map_function_returns() -> None:
    def every_namespace_named_in_label(obj: Any) -> Iterable[Request]:
        target = obj.metadata.labels.get("notify")
        return [Request("", target)] if target else []

    async with running_apiserver() as h:
        reconciler = Scripted()
        spec = ControllerSpec(
            for_=Namespace,
            watches=[(Pod, every_namespace_named_in_label)],
            reconciler=reconciler,
        )
        await _run(h, spec)
        await h.client.create(pod("a", namespace="shop", labels={"notify": "ops"}))
        await h.client.create(pod("b", namespace="shop"))
        await h.system.settle()
        assert [r for _, r in reconciler.seen] == [Request("", "ops")]


async def test_a_stopped_controller_leaves_the_shared_informer_without_its_handler() -> None:
    async with running_apiserver() as h:
        controller = await _run(h, ControllerSpec(for_=Namespace, reconciler=Scripted()))
        await h.system.settle()
        informer = h.informers.informer(Namespace)
        assert informer.statistics().handlers == 1
        await controller.stop()
        assert informer.statistics().handlers == 0
        assert "informers/namespaces" in h.system, "the informer outlives the controller"


async def test_two_controllers_of_one_kind_share_one_watch() -> None:
    async with running_apiserver() as h:
        first, second = Scripted(), Scripted()
        await _run(h, ControllerSpec(for_=Namespace, reconciler=first, name="first"))
        await _run(h, ControllerSpec(for_=Namespace, reconciler=second, name="second"))
        await h.client.create(namespace("shop"))
        await h.system.settle()
        assert [r for _, r in first.seen] == [r for _, r in second.seen] == [Request("", "shop")]
        assert h.informers.informer(Namespace).statistics().watches == 1


async def test_many_changes_to_one_object_while_it_is_reconciled_cause_one_more_reconcile() -> None:
    async with running_apiserver() as h:
        await h.client.create(namespace("shop"))

        class Slow:
            calls = 0

            async def reconcile(self, request: Request) -> Result:
                Slow.calls += 1
                if Slow.calls == 1:
                    for value in range(5):  # five changes while this reconcile runs
                        await h.client.patch(
                            Namespace, "shop", {"metadata": {"labels": {"v": str(value)}}}
                        )
                return Result()

        controller = await _run(h, ControllerSpec(for_=Namespace, reconciler=Slow(), workers=3))
        await h.system.settle()
        assert Slow.calls == 2
        stats = await _stats(controller)
        assert attrs.asdict(stats.queue) | {"adds": 0} == {
            "depth": 0,
            "processing": 0,
            "waiting": 0,
            "idle_workers": 3,
            "adds": 0,
            "retries": 0,
            "shutting_down": False,
        }


async def test_a_restarted_controller_reconciles_every_cached_object_again() -> None:
    async with running_apiserver() as h:
        for name in ["a", "b"]:
            await h.client.create(namespace(name))
        reconciler = Scripted()
        controller = await _run(h, ControllerSpec(for_=Namespace, reconciler=reconciler))
        await h.system.settle()
        with capture_logs() as logs:
            await controller.tell("not a message it knows")  # it crashes, and restarts
            await h.system.settle(horizon=1)
        assert "actor_restarting" in [e["event"] for e in logs]
        assert [r.name for _, r in reconciler.seen] == ["a", "b", "a", "b"]
        assert h.informers.informer(Namespace).statistics().handlers == 1
        assert (await _stats(controller)).reconciles == 2, "a fresh incarnation counts anew"
