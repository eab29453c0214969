"""Defaulting fills in what Kubernetes' defaults.go fills in, and is idempotent."""

from __future__ import annotations

import pytest

from kube_actors.api import (
    Container,
    ContainerPort,
    DaemonSet,
    Deployment,
    HorizontalPodAutoscaler,
    Job,
    Pod,
    PodSpec,
    Probe,
    Service,
    StatefulSet,
    TCPSocketAction,
    default,
    load_manifests,
    to_dict,
)


def _load(text: str) -> object:
    [obj] = load_manifests(text)
    return obj


POD_TEMPLATE = """
    metadata: {labels: {app: a}}
    spec:
      containers: [{name: c, image: busybox}]
"""


def test_pod_defaults() -> None:
    pod = default(Pod(spec=PodSpec(containers=[Container(name="c", image="nginx")])))
    spec = pod.spec
    assert spec.restart_policy == "Always"
    assert spec.termination_grace_period_seconds == 30
    assert spec.dns_policy == "ClusterFirst"
    assert spec.scheduler_name == "default-scheduler"
    assert spec.containers[0].image_pull_policy == "Always"
    assert spec.tolerations == ()  # the not-ready/unreachable ones come from admission


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        ("registry:5000/nginx", "Always"),
        ("nginx@sha256:abc", "IfNotPresent"),
    ],
)
def test_image_pull_policy_follows_the_tag(image: str, policy: str) -> None:
    pod = default(Pod(spec=PodSpec(containers=[Container(name="c", image=image)])))
    assert pod.spec.containers[0].image_pull_policy == policy


def test_probe_and_port_defaults() -> None:
    container = Container(
        name="c",
        image="x:1",
        ports=[ContainerPort(container_port=80)],
        liveness_probe=Probe(tcp_socket=TCPSocketAction(port=80)),
    )
    pod = default(Pod(spec=PodSpec(containers=[container])))
    probe = pod.spec.containers[0].liveness_probe
    assert probe is not None
    assert (probe.period_seconds, probe.timeout_seconds) == (10, 1)
    assert (probe.success_threshold, probe.failure_threshold) == (1, 3)
    assert pod.spec.containers[0].ports[0].protocol == "TCP"


def test_deployment_defaults() -> None:
    deployment = default(
        _load(f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: d}}
spec:
  selector: {{matchLabels: {{app: a}}}}
  template:{POD_TEMPLATE}""")
    )
    assert isinstance(deployment, Deployment)
    spec = deployment.spec
    assert spec.replicas == 1
    assert spec.strategy is not None
    assert spec.strategy.type == "RollingUpdate"
    assert spec.strategy.rolling_update is not None
    assert spec.strategy.rolling_update.max_surge == "25%"
    assert spec.strategy.rolling_update.max_unavailable == "25%"
    assert spec.revision_history_limit == 10
    assert spec.progress_deadline_seconds == 600
    assert spec.template.spec.restart_policy == "Always"


def test_stateful_set_daemon_set_and_job_defaults() -> None:
    header = "metadata: {{name: x}}\nspec:\n  selector: {{matchLabels: {{app: a}}}}\n  template:"
    stateful = default(
        _load("apiVersion: apps/v1\nkind: StatefulSet\n" + header.format() + POD_TEMPLATE)
    )
    assert isinstance(stateful, StatefulSet)
    assert stateful.spec.replicas == 1
    assert stateful.spec.pod_management_policy == "OrderedReady"
    assert stateful.spec.update_strategy is not None
    assert stateful.spec.update_strategy.rolling_update is not None
    assert stateful.spec.update_strategy.rolling_update.partition == 0
    daemon = default(
        _load("apiVersion: apps/v1\nkind: DaemonSet\n" + header.format() + POD_TEMPLATE)
    )
    assert isinstance(daemon, DaemonSet)
    assert daemon.spec.update_strategy is not None
    rolling = daemon.spec.update_strategy.rolling_update
    assert rolling is not None
    assert (rolling.max_unavailable, rolling.max_surge) == (1, 0)
    job = default(_load("apiVersion: batch/v1\nkind: Job\n" + header.format() + POD_TEMPLATE))
    assert isinstance(job, Job)
    spec = job.spec
    assert (spec.completions, spec.parallelism, spec.backoff_limit) == (1, 1, 6)
    assert (spec.completion_mode, spec.suspend) == ("NonIndexed", False)
    assert spec.pod_replacement_policy == "TerminatingOrFailed"


def test_projected_volumes_default_to_mode_0644_which_the_api_shows_as_420() -> None:
    pod = default(
        _load(
            """
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: busybox}]
  volumes:
  - {name: config, configMap: {name: app}}
  - {name: creds, secret: {secretName: app, defaultMode: 256}}
  - {name: info, downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}}
  - {name: all, projected: {sources: [{configMap: {name: app}}]}}
  - {name: host, hostPath: {path: /tmp}}
"""
        )
    )
    assert isinstance(pod, Pod)
    config, creds, info, projected, host = pod.spec.volumes
    assert config.config_map is not None
    assert config.config_map.default_mode == 420
    assert creds.secret is not None
    assert creds.secret.default_mode == 256  # given: kept
    assert info.downward_api is not None
    assert info.downward_api.default_mode == 420
    assert projected.projected is not None
    assert projected.projected.default_mode == 420
    assert host.host_path is not None
    assert host.host_path.type == ""
    assert to_dict(pod)["spec"]["volumes"][0]["configMap"]["defaultMode"] == 420


def test_service_defaults() -> None:
    service = default(
        _load("""
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  sessionAffinity: ClientIP
  ports: [{port: 80}]
""")
    )
    assert isinstance(service, Service)
    assert service.spec.type == "ClusterIP"
    port = service.spec.ports[0]
    assert (port.protocol, port.target_port) == ("TCP", 80)
    config = service.spec.session_affinity_config
    assert config is not None
    assert config.client_ip is not None
    assert config.client_ip.timeout_seconds == 10800


def test_a_given_hpa_behavior_gets_kubernetes_rules_where_it_leaves_them_unset() -> None:
    hpa = default(
        _load(
            """
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  behavior:
    scaleDown:
      policies: [{type: Pods, value: 1, periodSeconds: 60}]
"""
        )
    )
    assert isinstance(hpa, HorizontalPodAutoscaler)
    assert to_dict(hpa)["spec"]["behavior"] == {
        "scaleUp": {
            "stabilizationWindowSeconds": 0,
            "selectPolicy": "Max",
            "policies": [
                {"type": "Pods", "value": 4, "periodSeconds": 15},
                {"type": "Percent", "value": 100, "periodSeconds": 15},
            ],
        },
        # No window for scaling down: --horizontal-pod-autoscaler-downscale-stabilization decides.
        "scaleDown": {
            "selectPolicy": "Max",
            "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}],
        },
    }
    plain = default(_load("kind: HorizontalPodAutoscaler\napiVersion: autoscaling/v2\n"))
    assert isinstance(plain, HorizontalPodAutoscaler)
    assert plain.spec.behavior is None  # no behavior given: none made up


def test_defaulting_twice_changes_nothing_and_returns_the_same_object() -> None:
    deployment = default(
        _load(f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: d}}
spec:
  selector: {{matchLabels: {{app: a}}}}
  template:{POD_TEMPLATE}""")
    )
    assert default(deployment) is deployment
