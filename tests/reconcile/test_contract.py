"""The controller contract's values."""

from __future__ import annotations

import pytest

import kube_actors.reconcile
from kube_actors.api import Namespace, ObjectMeta, Pod
from kube_actors.errors import KubeActorsError
from kube_actors.reconcile import Request, Result, TerminalError


def test_a_request_names_namespace_slash_name_or_just_the_name() -> None:
    assert str(Request("default", "web")) == "default/web"
    assert str(Request("", "kube-system")) == "kube-system"


def test_a_request_for_an_object_takes_its_namespace_and_name() -> None:
    pod = Pod(metadata=ObjectMeta(name="web-0", namespace="shop"))
    assert Request.for_object(pod) == Request("shop", "web-0")
    assert Request.for_object(Namespace(metadata=ObjectMeta(name="shop"))) == Request("", "shop")


def test_requests_are_equal_and_hash_alike_by_value() -> None:
    assert {Request("a", "b"), Request("a", "b")} == {Request("a", "b")}
    assert Request(namespace="a", name="b").name == "b"


def test_the_default_result_asks_for_nothing() -> None:
    assert Result() == Result(requeue=False, requeue_after=None)


def test_a_result_refuses_a_negative_delay() -> None:
    with pytest.raises(ValueError, match="negative"):
        Result(requeue_after=-1)


def test_a_terminal_error_belongs_to_the_one_error_tree() -> None:
    assert issubclass(TerminalError, KubeActorsError)


def test_the_reconcile_package_exports_exactly_its_public_names() -> None:
    assert kube_actors.reconcile.__all__ == [
        "BucketRateLimiter",
        "Controller",
        "ControllerSpec",
        "ControllerStatistics",
        "Enqueue",
        "EnqueueRequestForObject",
        "EnqueueRequestForOwner",
        "EnqueueRequestsFromMapFunc",
        "EventHandler",
        "GetControllerStatistics",
        "ItemExponentialFailureRateLimiter",
        "MapFunc",
        "MaxOfRateLimiter",
        "QueueShutDown",
        "QueueStatistics",
        "RateLimiter",
        "Reconciler",
        "Request",
        "Result",
        "TerminalError",
        "WatchSource",
        "WorkQueue",
        "default_controller_rate_limiter",
        "reconcile_log",
        "spawn_controller",
    ]
    assert sorted(kube_actors.reconcile.__all__, key=lambda n: (n[0].islower(), n)) == (
        kube_actors.reconcile.__all__
    )
