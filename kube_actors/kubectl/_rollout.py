"""``kubectl rollout undo`` over a ``Client``: put an earlier revision's template back.

The Deployment controller then finds the ReplicaSet of that template and makes it the new one,
at the newest revision, as Kubernetes' does since the rollback moved into kubectl.
"""

from __future__ import annotations

from collections.abc import Iterable

from .._log import get_logger
from ..api import (
    SKIPPED_ANNOTATIONS,
    Deployment,
    ReplicaSet,
    controller_of,
    equal_ignore_hash,
    revision,
    unstructure,
    without_hash,
)
from ..client import Client
from ..errors import BadRequest, NotFound

__all__ = ["rollback"]

log = get_logger("kube_actors.kubectl")


async def rollback(
    client: Client, name: str, namespace: str = "default", to_revision: int = 0
) -> Deployment:
    """``kubectl rollout undo``: put an earlier revision's template back into the Deployment
    (``to_revision`` 0: the one before the current). The controller then makes that
    ReplicaSet the new one, at the newest revision. Returns the Deployment as it then is.

    Raises ``BadRequest`` for a paused Deployment or a revision that is not in the history.
    """
    d = await client.get(Deployment, name, namespace=namespace)
    if d.spec.paused:
        raise BadRequest(
            "you cannot rollback a paused deployment; resume it first with "
            "'kubectl rollout resume' and try again",
            kind="Deployment",
            name=name,
        )
    target = _revision_to_restore(
        d, await client.list(ReplicaSet, namespace=namespace), to_revision
    )
    if equal_ignore_hash(target.spec.template, d.spec.template):
        log.info("rollback_skipped", deployment=name, revision=revision(target))
        return d
    annotations = {k: v for k, v in d.metadata.annotations.items() if k in SKIPPED_ANNOTATIONS}
    annotations.update(
        (k, v) for k, v in target.metadata.annotations.items() if k not in SKIPPED_ANNOTATIONS
    )
    patch = [
        {"op": "test", "path": "/metadata/uid", "value": d.metadata.uid},
        {
            "op": "add",
            "path": "/spec/template",
            "value": unstructure(without_hash(target.spec.template)),
        },
        {"op": "add", "path": "/metadata/annotations", "value": annotations},
    ]
    restored: Deployment = await client.patch(
        Deployment, name, patch, namespace=namespace, patch_type="json"
    )
    return restored


def _revision_to_restore(d: Deployment, sets: Iterable[ReplicaSet], to_revision: int) -> ReplicaSet:
    owned = [
        rs for rs in sets if (ref := controller_of(rs)) is not None and ref.uid == d.metadata.uid
    ]
    by_revision = sorted(((revision(rs), rs) for rs in owned), key=lambda pair: pair[0])
    if to_revision > 0:
        for number, rs in by_revision:
            if number == to_revision:
                return rs
        raise NotFound(
            f"unable to find specified revision {to_revision} in history",
            kind="Deployment",
            name=d.metadata.name,
        )
    if len(by_revision) < 2:
        raise NotFound(
            f'no rollout history found for deployment "{d.metadata.name}"',
            kind="Deployment",
            name=d.metadata.name,
        )
    return by_revision[-2][1]
