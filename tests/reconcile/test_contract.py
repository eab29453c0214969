"""The controller contract's values."""

from __future__ import annotations

import pytest

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
