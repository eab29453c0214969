"""CEL validation rules (``x-kubernetes-validations``) of a CRD's schema (#17)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import FrozenDict, from_dict, lookup_kind
from kube_actors.api._crd_cel import cel_causes
from kube_actors.api._crd_validation import crd_causes
from kube_actors.errors import Invalid
from tests.api.test_crd_validation import GOOD
from tests.crd_kinds import stop_serving

SPEC: dict[str, Any] = {
    "type": "object",
    "x-kubernetes-validations": [
        {
            "rule": "self.minReplicas <= self.replicas",
            "message": "replicas should be greater than or equal to minReplicas",
        },
        {
            "rule": "self.replicas >= oldSelf.replicas",
            "messageExpression": "'cannot shrink from ' + string(oldSelf.replicas)",
            "reason": "FieldValueForbidden",
        },
    ],
    "properties": {
        "replicas": {"type": "integer"},
        "minReplicas": {"type": "integer"},
        "image": {
            "type": "string",
            "x-kubernetes-validations": [{"rule": "self.startsWith('python')"}],
        },
    },
}
SCHEMA = {"type": "object", "properties": {"spec": SPEC}}


def messages(value: Any, old: Any = None) -> list[str]:
    return [str(c) for c in cel_causes(value, SCHEMA, old=old)]


def test_each_rule_is_checked_where_it_sits_with_kubernetes_messages() -> None:
    assert messages({"spec": {"replicas": 1, "minReplicas": 3, "image": "nginx"}}) == [
        'spec: Invalid value: "object": replicas should be greater than or equal to minReplicas',
        "spec.image: Invalid value: \"string\": failed rule: self.startsWith('python')",
    ]
    assert messages({"spec": {"replicas": 3, "minReplicas": 3, "image": "python:3"}}) == []


def test_a_transition_rule_runs_only_on_an_update() -> None:
    shrunk = {"spec": {"replicas": 2, "minReplicas": 1}}
    assert messages(shrunk) == []
    assert messages(shrunk, old={"spec": {"replicas": 5, "minReplicas": 1}}) == [
        "spec: Forbidden: cannot shrink from 5"
    ]


def test_a_rule_that_does_not_compile_is_refused_with_the_crd() -> None:
    crd = copy.deepcopy(GOOD)
    spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    spec["x-kubernetes-validations"] = [{"rule": "self.cron <"}]
    assert [str(c) for c in crd_causes(crd)] == [
        "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0]"
        '.rule: Invalid value: "self.cron <": compilation failed: ERROR: <input>:1:11: '
        "Syntax error"
    ]


@pytest.fixture
def _stop_serving_crontabs() -> Iterator[None]:
    yield
    stop_serving("stable.example.com/v1", "CronTab")


@pytest.mark.usefixtures("_stop_serving_crontabs")
async def test_the_apiserver_refuses_a_custom_object_that_breaks_a_rule() -> None:
    crd = copy.deepcopy(GOOD)
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = SCHEMA
    manifest = {
        "apiVersion": "stable.example.com/v1",
        "kind": "CronTab",
        "metadata": {"name": "nightly", "namespace": "default"},
        "spec": {"replicas": 3, "minReplicas": 1, "image": "python:3"},
    }
    async with Cluster(seed=1, controllers=(), scheduler=False) as cluster:
        await cluster.apply([crd])
        created = await cluster.client.create(from_dict(manifest))
        with pytest.raises(Invalid) as caught:
            await cluster.client.update(
                attrs.evolve(created, spec=FrozenDict({**created.spec, "replicas": 2}))
            )
        info = lookup_kind("stable.example.com/v1", "CronTab")
        assert info is not None
        kept = await cluster.client.get(info.cls, "nightly", namespace="default")
    assert [str(c) for c in caught.value.causes] == ["spec: Forbidden: cannot shrink from 3"]
    assert kept.spec["replicas"] == 3, "a refused update changes nothing"
