"""The size bound of a Pod as a create makes it (defaulted spec, Pending status, one
managedFields entry, each counted by its shared length) is never below its encoded size,
whatever its metadata and status hold."""

from __future__ import annotations

import datetime as dt

import attrs
import orjson
import pytest

from kube_actors.api import Container, ObjectMeta, Pod, PodSpec, PodStatus, kind_info, to_dict
from kube_actors.api._defaults import default_pod
from kube_actors.api._limits import size_bound
from kube_actors.apiserver._fields import with_managed_fields
from kube_actors.apiserver._strategy import prepare_for_create

_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _created(metadata: ObjectMeta) -> Pod:
    pod = Pod(
        metadata=metadata,
        spec=PodSpec(containers=[Container(name="app", image="registry.k8s.io/pause:3.9")]),
    )
    pod = prepare_for_create(default_pod(pod), uid="0" * 36, now=_NOW)
    created: Pod = with_managed_fields(
        kind_info(Pod), None, pod, manager="test", subresource="", now=_NOW, resource_version="7"
    )
    return created


@pytest.mark.parametrize(
    "metadata",
    [
        ObjectMeta(name="p", namespace="default"),
        ObjectMeta(
            name="p" * 200,
            namespace="default",
            labels={"app": "x" * 60, "tier": "web"},
            annotations={"note": "é" * 500},
        ),
    ],
)
@pytest.mark.parametrize("status", [None, PodStatus(phase="Running", message="m" * 300)])
def test_a_created_pods_size_bound_is_never_below_its_encoded_size(
    metadata: ObjectMeta, status: PodStatus | None
) -> None:
    pod = _created(metadata)
    if status is not None:  # (None: the Pending status a create gives)
        pod = attrs.evolve(pod, status=status)
    bound = size_bound(pod)
    assert bound >= len(orjson.dumps(to_dict(pod)))
    assert size_bound(pod) == bound  # its parts' lengths looked up again: the same
