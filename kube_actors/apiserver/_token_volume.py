"""The ServiceAccount admission plugin's token volume: ``kube-api-access-<suffix>``.

Kubernetes' ServiceAccount admission gives every container of a new Pod a projected volume at
``/var/run/secrets/kubernetes.io/serviceaccount`` with three files: ``token`` (a token of the
Pod's account bound to the Pod, ``expirationSeconds`` 3607, which the kubelet renews), ``ca.crt``
(from the ``kube-root-ca.crt`` ConfigMap the root-CA publisher keeps in every namespace) and
``namespace`` (the downward API). ``automountServiceAccountToken: false`` on the Pod (or, when
the Pod does not say, on its ServiceAccount) leaves it out, as does a container that mounts
something at that path itself.

Here the volume is added once the namespace holds ``kube-root-ca.crt``, that is while the
cluster serves its API (``cluster.serve()``, ``kube-actors up`` publish it): before that there
is no API for a Pod to reach and no CA to trust, and the volume could not be mounted. A Pod
whose account does not exist (Kubernetes refuses it; here the serviceaccount controller may
not run) gets no volume either.
"""

from __future__ import annotations

import hashlib
from typing import Final

from kube_actors.api import (
    NAME_ALPHABET,
    ConfigMap,
    ConfigMapProjection,
    Container,
    DownwardAPIProjection,
    DownwardAPIVolumeFile,
    KeyToPath,
    ObjectFieldSelector,
    ObjectMeta,
    Pod,
    PodSpec,
    ProjectedVolumeSource,
    ServiceAccount,
    ServiceAccountTokenProjection,
    Volume,
    VolumeMount,
    VolumeProjection,
    evolve,
)

from ._admission_types import Lookup

__all__ = [
    "ROOT_CA_CONFIG_MAP",
    "TOKEN_EXPIRATION_SECONDS",
    "TOKEN_MOUNT_PATH",
    "token_volume_spec",
    "token_volume_wanted",
    "with_token_volume",
]

#: Where every container finds its account's token, the CA and its namespace.
TOKEN_MOUNT_PATH: Final = "/var/run/secrets/kubernetes.io/serviceaccount"
#: The ConfigMap of the cluster's CA the root-ca-cert-publisher keeps in every namespace.
ROOT_CA_CONFIG_MAP: Final = "kube-root-ca.crt"
#: One hour and seven seconds: Kubernetes' mark of a token the kubelet renews.
TOKEN_EXPIRATION_SECONDS: Final = 3607
_PREFIX: Final = "kube-api-access-"


def _volume(name: str) -> Volume:
    namespace = DownwardAPIVolumeFile(
        path="namespace",
        field_ref=ObjectFieldSelector(api_version="v1", field_path="metadata.namespace"),
    )
    sources = (
        VolumeProjection(
            service_account_token=ServiceAccountTokenProjection(
                expiration_seconds=TOKEN_EXPIRATION_SECONDS, path="token"
            )
        ),
        VolumeProjection(
            config_map=ConfigMapProjection(
                name=ROOT_CA_CONFIG_MAP, items=(KeyToPath(key="ca.crt", path="ca.crt"),)
            )
        ),
        VolumeProjection(downward_api=DownwardAPIProjection(items=(namespace,))),
    )
    return Volume(name=name, projected=ProjectedVolumeSource(sources=sources, default_mode=0o644))


def _suffix(meta: ObjectMeta) -> str:
    digest = hashlib.sha256(f"{meta.namespace}/{meta.name or meta.generate_name}".encode())
    return "".join(NAME_ALPHABET[b % len(NAME_ALPHABET)] for b in digest.digest()[:5])


def with_token_volume(pod: Pod, lookup: Lookup) -> Pod:
    """``pod`` with its token volume mounted in every container, when it is to have one."""
    spec = token_volume_spec(pod.metadata, pod.spec, lookup)
    return pod if spec is pod.spec else evolve(pod, spec=spec)


def token_volume_wanted(meta: ObjectMeta, account_name: str, spec: PodSpec, lookup: Lookup) -> bool:
    """Whether the Pod of ``meta`` whose spec is ``spec`` gets a token volume as an account
    ``account_name``'s (its spec's, or the one ServiceAccount admission is to give it)."""
    namespace = meta.namespace or "default"
    if lookup.get(ConfigMap, namespace, ROOT_CA_CONFIG_MAP) is None:
        return False
    account = lookup.get(ServiceAccount, namespace, account_name)
    if account is None:
        return False  # no account (its controller does not run here): no token to mount
    automount = spec.automount_service_account_token
    if automount is None:
        automount = account.automount_service_account_token
    if automount is False:
        return False
    return not any(v.name.startswith(_PREFIX) for v in spec.volumes)


def token_volume_spec(meta: ObjectMeta, spec: PodSpec, lookup: Lookup) -> PodSpec:
    """``with_token_volume``'s spec of the Pod of ``meta`` whose spec is ``spec``."""
    if not token_volume_wanted(meta, spec.service_account_name, spec, lookup):
        return spec
    name = _PREFIX + _suffix(meta)
    mount = VolumeMount(name=name, read_only=True, mount_path=TOKEN_MOUNT_PATH)

    def mounted(containers: tuple[Container, ...]) -> tuple[Container, ...]:
        return tuple(
            c
            if any(m.mount_path == TOKEN_MOUNT_PATH for m in c.volume_mounts)
            else evolve(c, volume_mounts=(*c.volume_mounts, mount))
            for c in containers
        )

    return evolve(
        spec,
        volumes=(*spec.volumes, _volume(name)),
        containers=mounted(spec.containers),
        init_containers=mounted(spec.init_containers),
    )
