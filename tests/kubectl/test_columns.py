"""kubectl's columns: Kubernetes' names, priorities and cell values, for every built-in kind."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs
import pytest

from kube_actors.api import (
    Container,
    ContainerState,
    ContainerStateRunning,
    ContainerStateTerminated,
    ContainerStateWaiting,
    ContainerStatus,
    Deployment,
    DeploymentSpec,
    DeploymentStatus,
    Event,
    Job,
    JobCondition,
    JobSpec,
    JobStatus,
    LabelSelector,
    Node,
    NodeCondition,
    NodeStatus,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodSpec,
    PodStatus,
    PodTemplateSpec,
    PrinterColumn,
    Service,
    ServicePort,
    ServiceSpec,
    register_kind,
)
from kube_actors.kubectl import age, columns_for, human_duration, pod_restarts, table

NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def ago(**delta: float) -> dt.datetime:
    return NOW - dt.timedelta(**delta)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (119, "119s"),
        (120, "2m"),
        (192, "3m12s"),
        (600, "10m"),
        (45 * 60, "45m"),
        (179 * 60, "179m"),
        (3 * 3600, "3h"),
        (5 * 3600 + 3 * 60, "5h3m"),
        (8 * 3600 + 59 * 60, "8h"),
        (47 * 3600, "47h"),
        (3 * 86400 + 4 * 3600, "3d4h"),
        (3 * 86400, "3d"),
        (30 * 86400, "30d"),
        (800 * 86400, "2y70d"),
        (9 * 365 * 86400, "9y"),
    ],
)
def test_durations_read_as_kubernetes_human_duration(seconds: int, shown: str) -> None:
    assert human_duration(seconds) == shown


def test_age_of_an_unset_timestamp_is_unknown() -> None:
    assert age(None, NOW) == "<unknown>"
    assert age(ago(minutes=45), NOW) == "45m"


def names(kind: type) -> list[tuple[str, int]]:
    return [(c.name, c.priority) for c in columns_for(kind)]


def test_pod_columns_are_kubectls_with_the_wide_ones_at_priority_one() -> None:
    assert names(Pod) == [
        ("Name", 0),
        ("Ready", 0),
        ("Status", 0),
        ("Restarts", 0),
        ("Age", 0),
        ("IP", 1),
        ("Node", 1),
        ("Nominated Node", 1),
        ("Readiness Gates", 1),
    ]


def test_deployment_columns_and_cells() -> None:
    deployment = Deployment(
        metadata=ObjectMeta(name="hello-nginx", creation_timestamp=ago(seconds=30)),
        spec=DeploymentSpec(
            replicas=2,
            selector=LabelSelector(match_labels={"app": "hello-nginx"}),
            template=PodTemplateSpec(
                spec=PodSpec(containers=[Container(name="nginx", image="nginx")])
            ),
        ),
        status=DeploymentStatus(ready_replicas=1, updated_replicas=2, available_replicas=1),
    )
    headers, rows = table(Deployment, [deployment], NOW, wide=True)
    assert headers == [
        "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"
    ]  # fmt: skip
    assert rows == [["hello-nginx", "1/2", "2", "1", "30s", "nginx", "nginx", "app=hello-nginx"]]
    assert table(Deployment, [deployment], NOW)[0] == [
        "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"
    ]  # fmt: skip


def running(
    name: str, *, restarts: int = 0, last_finished: dt.datetime | None = None
) -> ContainerStatus:
    last = ContainerState()
    if last_finished is not None:
        last = ContainerState(
            terminated=ContainerStateTerminated(
                exit_code=1, reason="Error", finished_at=last_finished
            )
        )
    return ContainerStatus(
        name=name,
        ready=True,
        restart_count=restarts,
        state=ContainerState(running=ContainerStateRunning(started_at=ago(minutes=1))),
        last_state=last,
    )


def pod(*statuses: ContainerStatus, containers: int = 1, **status: object) -> Pod:
    return Pod(
        metadata=ObjectMeta(name="web", creation_timestamp=ago(minutes=10)),
        spec=PodSpec(containers=[Container(name=f"c{i}", image="x") for i in range(containers)]),
        status=PodStatus(container_statuses=statuses, **status),  # type: ignore[arg-type]
    )


def test_restarts_say_when_the_last_restart_was() -> None:
    restarted = pod(running("c0", restarts=5, last_finished=ago(minutes=5)), phase="Running")
    assert pod_restarts(restarted, NOW) == "5 (5m ago)"
    assert pod_restarts(pod(running("c0"), phase="Running"), NOW) == "0"


def test_pod_status_is_what_a_waiting_container_waits_on() -> None:
    waiting = ContainerStatus(
        name="c0", state=ContainerState(waiting=ContainerStateWaiting(reason="CrashLoopBackOff"))
    )
    crashing = pod(waiting, phase="Running")
    assert table(Pod, [crashing], NOW)[1] == [["web", "0/1", "CrashLoopBackOff", "0", "10m"]]
    both = pod(running("c0"), running("c1"), containers=2, phase="Running")
    assert table(Pod, [both], NOW, wide=True)[1] == [
        ["web", "2/2", "Running", "0", "10m", "<none>", "<none>", "<none>", "<none>"]
    ]


def test_a_container_that_exited_without_reason_shows_its_exit_code() -> None:
    exited = ContainerStatus(
        name="c0", state=ContainerState(terminated=ContainerStateTerminated(exit_code=3))
    )
    assert table(Pod, [pod(exited, phase="Failed")], NOW)[1][0][2] == "ExitCode:3"


def test_a_load_balancer_without_an_address_is_pending() -> None:
    service = Service(
        metadata=ObjectMeta(name="web", creation_timestamp=ago(hours=2)),
        spec=ServiceSpec(
            type="LoadBalancer",
            cluster_ip="10.96.0.10",
            ports=[ServicePort(port=8080, node_port=31234, protocol="TCP")],
        ),
    )
    assert table(Service, [service], NOW)[1] == [
        ["web", "LoadBalancer", "10.96.0.10", "<pending>", "8080:31234/TCP", "120m"]
    ]


def test_node_status_roles_and_version() -> None:
    node = Node(
        metadata=ObjectMeta(
            name="minikube",
            labels={"node-role.kubernetes.io/control-plane": ""},
            creation_timestamp=ago(days=3),
        ),
        status=NodeStatus(conditions=[NodeCondition(type="Ready", status="False")]),
    )
    assert table(Node, [node], NOW)[1] == [["minikube", "NotReady", "control-plane", "3d", ""]]
    assert table(Node, [node], NOW, wide=True)[0][5:] == [
        "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"
    ]  # fmt: skip


def test_events_show_the_object_as_kind_slash_name() -> None:
    event = Event(
        metadata=ObjectMeta(name="web.1"),
        involved_object=ObjectReference(kind="Pod", name="web"),
        reason="Scheduled",
        message="Successfully assigned default/web to minikube ",
        type="Normal",
        first_timestamp=ago(seconds=40),
        last_timestamp=ago(seconds=40),
    )
    assert table(Event, [event], NOW) == (
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        [
            [
                "40s",
                "Normal",
                "Scheduled",
                "pod/web",
                "Successfully assigned default/web to minikube",
            ]
        ],
    )


def test_job_status_completions_and_duration() -> None:
    job = Job(
        metadata=ObjectMeta(name="pi", creation_timestamp=ago(minutes=3)),
        spec=JobSpec(completions=1),
        status=JobStatus(
            succeeded=1,
            start_time=ago(minutes=3),
            completion_time=ago(minutes=1),
            conditions=[JobCondition(type="Complete", status="True")],
        ),
    )
    assert table(Job, [job], NOW)[1] == [["pi", "Complete", "1/1", "2m", "3m"]]


@attrs.frozen(kw_only=True)
class WidgetSpec:
    size: int = 0


@attrs.frozen(kw_only=True)
class Widget:
    api_version: ClassVar[str] = "columns.example.com/v1"
    kind: ClassVar[str] = "Widget"
    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: WidgetSpec = attrs.field(default=WidgetSpec())


def test_a_user_kind_shows_its_declared_printer_columns() -> None:
    register_kind(
        Widget,
        printer_columns=[
            PrinterColumn(name="Size", json_path=".spec.size", type="integer"),
            PrinterColumn(name="Age", json_path=".metadata.creationTimestamp", type="date"),
        ],
    )
    widget = Widget(
        metadata=ObjectMeta(name="w", creation_timestamp=ago(seconds=5)), spec=WidgetSpec(size=3)
    )
    assert table(Widget, [widget], NOW) == (["NAME", "SIZE", "AGE"], [["w", "3", "5s"]])


def test_every_built_in_column_is_described() -> None:
    from kube_actors.api import kinds

    for info in kinds():
        if not info.cls.__module__.startswith("kube_actors.api"):
            continue  # a user kind's columns are described as it declared them
        for column in columns_for(info.cls):
            assert column.description, f"{info.kind}: {column.name}"


def test_job_duration_counts_the_whole_seconds_the_api_sends() -> None:
    # A controller in process stamps fractions; kubectl sees 10:00:00 and 10:00:02: 2s.
    start = dt.datetime(2026, 1, 1, 10, 0, 0, 900_000, tzinfo=dt.UTC)
    job = Job(
        metadata=ObjectMeta(name="pi", creation_timestamp=start.replace(microsecond=0)),
        spec=JobSpec(completions=1),
        status=JobStatus(
            succeeded=1,
            start_time=start,
            completion_time=start + dt.timedelta(seconds=1.2),
            conditions=[JobCondition(type="Complete", status="True")],
        ),
    )
    assert table(Job, [job], start + dt.timedelta(minutes=1))[1][0][3] == "2s"
