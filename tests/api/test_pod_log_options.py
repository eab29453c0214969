"""PodLogOptions: the one type for ``kubectl logs``' options, refused as Kubernetes refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from kube_actors.api import Container, ObjectMeta, Pod, PodLogOptions, PodSpec, requested_container
from kube_actors.errors import BadRequest, Invalid

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_default_options_read_the_whole_log_and_pass_the_check() -> None:
    options = PodLogOptions()
    options.check("web")
    assert (options.container, options.previous, options.follow) == ("", False, False)
    assert options.tail_lines is options.limit_bytes is options.since_seconds is None


def test_every_refused_field_is_named_as_kubernetes_names_it() -> None:
    with pytest.raises(Invalid) as raised:
        PodLogOptions(tail_lines=-1, limit_bytes=0, since_seconds=0).check("web")
    causes = {c.field: c.message for c in raised.value.causes}
    assert causes == {
        "tailLines": "Invalid value: -1: must be greater than or equal to 0",
        "limitBytes": "Invalid value: 0: must be greater than 0",
        "sinceSeconds": "Invalid value: 0: must be greater than 0",
    }
    assert str(raised.value).startswith('PodLogOptions "web" is invalid: [tailLines:')


def test_since_seconds_and_since_time_exclude_each_other() -> None:
    with pytest.raises(Invalid, match="at most one of `sinceTime` or `sinceSeconds`"):
        PodLogOptions(since_seconds=5, since_time=T0).check("web")


def _pod(*containers: str) -> Pod:
    return Pod(
        metadata=ObjectMeta(name="web"),
        spec=PodSpec(containers=tuple(Container(name=n, image="nginx") for n in containers)),
    )


def test_the_container_may_be_left_out_only_for_a_one_container_pod() -> None:
    assert requested_container(_pod("app"), "") == "app"
    assert requested_container(_pod("app", "side"), "side") == "side"
    with pytest.raises(BadRequest, match=r"choose one of: \[app side\]"):
        requested_container(_pod("app", "side"), "")
    with pytest.raises(BadRequest, match="container nope is not valid for pod web"):
        requested_container(_pod("app"), "nope")
