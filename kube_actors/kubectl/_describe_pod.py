"""``kubectl describe pod``, and the pod template every workload's describe shows: containers
(ports, state, resources, probes, environment, mounts), volumes, QoS class, node-selectors,
tolerations, in describe.go's order and words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..api import (
    Container,
    ContainerState,
    ContainerStatus,
    Event,
    Pod,
    PodTemplateSpec,
    Probe,
    Volume,
)
from . import _describe_fields as f
from ._columns import since
from ._tabwriter import Page

__all__ = ["describe_pod", "pod_template"]


def describe_pod(page: Page, pod: Pod, events: Sequence[Event], now: dt.datetime) -> None:
    meta, spec, status = pod.metadata, pod.spec, pod.status
    page.write(0, f"Name:\t{meta.name}\n")
    page.write(0, f"Namespace:\t{meta.namespace}\n")
    if spec.priority is not None:
        page.write(0, f"Priority:\t{spec.priority}\n")
    if spec.priority_class_name:
        page.write(0, f"Priority Class Name:\t{spec.priority_class_name}\n")
    if spec.service_account_name:
        page.write(0, f"Service Account:\t{spec.service_account_name}\n")
    node = f"{spec.node_name}/{status.host_ip}" if spec.node_name else "<none>"
    page.write(0, f"Node:\t{node}\n")
    if status.start_time is not None:
        page.write(0, f"Start Time:\t{f.when(status.start_time)}\n")
    f.label_lines(page, "Labels", meta.labels)
    f.annotation_lines(page, "Annotations", meta.annotations)
    if meta.deletion_timestamp is not None and status.phase not in ("Failed", "Succeeded"):
        page.write(0, f"Status:\tTerminating (lasts {since(meta.deletion_timestamp, now)})\n")
        grace = meta.deletion_grace_period_seconds or 0
        page.write(0, f"Termination Grace Period:\t{grace}s\n")
    else:
        page.write(0, f"Status:\t{status.phase}\n")
    if status.reason:
        page.write(0, f"Reason:\t{status.reason}\n")
    if status.message:
        page.write(0, f"Message:\t{status.message}\n")
    page.write(0, f"IP:\t{status.pod_ip}\n")
    if status.pod_ips:
        page.write(0, "IPs:\n")
        for ip in status.pod_ips:
            page.write(1, f"IP:\t{ip.ip}\n")
    else:
        page.write(0, "IPs:\t<none>\n")
    if owner := f.controlled_by(pod):
        page.write(0, f"Controlled By:\t{owner}\n")
    if status.nominated_node_name:
        page.write(0, f"NominatedNodeName:\t{status.nominated_node_name}\n")
    if spec.init_containers:
        _containers(
            page, "Init Containers", spec.init_containers, status.init_container_statuses, pod
        )
    _containers(page, "Containers", spec.containers, status.container_statuses, pod)
    if status.conditions:
        page.write(0, "Conditions:\n  Type\tStatus\n")
        for condition in status.conditions:
            page.write(1, f"{condition.type} \t{condition.status} \n")
    _volumes(page, spec.volumes, "")
    page.write(0, f"QoS Class:\t{status.qos_class or _qos_class(pod)}\n")
    f.label_lines(page, "Node-Selectors", spec.node_selector)
    f.tolerations(page, "Tolerations", spec.tolerations)
    f.events(page, events, now)


def pod_template(page: Page, template: PodTemplateSpec) -> None:
    """``DescribePodTemplate``: a workload's pod template, indented under its title."""
    meta, spec = template.metadata, template.spec
    page.write(0, "Pod Template:\n")
    f.label_lines(page, "  Labels", meta.labels)
    if meta.annotations:
        f.annotation_lines(page, "  Annotations", meta.annotations)
    if spec.service_account_name:
        page.write(1, f"Service Account:\t{spec.service_account_name}\n")
    if spec.init_containers:
        _containers(page, "Init Containers", spec.init_containers, (), None)
    _containers(page, "Containers", spec.containers, (), None)
    _volumes(page, spec.volumes, "  ")
    if spec.priority_class_name:
        page.write(1, f"Priority Class Name:\t{spec.priority_class_name}\n")
    f.label_lines(page, "  Node-Selectors", spec.node_selector)
    f.tolerations(page, "  Tolerations", spec.tolerations)


