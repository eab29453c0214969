"""A write's per-object work looked up rather than redone (#20, #22) still judges each write
as its own: the Pods of one template share their defaulted spec, and whatever differs (the
metadata, an int out of range, the cluster's priority classes, the manager) is still checked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    Container,
    Lease,
    LeaseSpec,
    ObjectMeta,
    Pod,
    PodSpec,
    PriorityClass,
    ResourceRequirements,
    evolve,
    record_update,
    shape_of,
)
from kube_actors.apiserver import DEFAULT_PLUGINS
from kube_actors.errors import Invalid, NotFound


def _pod(name: str, *, labels: dict[str, str] | None = None, spec: PodSpec | None = None) -> Pod:
    """A Pod built afresh each time, as a client builds it (equal specs, distinct objects)."""
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", labels=labels or {"app": "web"}),
        spec=spec or PodSpec(containers=[Container(name="app", image="nginx:1.27")]),
    )


def _fields(obj: Any) -> list[tuple[str, str, Any]]:
    return [(e.manager, e.operation, e.fields_v1) for e in obj.metadata.managed_fields]


async def test_pods_with_equal_specs_share_one_defaulted_spec_and_the_same_field_sets() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        first = await cluster.client.create(_pod("a"))
        second = await cluster.client.create(_pod("b"))
        assert first.spec == second.spec
        assert first.spec is second.spec  # defaulted and admitted once
        assert first.status is second.status  # Pending, BestEffort: one frozen status
        assert _fields(first) == _fields(second)
        containers = first.metadata.managed_fields[0].fields_v1["f:spec"]["f:containers"]
        assert set(containers['k:{"name":"app"}']) >= {".", "f:image", "f:name"}
        # Other labels: the field sets differ where the labels do, and only there.
        third = await cluster.client.create(_pod("c", labels={"tier": "front"}))
        assert third.spec is first.spec
        labels = third.metadata.managed_fields[0].fields_v1["f:metadata"]["f:labels"]
        assert labels == {".": {}, "f:tier": {}}


async def test_a_pod_whose_spec_was_found_valid_is_still_refused_for_its_metadata() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(_pod("valid"))
        for _ in range(2):  # label maps found valid are remembered; invalid ones never
            with pytest.raises(Invalid) as bad_label:
                await cluster.client.create(_pod("bad-label", labels={"app": "-not-a-value-"}))
            assert [c.field for c in bad_label.value.causes] == ["metadata.labels"]
        with pytest.raises(Invalid) as bad_name:
            await cluster.client.create(_pod("Not_A_Name"))
        assert [c.field for c in bad_name.value.causes] == ["metadata.name"]
        for name in ("bad-label", "Not_A_Name"):
            with pytest.raises(NotFound):
                await cluster.client.get(Pod, name, namespace="default")


async def test_a_spec_unlike_the_valid_ones_by_one_int_is_refused_each_time() -> None:
    """The spec's ints are remembered in range by the spec's identity: a spec that differs
    (a grace period past int64) is another object, checked, and refused every time."""
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(_pod("valid"))
        spec = PodSpec(
            containers=[Container(name="app", image="nginx:1.27")],
            termination_grace_period_seconds=2**63,
        )
        for name in ("too-long", "too-long-again"):
            with pytest.raises(Invalid) as refused:
                await cluster.client.create(_pod(name, spec=spec))
            assert [c.field for c in refused.value.causes] == ["spec.terminationGracePeriodSeconds"]


async def test_a_remembered_spec_takes_the_priority_the_cluster_gives_now() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        before = await cluster.client.create(_pod("before"))
        assert (before.spec.priority, before.spec.priority_class_name) == (0, "")
        await cluster.client.create(
            PriorityClass(metadata=ObjectMeta(name="normal"), value=50, global_default=True)
        )
        after = await cluster.client.create(_pod("after"))
        assert (after.spec.priority, after.spec.priority_class_name) == (50, "normal")
        again = await cluster.client.create(_pod("again"))
        assert again.spec is after.spec


async def test_pods_of_other_resources_get_their_own_qos_class() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        best_effort = await cluster.client.create(_pod("best-effort"))
        amounts = {"cpu": "100m", "memory": "64Mi"}
        resources = ResourceRequirements(requests=amounts, limits=amounts)
        spec = PodSpec(containers=[Container(name="app", image="nginx:1.27", resources=resources)])
        guaranteed = await cluster.client.create(_pod("guaranteed", spec=spec))
        assert best_effort.status.qos_class == "BestEffort"
        assert guaranteed.status.qos_class == "Guaranteed"
        assert guaranteed.status.phase == best_effort.status.phase == "Pending"


def _lease(name: str) -> Lease:
    return Lease(
        metadata=ObjectMeta(name=name, namespace="kube-node-lease"),
        spec=LeaseSpec(
            holder_identity=name,
            lease_duration_seconds=40,
            renew_time=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        ),
    )


def _renewed(lease: Lease, seconds: int) -> Lease:
    renew = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
    return evolve(lease, spec=evolve(lease.spec, renew_time=renew))


async def test_a_renewal_moves_only_its_managers_time_and_another_manager_takes_the_field() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        created = await client.create(_lease("node-a"), field_manager="kubelet")
        renewed = await client.update(_renewed(created, 10), field_manager="kubelet")
        (entry,) = renewed.metadata.managed_fields
        (first,) = created.metadata.managed_fields
        assert (entry.manager, entry.operation, entry.fields_v1) == (
            first.manager,
            first.operation,
            first.fields_v1,
        )
        assert entry.api_version == "coordination.k8s.io/v1"
        # Another manager renewing takes renewTime from the kubelet, which keeps the rest.
        taken = await client.update(_renewed(renewed, 20), field_manager="someone-else")
        by_manager = {e.manager: e.fields_v1 for e in taken.metadata.managed_fields}
        assert by_manager["someone-else"] == {"f:spec": {"f:renewTime": {}}}
        assert by_manager["kubelet"] == {
            "f:spec": {"f:holderIdentity": {}, "f:leaseDurationSeconds": {}}
        }
        # The kubelet renewing again takes it back, and its set is whole again.
        back = await client.update(_renewed(taken, 30), field_manager="kubelet")
        by_manager = {e.manager: e.fields_v1 for e in back.metadata.managed_fields}
        assert by_manager == {"kubelet": first.fields_v1}
        # A renewal that also sets a field the kubelet never set makes it the kubelet's.
        grown = evolve(_renewed(back, 40), spec=evolve(back.spec, lease_transitions=1))
        stored = await client.update(attrs.evolve(grown), field_manager="kubelet")
        (entry,) = stored.metadata.managed_fields
        assert "f:leaseTransitions" in entry.fields_v1["f:spec"]


async def test_a_lease_renewal_stores_what_the_whole_update_path_stores_without_comparing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A renewal by the manager that alone owns renewTime (``_renewal``) is stored as the
    general path stores it: the managedFields ``record_update`` gives for the two objects,
    without the object walk that finds what changed (the general path's field manager is
    not called); another manager's renewal still takes the general path."""
    import kube_actors.apiserver._actor as actor_module

    general = actor_module.with_managed_fields  # type: ignore[attr-defined]
    calls: list[str] = []

    def counted(info: Any, old: Any, new: Any, **kwargs: Any) -> Any:
        if isinstance(new, Lease) and new.metadata.name == "node-a":
            calls.append(kwargs["manager"])
        return general(info, old, new, **kwargs)

    monkeypatch.setattr(actor_module, "with_managed_fields", counted)
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        current = await client.create(_lease("node-a"), field_manager="kubelet")
        calls.clear()  # the create's
        for seconds in (10, 20):
            renewal = _renewed(current, seconds)
            stored = await client.update(renewal, field_manager="kubelet")
            assert stored.spec == renewal.spec
            (entry,) = stored.metadata.managed_fields
            assert entry.time is not None
            expected = record_update(
                current,
                renewal,
                shape_of(Lease),
                current.metadata.managed_fields,
                manager="kubelet",
                api_version="coordination.k8s.io/v1",
                now=entry.time,
            )
            assert stored.metadata.managed_fields == expected
            current = stored
        assert calls == []  # every update was a renewal the kubelet alone owns
        taken = await client.update(_renewed(current, 30), field_manager="someone-else")
        assert calls == ["someone-else"]
        assert {e.manager for e in taken.metadata.managed_fields} == {"kubelet", "someone-else"}


