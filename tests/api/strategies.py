"""Wire-form strategies for the converter's round-trip properties: any value a field may carry
on the wire (statuses, arbitrary timestamps, specs no validation would pass), which the testing
kit's strategies, valid by construction for a running cluster, deliberately never draw.
Quantities come from the kit."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from kube_actors.api import (
    Container,
    ContainerPort,
    ContainerStatus,
    Deployment,
    DeploymentSpec,
    DeploymentStrategy,
    HTTPGetAction,
    LabelSelector,
    LabelSelectorRequirement,
    ObjectMeta,
    Pod,
    PodCondition,
    PodSpec,
    PodStatus,
    PodTemplateSpec,
    Probe,
    ResourceRequirements,
    RollingUpdateDeployment,
    Service,
    ServicePort,
    ServiceSpec,
    Toleration,
)
from kube_actors.testing.strategies import quantities

__all__ = ["deployments", "dns_labels", "pods", "services"]

dns_labels = st.from_regex(r"[a-z]([-a-z0-9]{0,10}[a-z0-9])?", fullmatch=True)
label_values = st.from_regex(r"([A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?)?", fullmatch=True)
labels = st.dictionaries(dns_labels, label_values, max_size=3)
timestamps = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
)
ports = st.integers(min_value=1, max_value=65535)
int_or_percent = st.one_of(st.integers(0, 10), st.integers(0, 100).map(lambda p: f"{p}%"))

resource_lists = st.dictionaries(
    st.sampled_from(["cpu", "memory", "pods"]), quantities(), max_size=3
)

metas = st.builds(
    ObjectMeta,
    name=dns_labels,
    namespace=st.one_of(st.just(""), dns_labels),
    uid=st.uuids().map(str),
    resource_version=st.integers(1, 10**6).map(str),
    generation=st.integers(0, 100),
    creation_timestamp=st.none() | timestamps,
    labels=labels,
    annotations=labels,
    finalizers=st.lists(dns_labels, max_size=2),
)

probes = st.builds(
    Probe,
    http_get=st.builds(HTTPGetAction, path=st.just("/"), port=ports | dns_labels),
    period_seconds=st.none() | st.integers(1, 60),
    failure_threshold=st.none() | st.integers(1, 10),
)

containers = st.builds(
    Container,
    name=dns_labels,
    image=st.sampled_from(["nginx", "nginx:1.25", "busybox@sha256:abc"]),
    command=st.lists(st.text(max_size=5), max_size=2),
    ports=st.lists(st.builds(ContainerPort, container_port=ports), max_size=2),
    resources=st.builds(ResourceRequirements, requests=resource_lists, limits=resource_lists),
    readiness_probe=st.none() | probes,
)

tolerations = st.builds(
    Toleration,
    key=dns_labels,
    operator=st.sampled_from(["Exists", "Equal"]),
    effect=st.sampled_from(["", "NoSchedule", "NoExecute"]),
    toleration_seconds=st.none() | st.integers(0, 300),
)

pod_specs = st.builds(
    PodSpec,
    containers=st.lists(containers, min_size=1, max_size=2),
    init_containers=st.lists(containers, max_size=1),
    node_name=st.one_of(st.just(""), dns_labels),
    node_selector=labels,
    tolerations=st.lists(tolerations, max_size=2),
    priority=st.none() | st.integers(-10, 10**6),
    termination_grace_period_seconds=st.none() | st.integers(0, 60),
)

pod_statuses = st.builds(
    PodStatus,
    phase=st.sampled_from(["", "Pending", "Running", "Succeeded", "Failed"]),
    conditions=st.lists(
        st.builds(
            PodCondition,
            type=st.sampled_from(["Ready", "PodScheduled"]),
            status=st.sampled_from(["True", "False"]),
            last_transition_time=st.none() | timestamps,
        ),
        max_size=2,
    ),
    container_statuses=st.lists(
        st.builds(
            ContainerStatus, name=dns_labels, ready=st.booleans(), restart_count=st.integers(0, 9)
        ),
        max_size=2,
    ),
    pod_ip=st.sampled_from(["", "10.0.0.1"]),
    start_time=st.none() | timestamps,
)

pods = st.builds(Pod, metadata=metas, spec=pod_specs, status=pod_statuses)

deployments = st.builds(
    Deployment,
    metadata=metas,
    spec=st.builds(
        DeploymentSpec,
        replicas=st.none() | st.integers(0, 10),
        selector=st.none()
        | st.builds(
            LabelSelector,
            match_labels=labels,
            match_expressions=st.lists(
                st.builds(
                    LabelSelectorRequirement,
                    key=dns_labels,
                    operator=st.sampled_from(["In", "NotIn"]),
                    values=st.lists(label_values, min_size=1, max_size=2),
                ),
                max_size=1,
            ),
        ),
        template=st.builds(PodTemplateSpec, metadata=metas, spec=pod_specs),
        strategy=st.none()
        | st.builds(
            DeploymentStrategy,
            type=st.just("RollingUpdate"),
            rolling_update=st.builds(
                RollingUpdateDeployment, max_surge=int_or_percent, max_unavailable=int_or_percent
            ),
        ),
        paused=st.booleans(),
        min_ready_seconds=st.integers(0, 30),
    ),
)

services = st.builds(
    Service,
    metadata=metas,
    spec=st.builds(
        ServiceSpec,
        type=st.sampled_from(["", "ClusterIP", "NodePort"]),
        selector=labels,
        ports=st.lists(
            st.builds(
                ServicePort,
                name=dns_labels,
                port=ports,
                target_port=st.none() | ports | dns_labels,
                node_port=st.none() | st.integers(30000, 32767),
            ),
            max_size=2,
        ),
        cluster_ip=st.sampled_from(["", "None", "10.96.0.10"]),
        session_affinity=st.sampled_from(["", "None", "ClientIP"]),
    ),
)
