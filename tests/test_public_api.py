"""The public surface is on purpose: these tests pin what each public package exports."""

from __future__ import annotations

import inspect

import kube_actors
import kube_actors.actors
import kube_actors.client
import kube_actors.errors
import kube_actors.reconcile
from kube_actors import Cluster, SyncCluster

from .typed_usage import user_code


def test_the_top_level_package_exports_the_cluster_the_client_the_errors_and_its_version() -> None:
    assert kube_actors.__all__ == [
        "ApplyResult",
        "Client",
        "Cluster",
        "Fault",
        "Faults",
        "SyncCluster",
        "__version__",
        "errors",
    ]
    assert kube_actors.__version__.count(".") == 2
    for name in kube_actors.__all__:
        assert getattr(kube_actors, name) is not None


def test_the_cluster_offers_kubectls_verbs_and_fault_injection() -> None:
    verbs = {
        "apply",
        "wait_for",
        "settle",
        "scale",
        "set_image",
        "rollout_status",
        "rollout_undo",
        "describe",
        "events",
        "logs",
        "expose",
        "resolve",
        "add_controller",
        "add_node",
        "stop_node",
        "start_node",
        "kill_container",
        "crash",
        "restart_control_plane",
    }
    for verb in verbs:
        assert inspect.iscoroutinefunction(getattr(Cluster, verb)), verb
    for plain in ("partition_node", "heal_node", "client_for", "sync"):
        assert callable(getattr(Cluster, plain)), plain
    assert issubclass(SyncCluster, object)


def test_the_client_and_the_controller_contract_export_exactly_their_public_names() -> None:
    assert kube_actors.client.__all__ == sorted(kube_actors.client.__all__, key=_export_order)
    assert {"Client", "Reader", "Writer", "StatusWriter", "SharedInformer"} <= set(
        kube_actors.client.__all__
    )
    assert {
        "ControllerSpec",
        "Reconciler",
        "Request",
        "Result",
        "TerminalError",
        "WorkQueue",
    } <= set(kube_actors.reconcile.__all__)
    for package in (kube_actors.client, kube_actors.reconcile):
        for name in package.__all__:
            assert getattr(package, name) is not None


def _export_order(name: str) -> tuple[bool, bool, str]:
    # ruff's sort of __all__: CONSTANTS, then Classes, then functions.
    return (not name.isupper(), not name[:1].isupper(), name)


def test_the_typed_users_code_runs_as_written() -> None:
    assert user_code.main() == [
        "deployment.apps/web created",
        "web: 2 available",
        "rolled out in True",
        "NotFound",
    ]
    user_code.script()


def test_the_actor_runtime_exports_exactly_its_public_names() -> None:
    assert kube_actors.actors.__all__ == [
        "BATCH",
        "DEFAULT_EPOCH",
        "EXTERNAL",
        "Actor",
        "ActorRef",
        "ActorStatistics",
        "ActorSystem",
        "Broadcast",
        "ClockKind",
        "Lagged",
        "Later",
        "Request",
        "RestartListener",
        "Subscription",
        "Supervision",
        "Timer",
        "Trace",
        "TraceRecord",
        "VirtualTimeEventLoop",
        "caused_by",
        "current_cause",
        "is_virtual_time",
        "monotonic",
        "run",
        "wall_clock",
    ]
    for name in kube_actors.actors.__all__:
        assert getattr(kube_actors.actors, name) is not None


def test_every_error_derives_from_the_one_root() -> None:
    for name in kube_actors.errors.__all__:
        error = getattr(kube_actors.errors, name)
        if isinstance(error, type) and issubclass(error, BaseException):
            assert issubclass(error, kube_actors.errors.KubeActorsError), name