async def test_a_lease_renewal_is_not_validated_again_and_a_lease_made_invalid_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A renewal changes only what no rule checks (``_renewal``): its validation would pass
    as the stored Lease's did, so it is not run; an update that also changes a checked field
    is no renewal, and is validated and refused."""
    import kube_actors.apiserver._actor as actor_module

    general = actor_module.validate  # type: ignore[attr-defined]
    validated: list[str] = []

    def counted(obj: Any, old: Any = None) -> None:
        if isinstance(obj, Lease):
            validated.append(obj.metadata.name)
        general(obj, old)

    monkeypatch.setattr(actor_module, "validate", counted)
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        current = await client.create(_lease("node-a"), field_manager="kubelet")
        validated.clear()
        for seconds in (10, 20):
            current = await client.update(_renewed(current, seconds), field_manager="kubelet")
        assert validated == []
        broken = _renewed(current, 30)
        broken = evolve(broken, spec=evolve(broken.spec, lease_duration_seconds=0))
        with pytest.raises(Invalid, match=r"spec\.leaseDurationSeconds"):
            await client.update(broken, field_manager="kubelet")
        assert validated == ["node-a"]
        stored = await client.get(Lease, "node-a", namespace="kube-node-lease")
        assert stored == current


async def test_a_lease_renewal_is_admitted_and_what_admission_makes_of_it_is_stored() -> None:
    """Admission sees every renewal; one it changes goes on along the general path."""
    seen: list[str] = []

    def holder_stamp(operation: str, info: Any, obj: Any, old: Any, lookup: Any) -> Any:
        if operation != "UPDATE" or not isinstance(obj, Lease):
            return obj
        seen.append(obj.metadata.name)
        if obj.metadata.name != "stamped":
            return obj
        return evolve(obj, spec=evolve(obj.spec, holder_identity="admission"))

    async with Cluster(
        controllers=(), scheduler=False, admission=(*DEFAULT_PLUGINS, holder_stamp)
    ) as cluster:
        client = cluster.client
        plain = await client.create(_lease("plain"), field_manager="kubelet")
        stamped = await client.create(_lease("stamped"), field_manager="kubelet")
        renewed_plain = await client.update(_renewed(plain, 10), field_manager="kubelet")
        renewed_stamped = await client.update(_renewed(stamped, 10), field_manager="kubelet")
        assert seen == ["plain", "stamped"]
        assert renewed_plain.spec == _renewed(plain, 10).spec
        assert renewed_stamped.spec.holder_identity == "admission"
        assert renewed_stamped.spec.renew_time == _renewed(stamped, 10).spec.renew_time
