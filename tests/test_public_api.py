"""The public surface is on purpose: these tests pin what each public package exports."""

from __future__ import annotations

import kube_actors
import kube_actors.actors
import kube_actors.errors


def test_the_top_level_package_exports_the_cluster_the_client_the_errors_and_its_version() -> None:
    assert kube_actors.__all__ == ["Client", "Cluster", "__version__", "errors"]
    assert kube_actors.__version__.count(".") == 2


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
        "Request",
        "Subscription",
        "Supervision",
        "Timer",
        "Trace",
        "TraceRecord",
        "VirtualTimeEventLoop",
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
