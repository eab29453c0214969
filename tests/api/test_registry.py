"""An application registers its own kinds; they load, dump, default and validate like built-ins."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
import pytest

from kube_actors.api import (
    ObjectMeta,
    default,
    dump_manifests,
    kind_info,
    kinds,
    load_manifests,
    lookup_kind,
    lookup_plural,
    omitempty,
    register_kind,
    seq,
    validate,
)
from kube_actors.errors import FieldCause, Invalid


@attrs.frozen(kw_only=True)
class WorkerPoolSpec:
    size: int | None = None
    queue_names: tuple[str, ...] = seq()


@attrs.frozen(kw_only=True)
class WorkerPoolStatus:
    ready_workers: int = omitempty(0)


@attrs.frozen(kw_only=True)
class WorkerPool:
    api_version: ClassVar[str] = "registry.example.com/v1alpha1"
    kind: ClassVar[str] = "WorkerPool"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: WorkerPoolSpec = attrs.field(default=WorkerPoolSpec())
    status: WorkerPoolStatus = attrs.field(default=WorkerPoolStatus())


def _default(pool: WorkerPool) -> WorkerPool:
    if pool.spec.size is not None:
        return pool
    return attrs.evolve(pool, spec=attrs.evolve(pool.spec, size=1))


def _validate(pool: WorkerPool, old: Any) -> Iterable[FieldCause]:
    if pool.spec.size is not None and pool.spec.size > 10:
        yield FieldCause(field="spec.size", message="Invalid value: too many workers")


register_kind(WorkerPool, default=_default, validate=_validate)

MANIFEST = """\
apiVersion: registry.example.com/v1alpha1
kind: WorkerPool
metadata:
  name: pool
  namespace: default
spec:
  queueNames:
  - jobs
"""


def test_a_registered_kind_is_known_by_api_version_kind_and_plural() -> None:
    info = kind_info(WorkerPool)
    assert (info.group, info.version, info.plural) == (
        "registry.example.com",
        "v1alpha1",
        "workerpools",
    )
    assert info.namespaced
    assert lookup_kind("registry.example.com/v1alpha1", "WorkerPool") is info
    assert lookup_plural("workerpools", "registry.example.com") is info


def test_built_in_kinds_have_kubernetes_plurals() -> None:
    assert lookup_plural("endpoints") is not None
    assert lookup_plural("deployments", "apps") is not None
    assert lookup_plural("priorityclasses", "scheduling.k8s.io") is not None
    assert lookup_plural("leases", "coordination.k8s.io") is not None


def test_a_user_kind_round_trips_through_manifests() -> None:
    [pool] = load_manifests(MANIFEST)
    assert isinstance(pool, WorkerPool)
    assert pool.spec.queue_names == ("jobs",)
    assert dump_manifests(pool) == MANIFEST


def test_a_user_kind_is_defaulted_and_validated_by_its_hooks() -> None:
    [pool] = load_manifests(MANIFEST)
    assert default(pool).spec.size == 1
    too_big = attrs.evolve(pool, spec=attrs.evolve(pool.spec, size=11))
    with pytest.raises(
        Invalid, match=r'WorkerPool.registry.example.com "pool" is invalid: spec.size'
    ):
        validate(too_big)


def test_unknown_fields_of_a_user_kind_are_errors_too() -> None:
    with pytest.raises(Invalid, match=re.escape('unknown field "spec.queues"')):
        load_manifests(MANIFEST.replace("queueNames", "queues"))


def test_another_class_may_not_take_a_registered_kind() -> None:
    @attrs.frozen(kw_only=True)
    class Impostor:
        api_version: ClassVar[str] = "registry.example.com/v1alpha1"
        kind: ClassVar[str] = "WorkerPool"
        metadata: ObjectMeta = attrs.field(default=ObjectMeta())

    with pytest.raises(ValueError, match="already registered"):
        register_kind(Impostor)


def test_another_version_may_not_take_a_registered_resource() -> None:
    @attrs.frozen(kw_only=True)
    class NewerPool:
        api_version: ClassVar[str] = "registry.example.com/v1"
        kind: ClassVar[str] = "WorkerPool"
        metadata: ObjectMeta = attrs.field(default=ObjectMeta())

    with pytest.raises(
        ValueError, match=re.escape("registry.example.com/workerpools is already registered")
    ):
        register_kind(NewerPool)
    assert lookup_plural("workerpools", "registry.example.com") is kind_info(WorkerPool)


def test_running_a_definition_again_takes_the_registration_over() -> None:
    def define() -> type:
        @attrs.frozen(kw_only=True)
        class Rerun:
            api_version: ClassVar[str] = "rerun.example.com/v1"
            kind: ClassVar[str] = "Rerun"
            metadata: ObjectMeta = attrs.field(default=ObjectMeta())

        return Rerun

    first, second = define(), define()  # as a notebook cell run twice
    register_kind(first)
    register_kind(second)
    assert lookup_kind("rerun.example.com/v1", "Rerun") is kind_info(second)
    assert [info.cls for info in kinds() if info.kind == "Rerun"] == [second]


def test_a_class_without_kind_cannot_register() -> None:
    with pytest.raises(TypeError, match="metadata field"):
        register_kind(WorkerPoolSpec)