def _containers(
    page: Page,
    title: str,
    containers: Sequence[Container],
    statuses: Sequence[ContainerStatus],
    pod: Pod | None,
) -> None:
    """``describeContainers``: a pod's (``pod`` given, whose fields env refers to) or a
    template's, indented one level more."""
    space = "" if pod is not None else "  "
    by_name = {s.name: s for s in statuses}
    page.write(0, f"{space}{title}:{'' if containers else ' <none>'}\n")
    for container in containers:
        status = by_name.get(container.name)
        page.write(1, f"{' ' if space else ''}{container.name}:\n")
        if status is not None:
            page.write(2, f"Container ID:\t{status.container_id}\n")
        page.write(2, f"Image:\t{container.image}\n")
        if status is not None:
            page.write(2, f"Image ID:\t{status.image_id}\n")
        _ports(page, container)
        _command(page, container)
        if status is not None:
            _state(page, "State", status.state)
            if status.last_state.terminated is not None:
                _state(page, "Last State", status.last_state)
            page.write(2, f"Ready:\t{f.title_bool(status.ready)}\n")
            page.write(2, f"Restart Count:\t{status.restart_count}\n")
        f.resources(page, container.resources.limits, container.resources.requests, 2)
        for title, probe in (
            ("Liveness", container.liveness_probe),
            ("Readiness", container.readiness_probe),
            ("Startup", container.startup_probe),
        ):
            if probe is not None:
                page.write(2, f"{title}:\t{describe_probe(probe)}\n")
        _environment(page, container, pod)
        _mounts(page, container)


