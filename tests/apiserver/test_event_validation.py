"""A core/v1 Event is checked as Kubernetes' legacyValidateEvent checks it: it sits in its
object's namespace (an Event about a cluster-scoped object in none, or ``default``), and one
with an eventTime names who reported it and what it did."""

from __future__ import annotations

import datetime as dt

import pytest

from kube_actors import Cluster
from kube_actors.api import Event, EventSource, ObjectMeta, ObjectReference
from kube_actors.errors import Invalid

_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _event(
    namespace: str,
    involved_namespace: str,
    *,
    kind: str = "Pod",
    event_time: dt.datetime | None = None,
    action: str = "",
    reporting_instance: str = "",
) -> Event:
    return Event(
        metadata=ObjectMeta(name="web.1", namespace=namespace),
        involved_object=ObjectReference(
            api_version="v1", kind=kind, namespace=involved_namespace, name="web"
        ),
        reason="Scheduled",
        message="Successfully assigned",
        type="Normal",
        source=EventSource(component="default-scheduler"),
        first_timestamp=_NOW,
        last_timestamp=_NOW,
        count=1,
        event_time=event_time,
        action=action,
        reporting_component="default-scheduler",
        reporting_instance=reporting_instance,
    )


async def test_an_event_in_another_namespace_than_its_object_is_invalid() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        with pytest.raises(Invalid) as raised:
            await cluster.client.create(_event("default", "kube-system"))
        assert [cause.field for cause in raised.value.causes] == ["involvedObject.namespace"]
        assert 'Invalid value: "kube-system": does not match event.namespace' in str(raised.value)
        assert str(raised.value).startswith('Event "web.1" is invalid: ')
        assert await cluster.client.list(Event) == []
        # In its object's namespace, the same Event is created.
        created = await cluster.client.create(_event("kube-system", "kube-system"))
        assert created.metadata.namespace == "kube-system"


async def test_an_event_about_a_cluster_scoped_object_sits_in_default_only() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        # For old clients' sake, ``default`` holds the Events of objects without a namespace.
        await cluster.client.create(_event("default", "", kind="Node"))
        with pytest.raises(Invalid) as raised:
            await cluster.client.create(_event("kube-system", "", kind="Node"))
        assert [cause.field for cause in raised.value.causes] == ["involvedObject.namespace"]
        assert 'Invalid value: "": does not match event.namespace' in str(raised.value)


async def test_an_event_with_an_event_time_names_its_reporter_and_action() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        # With an eventTime, kube-system too may hold an Event of a cluster-scoped object...
        await cluster.client.create(
            _event(
                "kube-system",
                "",
                kind="Node",
                event_time=_NOW,
                action="Binding",
                reporting_instance="default-scheduler-1",
            )
        )
        # ...but such an Event needs its action and reporting instance, within their limits.
        with pytest.raises(Invalid) as raised:
            await cluster.client.create(
                _event("kube-public", "", kind="Node", event_time=_NOW, action="x" * 129)
            )
        assert [cause.field for cause in raised.value.causes] == [
            "involvedObject.namespace",
            "reportingInstance",
            "action",
        ]
        assert 'action: Invalid value: "": can have at most 128 characters' in str(raised.value)


async def test_an_update_that_moves_the_object_of_an_event_is_invalid() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(_event("default", "default"))
        moved = ObjectReference(api_version="v1", kind="Pod", namespace="kube-system", name="web")
        with pytest.raises(Invalid) as raised:
            await cluster.client.update(
                Event(
                    metadata=created.metadata,
                    involved_object=moved,
                    reason=created.reason,
                    message=created.message,
                )
            )
        assert [cause.field for cause in raised.value.causes] == ["involvedObject.namespace"]
