"""A Pod's status write (``pods/status``) is validated as Kubernetes' ``podStatusStrategy``
validates it (``ValidatePodStatusUpdate``): the metadata update and the status, with the
spec put back from the stored Pod before anything is checked."""

from __future__ import annotations

import datetime as dt

import pytest

from kube_actors import Cluster
from kube_actors.api import (
    ContainerState,
    ContainerStateRunning,
    ContainerStateTerminated,
    ContainerStatus,
    HostIP,
    Pod,
    PodCondition,
    PodIP,
    PodStatus,
    evolve,
)
from kube_actors.errors import FieldCause, Invalid
from kube_actors.testing import pod

_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


async def _placed(cluster: Cluster, name: str = "web", *, restart_policy: str = "") -> Pod:
    """A Pod bound to a node no kubelet serves: nobody writes its status but the test."""
    new = pod(name, node_name="elsewhere")
    if restart_policy:
        new = evolve(new, spec=evolve(new.spec, restart_policy=restart_policy))
    return await cluster.client.create(new)


async def _write(cluster: Cluster, current: Pod, **status: object) -> Pod:
    return await cluster.client.update_status(
        evolve(current, status=evolve(current.status, **status))
    )


async def _refused(cluster: Cluster, current: Pod, **status: object) -> list[FieldCause]:
    with pytest.raises(Invalid) as raised:
        await _write(cluster, current, **status)
    return list(raised.value.causes)


async def test_a_status_write_cannot_change_the_spec() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster)
        sneaky = evolve(
            created,
            spec=evolve(created.spec, node_name="other", active_deadline_seconds=5),
            status=evolve(created.status, phase="Running"),
        )
        written = await cluster.client.update_status(sneaky)
        assert written.status.phase == "Running"
        assert written.spec == created.spec


async def test_a_status_write_with_an_invalid_spec_is_taken_as_the_spec_is_not_its() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        # The spec is the stored one's before validation: what the request says of it is
        # neither stored nor checked (a container without a name or image would be refused
        # by a Pod update).
        created = await _placed(cluster)
        nonsense = evolve(
            created,
            spec=evolve(created.spec, containers=(evolve(created.spec.containers[0], name=""),)),
            status=evolve(created.status, phase="Running"),
        )
        written = await cluster.client.update_status(nonsense)
        assert written.spec == created.spec


async def test_a_condition_type_other_than_the_systems_must_be_a_qualified_name() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster)
        conditions = (
            PodCondition(type="Ready", status="True", last_transition_time=_NOW),
            PodCondition(type="example.com/Gate", status="True", last_transition_time=_NOW),
            PodCondition(type="not a name!", status="True", last_transition_time=_NOW),
        )
        causes = await _refused(cluster, created, conditions=conditions)
        # Kubernetes spells the path under "metadata" and with a capital "Type"
        # (validatePodConditions is handed ``field.NewPath("metadata").Child("conditions")``).
        assert [c.field for c in causes] == ["metadata.conditions[2].Type"]
        assert causes[0].type == "FieldValueInvalid"
        assert causes[0].message.startswith('Invalid value: "not a name!": name part must consist')


async def test_a_pod_ip_must_be_an_ip_address() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster)
        causes = await _refused(
            cluster, created, pod_ip="10.0.0.300", pod_ips=(PodIP(ip="10.0.0.300"),)
        )
        assert [(c.field, c.type) for c in causes] == [("status.podIPs[0]", "FieldValueInvalid")]
        detail = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
        assert causes[0].message == f'Invalid value: "10.0.0.300": {detail}'


async def test_a_pod_ip_alone_is_checked_as_the_first_of_the_pod_ips() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        # Kubernetes converts a v1 status whose podIP differs from podIPs[0] (or has no podIPs)
        # to podIPs [podIP], and validates that.
        created = await _placed(cluster)
        causes = await _refused(cluster, created, pod_ip="not-an-ip")
        assert [c.field for c in causes] == ["status.podIPs[0]"]


async def test_pod_ips_take_one_address_of_each_family_and_no_duplicate() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster)
        two_v4 = (PodIP(ip="10.0.0.1"), PodIP(ip="10.0.0.2"))
        causes = await _refused(cluster, created, pod_ip="10.0.0.1", pod_ips=two_v4)
        assert [(c.field, c.type) for c in causes] == [("status.podIPs", "FieldValueInvalid")]
        assert causes[0].message.endswith("may specify no more than one IP for each IP family")
        twice = (PodIP(ip="10.0.0.1"), PodIP(ip="10.0.0.1"))
        causes = await _refused(cluster, created, pod_ip="10.0.0.1", pod_ips=twice)
        assert [(c.field, c.type) for c in causes] == [
            ("status.podIPs", "FieldValueInvalid"),
            ("status.podIPs[1]", "FieldValueDuplicate"),
        ]
        dual = (PodIP(ip="10.0.0.1"), PodIP(ip="fd00::1"))
        written = await _write(cluster, created, pod_ip="10.0.0.1", pod_ips=dual)
        assert written.status.pod_ips == dual