def _ports(page: Page, container: Container) -> None:
    ports = ", ".join(f"{p.container_port}/{p.protocol}" for p in container.ports)
    host_ports = ", ".join(f"{p.host_port or 0}/{p.protocol}" for p in container.ports)
    page.write(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
    if "," in host_ports:
        page.write(2, f"Host Ports:\t{host_ports}\n")
    else:
        page.write(2, f"Host Port:\t{host_ports or '<none>'}\n")


def _command(page: Page, container: Container) -> None:
    for title, words in (("Command", container.command), ("Args", container.args)):
        if words:
            page.write(2, f"{title}:\n")
            for word in words:
                for line in word.split("\n"):
                    page.write(3, f"{line}\n")


def _state(page: Page, title: str, state: ContainerState) -> None:
    if state.running is not None:
        page.write(2, f"{title}:\tRunning\n")
        page.write(3, f"Started:\t{f.when(state.running.started_at)}\n")
    elif state.waiting is not None:
        page.write(2, f"{title}:\tWaiting\n")
        if state.waiting.reason:
            page.write(3, f"Reason:\t{state.waiting.reason}\n")
    elif state.terminated is not None:
        done = state.terminated
        page.write(2, f"{title}:\tTerminated\n")
        if done.reason:
            page.write(3, f"Reason:\t{done.reason}\n")
        if done.message:
            page.write(3, f"Message:\t{done.message}\n")
        page.write(3, f"Exit Code:\t{done.exit_code}\n")
        if done.signal > 0:
            page.write(3, f"Signal:\t{done.signal}\n")
        page.write(3, f"Started:\t{f.when(done.started_at)}\n")
        page.write(3, f"Finished:\t{f.when(done.finished_at)}\n")
    else:
        page.write(2, f"{title}:\tWaiting\n")


def describe_probe(probe: Probe) -> str:
    """``DescribeProbe``: the action, then its timing as kubectl 1.32 prints it."""
    timing = (
        f"delay={probe.initial_delay_seconds}s timeout={probe.timeout_seconds or 0}s "
        f"period={probe.period_seconds or 0}s #success={probe.success_threshold or 0} "
        f"#failure={probe.failure_threshold or 0}"
    )
    if probe.exec is not None:
        return f"exec [{' '.join(probe.exec.command)}] {timing}"
    if probe.http_get is not None:
        get = probe.http_get
        port = str(get.port)
        host = f"[{get.host}]" if ":" in get.host else get.host
        scheme = f"{get.scheme.lower()}:" if get.scheme else ""  # Go's url.URL.String
        return f"http-get {scheme}//{host}:{port}{get.path} {timing}"
    if probe.tcp_socket is not None:
        return f"tcp-socket {probe.tcp_socket.host}:{probe.tcp_socket.port} {timing}"
    return f"unknown {timing}"


def _environment(page: Page, container: Container, pod: Pod | None) -> None:
    if container.env_from:
        page.write(2, "Environment Variables from:\n")
        for source in container.env_from:
            kind, name, optional = "", "", False
            if source.config_map_ref is not None:
                kind, name = "ConfigMap", source.config_map_ref.name
                optional = bool(source.config_map_ref.optional)
            elif source.secret_ref is not None:
                kind, name = "Secret", source.secret_ref.name
                optional = bool(source.secret_ref.optional)
            prefix = f" with prefix '{source.prefix}'" if source.prefix else ""
            page.write(3, f"{name}\t{kind}{prefix}\tOptional: {f.go_bool(optional)}\n")
    page.write(2, "Environment:\n" if container.env else "Environment:\t<none>\n")
    for env in container.env:
        value_from = env.value_from
        if value_from is None:
            for i, line in enumerate(env.value.split("\n")):
                page.write(3, f"{env.name}:\t{line}\n" if i == 0 else f"\t{line}\n")
        elif value_from.field_ref is not None:
            ref = value_from.field_ref
            value = _field_value(pod, ref.field_path) if pod is not None else ""
            page.write(3, f"{env.name}:\t{value} ({ref.api_version}:{ref.field_path})\n")
        elif value_from.resource_field_ref is not None:
            page.write(3, f"{env.name}:\t ({value_from.resource_field_ref.resource})\n")
        elif value_from.secret_key_ref is not None:
            secret = value_from.secret_key_ref
            page.write(
                3,
                f"{env.name}:\t<set to the key '{secret.key}' in secret '{secret.name}'>\t"
                f"Optional: {f.go_bool(secret.optional)}\n",
            )
        elif value_from.config_map_key_ref is not None:
            config = value_from.config_map_key_ref
            page.write(
                3,
                f"{env.name}:\t<set to the key '{config.key}' of config map '{config.name}'>\t"
                f"Optional: {f.go_bool(config.optional)}\n",
            )


def _field_value(pod: Pod, path: str) -> str:
    """A downward-API field of ``pod`` (``fieldpath.ExtractFieldPathAsString``)."""
    meta = pod.metadata
    for prefix, values in (
        ("metadata.labels", meta.labels),
        ("metadata.annotations", meta.annotations),
    ):
        if path.startswith(prefix + "['") and path.endswith("']"):
            return values.get(path[len(prefix) + 2 : -2], "")
    simple = {
        "metadata.name": meta.name,
        "metadata.namespace": meta.namespace,
        "metadata.uid": meta.uid,
        "spec.nodeName": pod.spec.node_name,
        "spec.serviceAccountName": pod.spec.service_account_name,
        "status.hostIP": pod.status.host_ip,
        "status.podIP": pod.status.pod_ip,
    }
    return simple.get(path, "")


def _mounts(page: Page, container: Container) -> None:
    page.write(2, "Mounts:\n" if container.volume_mounts else "Mounts:\t<none>\n")
    for mount in sorted(container.volume_mounts, key=lambda m: m.mount_path):
        flags = ["ro" if mount.read_only else "rw"]
        if mount.sub_path:
            flags.append(f'path="{mount.sub_path}"')
        page.write(3, f"{mount.mount_path} from {mount.name} ({','.join(flags)})\n")


def _volumes(page: Page, volumes: Sequence[Volume], space: str) -> None:
    if not volumes:
        page.write(0, f"{space}Volumes:\t<none>\n")
        return
    page.write(0, f"{space}Volumes:\n")
    for volume in volumes:
        page.write(1, f"{' ' if space else ''}{volume.name}:\n")
        page.write(2, _volume_source(volume))


def _volume_source(volume: Volume) -> str:
    """The lines of one volume source, at level 2 (continuation lines carry their indent)."""
    if (host := volume.host_path) is not None:
        return (
            "Type:\tHostPath (bare host directory volume)\n"
            f"    Path:\t{host.path}\n    HostPathType:\t{host.type or ''}\n"
        )
    if (empty := volume.empty_dir) is not None:
        limit = str(empty.size_limit) if empty.size_limit else "<unset>"
        return (
            "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
            f"    Medium:\t{empty.medium}\n    SizeLimit:\t{limit}\n"
        )
    if (secret := volume.secret) is not None:
        return (
            "Type:\tSecret (a volume populated by a Secret)\n"
            f"    SecretName:\t{secret.secret_name}\n    Optional:\t{f.go_bool(secret.optional)}\n"
        )
    if (config := volume.config_map) is not None:
        return (
            "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
            f"    Name:\t{config.name}\n    Optional:\t{f.go_bool(config.optional)}\n"
        )
    if (claim := volume.persistent_volume_claim) is not None:
        return (
            "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same "
            f"namespace)\n    ClaimName:\t{claim.claim_name}\n"
            f"    ReadOnly:\t{f.go_bool(claim.read_only)}\n"
        )
    if (downward := volume.downward_api) is not None:
        text = "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n"
        for item in downward.items:
            if item.field_ref is not None:
                text += f"      {item.field_ref.field_path} -> {item.path}\n"
            if item.resource_field_ref is not None:
                text += f"      {item.resource_field_ref.resource} -> {item.path}\n"
        return text
    if (projected := volume.projected) is not None:
        return _projected(projected.sources)
    return "<unknown>\n"


def _projected(sources: Sequence[object]) -> str:
    # Projected sources print at level 2 each (four spaces), their second line indented more;
    # ``Optional`` is a *bool pointer printed with %v: nil shows as <nil>.
    text = "Type:\tProjected (a volume that contains injected data from multiple sources)\n"
    for source in sources:
        secret = getattr(source, "secret", None)
        config = getattr(source, "config_map", None)
        token = getattr(source, "service_account_token", None)
        if secret is not None:
            text += f"    SecretName:\t{secret.name}\n"
            text += f"    SecretOptionalName:\t{_pointer(secret.optional)}\n"
        elif getattr(source, "downward_api", None) is not None:
            text += "    DownwardAPI:\ttrue\n"
        elif config is not None:
            text += f"    ConfigMapName:\t{config.name}\n"
            text += f"    ConfigMapOptional:\t{_pointer(config.optional)}\n"
        elif token is not None:
            text += f"    TokenExpirationSeconds:\t{token.expiration_seconds or 0}\n"
    return text


def _pointer(value: bool | None) -> str:
    """Go's ``%v`` of a ``*bool``: ``<nil>`` when unset, else the address — kubectl prints
    the pointer itself; an unset one is what the default service-account volume has."""
    return "<nil>" if value is None else f.go_bool(value)


def _qos_class(pod: Pod) -> str:
    """``ComputePodQOS``, for a pod whose status does not say."""
    requests: dict[str, object] = {}
    limits: dict[str, object] = {}
    guaranteed = True
    for container in (*pod.spec.containers, *pod.spec.init_containers):
        res = container.resources
        for name, q in res.requests.items():
            if name in ("cpu", "memory") and q.nano_value > 0:
                requests[name] = q
        for name, q in res.limits.items():
            if name in ("cpu", "memory") and q.nano_value > 0:
                limits[name] = q
        if not {"cpu", "memory"} <= {n for n, q in res.limits.items() if q.nano_value > 0}:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if (
        guaranteed
        and all(limits.get(n) == q for n, q in requests.items())
        and len(requests) == len(limits)
    ):
        return "Guaranteed"
    return "Burstable"
