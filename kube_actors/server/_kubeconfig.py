"""The kubeconfig that points kubectl and the clients at a served cluster.

One cluster, one user and one context, all named ``kube-actors`` (the user
``kube-actors-admin``), with the CA inline and the admin bearer token. ``merge_kubeconfig``
puts them into an existing kubeconfig (replacing entries of the same names, keeping every
other one) and makes the context current, as ``kind`` and ``minikube`` do.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any, Final

import yaml

__all__ = ["CONTEXT", "kubeconfig_dict", "kubeconfig_text", "merge_kubeconfig"]

CONTEXT: Final = "kube-actors"
_USER: Final = "kube-actors-admin"


def kubeconfig_dict(url: str, token: str, ca_pem: bytes | None) -> dict[str, Any]:
    """A kubeconfig for ``url``; ``ca_pem`` None means plain HTTP."""
    cluster: dict[str, Any] = {"server": url}
    if ca_pem is not None:
        cluster["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CONTEXT, "cluster": cluster}],
        "users": [{"name": _USER, "user": {"token": token}}],
        "contexts": [
            {
                "name": CONTEXT,
                "context": {"cluster": CONTEXT, "user": _USER, "namespace": "default"},
            }
        ],
        "current-context": CONTEXT,
        "preferences": {},
    }


def kubeconfig_text(url: str, token: str, ca_pem: bytes | None) -> str:
    return yaml.safe_dump(kubeconfig_dict(url, token, ca_pem), sort_keys=False)


def _merged_entries(old: Any, new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = {entry["name"] for entry in new}
    kept = [e for e in (old or []) if isinstance(e, dict) and e.get("name") not in names]
    return kept + new


def merge_kubeconfig(ours: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Merge ``ours`` into the kubeconfig at ``path`` (created if missing); its context
    becomes the current one. Returns the path written."""
    target = Path(path).expanduser()
    existing: dict[str, Any] = {}
    if target.exists():
        loaded = yaml.safe_load(target.read_text())
        if loaded is not None and not isinstance(loaded, dict):
            raise ValueError(f"{target} is not a kubeconfig (not a YAML mapping)")
        existing = loaded or {}
    merged = dict(existing)
    merged.setdefault("apiVersion", "v1")
    merged.setdefault("kind", "Config")
    for section in ("clusters", "users", "contexts"):
        merged[section] = _merged_entries(existing.get(section), ours[section])
    merged["current-context"] = ours["current-context"]
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        yaml.safe_dump(merged, file, sort_keys=False)
    return target