async def test_host_ips_are_ip_addresses_and_the_first_is_the_host_ip() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster)
        causes = await _refused(
            cluster, created, host_ips=(HostIP(ip="10.1.0.2"), HostIP(ip="bad"))
        )
        assert [(c.field, c.type) for c in causes] == [
            ("status.hostIPs[0].ip", "FieldValueInvalid"),
            ("status.hostIPs[1]", "FieldValueInvalid"),
            ("status.hostIPs", "FieldValueInvalid"),
        ]
        assert causes[0].message.endswith("must be equal to `hostIP`")


async def test_a_nominated_node_name_must_be_a_node_name() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster)
        causes = await _refused(cluster, created, nominated_node_name="Not_A_Node")
        assert [(c.field, c.type) for c in causes] == [
            ("status.nominatedNodeName", "FieldValueInvalid")
        ]
        written = await _write(cluster, created, nominated_node_name="node-2")
        assert written.status.nominated_node_name == "node-2"


async def test_the_qos_class_cannot_change_and_an_empty_one_keeps_the_stored() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster)
        assert created.status.qos_class == "BestEffort"
        causes = await _refused(cluster, created, qos_class="Guaranteed")
        assert [(c.field, c.type) for c in causes] == [("status.qosClass", "FieldValueInvalid")]
        assert causes[0].message == 'Invalid value: "Guaranteed": field is immutable'
        # An old kubelet's status without the class: Kubernetes fills it in from the stored Pod.
        written = await _write(cluster, created, phase="Running", qos_class="")
        assert written.status.qos_class == "BestEffort"


def _container(state: ContainerState) -> ContainerStatus:
    return ContainerStatus(name="app", image="nginx:1", state=state)


_TERMINATED = ContainerState(terminated=ContainerStateTerminated(exit_code=0, reason="Completed"))
_FAILED = ContainerState(terminated=ContainerStateTerminated(exit_code=1, reason="Error"))
_RUNNING = ContainerState(running=ContainerStateRunning(started_at=_NOW))


@pytest.mark.parametrize(
    ("restart_policy", "terminated", "refused"),
    [
        ("Never", _TERMINATED, True),
        ("Never", _FAILED, True),
        ("OnFailure", _TERMINATED, True),
        ("OnFailure", _FAILED, False),
        ("Always", _TERMINATED, False),
    ],
)
async def test_a_terminated_container_that_may_not_restart_stays_terminated(
    restart_policy: str, terminated: ContainerState, refused: bool
) -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster, restart_policy=restart_policy)
        done = await _write(cluster, created, container_statuses=(_container(terminated),))
        again = (_container(_RUNNING),)
        if not refused:
            written = await _write(cluster, done, container_statuses=again)
            assert written.status.container_statuses == again
            return
        causes = await _refused(cluster, done, container_statuses=again)
        assert [(c.field, c.type) for c in causes] == [
            ("status.containerStatuses[0].state", "FieldValueForbidden")
        ]
        assert causes[0].message == "Forbidden: may not be transitioned to non-terminated state"


@pytest.mark.parametrize(
    "status",
    [
        # A condition's type alone is checked: any status is taken.
        {"conditions": (PodCondition(type="Ready", status="Maybe", last_transition_time=_NOW),)},
        # Container statuses are not checked against the spec's containers.
        {"container_statuses": (ContainerStatus(name="sidecar", image="busybox", state=_RUNNING),)},
    ],
)
async def test_what_kubernetes_does_not_check_is_taken(status: dict[str, object]) -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster)
        written = await _write(cluster, created, **status)
        assert written.status == evolve(created.status, **status)


async def test_an_int_of_the_status_out_of_its_range_is_refused() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster)
        huge = (ContainerStatus(name="app", image="nginx:1", restart_count=2**31, state=_RUNNING),)
        causes = await _refused(cluster, created, container_statuses=huge)
        assert [c.field for c in causes] == ["status.containerStatuses[0].restartCount"]


async def test_a_valid_status_write_is_stored() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await _placed(cluster)
        status = PodStatus(
            phase="Running",
            conditions=(PodCondition(type="Ready", status="True", last_transition_time=_NOW),),
            host_ip="10.1.0.1",
            host_ips=(HostIP(ip="10.1.0.1"),),
            pod_ip="10.2.0.7",
            pod_ips=(PodIP(ip="10.2.0.7"),),
            container_statuses=(_container(_RUNNING),),
            qos_class="BestEffort",
        )
        written = await cluster.client.update_status(evolve(created, status=status))
        assert written.status == status
        assert (await cluster.client.get(Pod, "web", namespace="default")).status == status
