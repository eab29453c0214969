"""A user's own ReplicaSet controller, correct or with a bug, for the state machine to judge.

It is what a team writes when it reimplements a controller: list the Pods it controls,
create what is missing, delete what is too many. ``deletes_extra=False`` is the bug: a
scale-down never removes a Pod.
"""

from __future__ import annotations

import attrs

from kube_actors import Client
from kube_actors.api import ObjectMeta, Pod, ReplicaSet, controller_of, owner_reference
from kube_actors.client import ignore_not_found
from kube_actors.reconcile import ControllerSpec, Request, Result
from kube_actors.testing import is_live


@attrs.frozen
class NaiveReplicaSets:
    client: Client
    deletes_extra: bool = True

    async def reconcile(self, request: Request) -> Result:
        rs = await ignore_not_found(
            self.client.get(ReplicaSet, request.name, namespace=request.namespace)
        )
        if rs is None or rs.metadata.deletion_timestamp is not None:
            return Result()
        pods = [
            p
            for p in await self.client.list(Pod, namespace=request.namespace)
            if is_live(p) and (ref := controller_of(p)) is not None and ref.uid == rs.metadata.uid
        ]
        wanted = 1 if rs.spec.replicas is None else rs.spec.replicas
        template = rs.spec.template
        for _ in range(wanted - len(pods)):
            meta = ObjectMeta(
                generate_name=f"{rs.metadata.name}-",
                namespace=rs.metadata.namespace,
                labels=template.metadata.labels,
                owner_references=[owner_reference(rs)],
            )
            await self.client.create(Pod(metadata=meta, spec=template.spec))
        if self.deletes_extra:
            extra = sorted(pods, key=lambda p: p.metadata.name)[wanted:]
            for pod in extra:
                await ignore_not_found(
                    self.client.delete(Pod, pod.metadata.name, namespace=request.namespace)
                )
        return Result()


def naive_replica_sets(client: Client, *, deletes_extra: bool = True) -> ControllerSpec:
    return ControllerSpec(
        for_=ReplicaSet,
        owns=[Pod],
        reconciler=NaiveReplicaSets(client, deletes_extra),
        name="naive-replicaset",
    )
