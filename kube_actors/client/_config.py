"""Where an HTTP client finds its API server: a kubeconfig, or the pod's own service account.

``load_kubeconfig`` reads what kubectl reads: the files of ``$KUBECONFIG`` (merged, the first
file to set a name wins, as client-go's loading rules do) or ``~/.kube/config``; the current
context (or the one named) picks a cluster (``server``, ``certificate-authority[-data]``,
``insecure-skip-tls-verify``) and a user (``token``, ``tokenFile``,
``client-certificate[-data]`` with ``client-key[-data]``). ``in_cluster_config`` is
client-go's ``rest.InClusterConfig``: ``KUBERNETES_SERVICE_HOST`` and ``_PORT``, and the
token, CA and namespace mounted at ``/var/run/secrets/kubernetes.io/serviceaccount``.

What is missing or malformed is a ``ConfigError`` naming the file and the field.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs
import yaml

from kube_actors.errors import ConfigError

__all__ = ["SERVICE_ACCOUNT_DIR", "ClientConfig", "in_cluster_config", "load_kubeconfig"]

#: Where Kubernetes mounts a pod's service-account token, CA and namespace.
SERVICE_ACCOUNT_DIR: Final = Path("/var/run/secrets/kubernetes.io/serviceaccount")


@attrs.frozen(kw_only=True)
class ClientConfig:
    """How to reach one API server: its URL, whom to trust, and who we are."""

    server: str
    #: The CA to verify the server with (PEM); None: the system's trust store.
    ca_pem: bytes | None = None
    insecure_skip_tls_verify: bool = False
    token: str = ""
    #: A client certificate and its key (PEM), for x509 authentication.
    client_cert_pem: bytes | None = None
    client_key_pem: bytes | None = None
    #: The context's namespace (``default`` if it names none).
    namespace: str = "default"

    def __repr__(self) -> str:  # never print the token
        return f"ClientConfig(server={self.server!r}, namespace={self.namespace!r})"


def _kubeconfig_paths(path: str | os.PathLike[str] | None) -> list[Path]:
    if path is not None:
        return [Path(path).expanduser()]
    env = os.environ.get("KUBECONFIG", "")
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return [Path("~/.kube/config").expanduser()]


def _merged(paths: list[Path]) -> tuple[dict[str, Any], dict[str, Path]]:
    """The files merged (the first to name an entry keeps it) and the file each entry came
    from, to resolve its relative paths against."""
    merged: dict[str, Any] = {"clusters": {}, "users": {}, "contexts": {}, "current-context": ""}
    origin: dict[str, Path] = {}
    for path in paths:
        if not path.exists():
            continue
        try:
            loaded = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: not a kubeconfig: {error}") from None
        if not isinstance(loaded, Mapping):
            raise ConfigError(f"{path}: not a kubeconfig (not a YAML mapping)")
        if not merged["current-context"]:
            merged["current-context"] = loaded.get("current-context") or ""
        for section, inner in (("clusters", "cluster"), ("users", "user"), ("contexts", "context")):
            for entry in loaded.get(section) or []:
                if not isinstance(entry, Mapping) or "name" not in entry:
                    raise ConfigError(f"{path}: {section}: every entry needs a name")
                name = str(entry["name"])
                if name not in merged[section]:
                    merged[section][name] = dict(entry.get(inner) or {})
                    origin[f"{section}/{name}"] = path
    if not any(path.exists() for path in paths):
        shown = ", ".join(str(p) for p in paths)
        raise ConfigError(f"no kubeconfig found at {shown} (set KUBECONFIG, or pass a path)")
    return merged, origin


def _data(entry: Mapping[str, Any], key: str, base: Path, where: str) -> bytes | None:
    """``<key>-data`` (base64) or ``<key>`` (a file, relative to the kubeconfig's folder)."""
    inline = entry.get(f"{key}-data")
    if inline:
        try:
            return base64.b64decode(str(inline), validate=True)
        except binascii.Error:
            raise ConfigError(f"{where}.{key}-data: not valid base64") from None
    file = entry.get(key)
    if not file:
        return None
    target = Path(str(file)).expanduser()
    if not target.is_absolute():
        target = base.parent / target
    try:
        return target.read_bytes()
    except OSError as error:
        raise ConfigError(f"{where}.{key}: cannot read {target}: {error.strerror}") from None


def load_kubeconfig(
    path: str | os.PathLike[str] | None = None, context: str | None = None
) -> ClientConfig:
    """The configuration of ``context`` (default: the current one) of a kubeconfig."""
    merged, origin = _merged(_kubeconfig_paths(path))
    name = context or merged.get("current-context") or ""
    if not name:
        raise ConfigError("the kubeconfig has no current-context: pass context=...")
    ctx = merged["contexts"].get(name)
    if ctx is None:
        raise ConfigError(f'context "{name}" does not exist in the kubeconfig')
    cluster_name, user_name = ctx.get("cluster", ""), ctx.get("user", "")
    cluster = merged["clusters"].get(cluster_name)
    if cluster is None:
        raise ConfigError(f'context "{name}": cluster "{cluster_name}" does not exist')
    server = cluster.get("server")
    if not server:
        raise ConfigError(f'cluster "{cluster_name}": server is required')
    user: Mapping[str, Any] = merged["users"].get(user_name) or {}
    cluster_file = origin[f"clusters/{cluster_name}"]
    user_file = origin.get(f"users/{user_name}", cluster_file)
    token = str(user.get("token") or "")
    if not token and user.get("tokenFile"):
        token_bytes = _data({"token": user["tokenFile"]}, "token", user_file, f"user {user_name}")
        token = (token_bytes or b"").decode().strip()
    return ClientConfig(
        server=str(server).rstrip("/"),
        ca_pem=_data(cluster, "certificate-authority", cluster_file, f"cluster {cluster_name}"),
        insecure_skip_tls_verify=bool(cluster.get("insecure-skip-tls-verify", False)),
        token=token,
        client_cert_pem=_data(user, "client-certificate", user_file, f"user {user_name}"),
        client_key_pem=_data(user, "client-key", user_file, f"user {user_name}"),
        namespace=str(ctx.get("namespace") or "default"),
    )


def in_cluster_config(
    service_account_dir: str | os.PathLike[str] = SERVICE_ACCOUNT_DIR,
) -> ClientConfig:
    """The configuration of a program running in a pod: the API server the service's
    environment names, authenticated by the pod's service-account token."""
    host = os.environ.get("KUBERNETES_SERVICE_HOST", "")
    port = os.environ.get("KUBERNETES_SERVICE_PORT", "")
    if not host or not port:
        raise ConfigError(
            "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
            "must be set"
        )
    folder = Path(service_account_dir)
    try:
        token = (folder / "token").read_text().strip()
    except OSError as error:
        raise ConfigError(f"cannot read the service-account token: {error}") from None
    ca = folder / "ca.crt"
    namespace = folder / "namespace"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return ClientConfig(
        server=f"https://{host}:{port}",
        ca_pem=ca.read_bytes() if ca.exists() else None,
        token=token,
        namespace=namespace.read_text().strip() if namespace.exists() else "default",
    )
