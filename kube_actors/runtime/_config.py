"""From the API's Pod and Container to the runtime's configs: what the kubelet hands over.

Kubernetes' kubelet does this in ``kuberuntime`` (``generatePodSandboxConfig``,
``generateContainerConfig``) and resolves the downward API in ``makeEnvironmentVariables``;
these helpers do the same for the fields a process can use here.
"""

from __future__ import annotations

from collections.abc import Mapping

from kube_actors.api import Container, Pod

from ._types import ContainerConfig, PodSandboxConfig

__all__ = ["container_config_for", "downward_env", "sandbox_config_for"]


def sandbox_config_for(
    pod: Pod, *, ip: str = "", node_name: str = "", attempt: int = 0
) -> PodSandboxConfig:
    """The sandbox config of ``pod``; ``ip`` empty lets the runtime pick a loopback address."""
    meta = pod.metadata
    return PodSandboxConfig(
        name=meta.name,
        namespace=meta.namespace or "default",
        uid=meta.uid,
        attempt=attempt,
        ip=ip,
        node_name=node_name or pod.spec.node_name,
        hostname=pod.spec.hostname or meta.name,
        labels=meta.labels,
        annotations=meta.annotations,
    )


def downward_env(sandbox: PodSandboxConfig, ip: str) -> dict[str, str]:
    """The downward-API basics every container here sees, whether or not the spec asks."""
    return {
        "POD_NAME": sandbox.name,
        "POD_NAMESPACE": sandbox.namespace,
        "POD_UID": sandbox.uid,
        "POD_IP": ip,
        "NODE_NAME": sandbox.node_name,
        "HOSTNAME": sandbox.hostname or sandbox.name,
    }


def _field_values(pod: Pod, pod_ip: str) -> Mapping[str, str]:
    meta = pod.metadata
    return {
        "metadata.name": meta.name,
        "metadata.namespace": meta.namespace or "default",
        "metadata.uid": meta.uid,
        "spec.nodeName": pod.spec.node_name,
        "spec.serviceAccountName": pod.spec.service_account_name,
        "status.podIP": pod_ip,
        "status.hostIP": pod.status.host_ip,
    }


def container_config_for(
    container: Container, pod: Pod, *, pod_ip: str = "", attempt: int = 0
) -> ContainerConfig:
    """The container config of ``container``: env values resolved, memory limit in bytes.

    ``valueFrom.fieldRef`` is resolved for the pod's name, namespace, uid, node name,
    service account and IPs; other sources (ConfigMaps, Secrets) are not resolved here.
    """
    fields = _field_values(pod, pod_ip)
    envs: dict[str, str] = {}
    for var in container.env:
        if var.value_from is not None and var.value_from.field_ref is not None:
            envs[var.name] = fields.get(var.value_from.field_ref.field_path, "")
        else:
            envs[var.name] = var.value
    memory = container.resources.limits.get("memory")
    return ContainerConfig(
        name=container.name,
        image=container.image,
        attempt=attempt,
        command=container.command,
        args=container.args,
        working_dir=container.working_dir,
        envs=envs,
        ports=container.ports,
        memory_limit=memory.value() if memory else None,
        labels=pod.metadata.labels,
        annotations=pod.metadata.annotations,
        stdin=container.stdin,
        stdin_once=container.stdin_once,
        tty=container.tty,
    )
