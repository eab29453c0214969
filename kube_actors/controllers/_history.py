"""A workload's revision history in ControllerRevisions: shared by DaemonSets and StatefulSets.

Kubernetes' ``pkg/controller/history`` and the two controllers' use of it
(``constructHistory``, ``getStatefulSetRevisions``, ``truncateHistory``):

- the revision of the owner's current template is found among the owner's revisions by equal
  ``data`` (the template, as a patch that restores it); if it is not the newest, its number is
  raised to one past the newest, as a rollback back to it makes it the newest again; if there
  is none, one is created as ``<owner>-<template hash>`` with the next number, labelled with
  the template's labels and owned by the owner;
- the history is cut to ``revisionHistoryLimit`` (10 by default) revisions besides those still
  in use (by a live Pod, or as the current and update revisions), oldest first.

The hash is the template's (``template_hash``), the one the Pods' ``controller-revision-hash``
labels carry; a hash collision between two different templates of one owner is not handled
(Kubernetes counts them in ``status.collisionCount``): with FNV-32 over whole templates it
would take tens of thousands of revisions of one workload to expect one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs

from ..api import (
    ControllerRevision,
    KubeObject,
    ObjectMeta,
    PodTemplateSpec,
    owner_reference,
    structure,
    template_hash,
    unstructure,
)
from ..client import OWNER_UID_INDEX, Client, SharedInformer
from ..errors import AlreadyExists, NotFound

__all__ = [
    "DEFAULT_HISTORY_LIMIT",
    "HASH_LABEL",
    "RevisionHistory",
    "revision_data",
    "template_of",
]

#: The label of a revision that carries its hash (Kubernetes' ControllerRevisionHashLabel).
HASH_LABEL: Final = "controller.kubernetes.io/hash"
#: ``revisionHistoryLimit`` when a DaemonSet or StatefulSet leaves it unset.
DEFAULT_HISTORY_LIMIT: Final = 10


def revision_data(template: PodTemplateSpec) -> dict[str, Any]:
    """The patch that puts ``template`` back: ``{"spec": {"template": {..., "$patch":
    "replace"}}}``, as both controllers store it (``kubectl rollout undo`` applies it)."""
    wire = dict(unstructure(template))
    wire["$patch"] = "replace"
    return {"spec": {"template": wire}}


def template_of(revision: ControllerRevision) -> PodTemplateSpec:
    """The template a revision restores."""
    spec = revision.data.get("spec", {})
    wire = {k: v for k, v in dict(spec.get("template", {})).items() if k != "$patch"}
    template: PodTemplateSpec = structure(wire, PodTemplateSpec)
    return template


class RevisionHistory:
    """The ControllerRevisions of the owners of one controller."""

    def __init__(self, *, client: Client, revisions: SharedInformer[ControllerRevision]) -> None:
        self.client = client
        self.revisions = revisions

    def owned(self, owner: KubeObject) -> list[ControllerRevision]:
        """``owner``'s revisions, oldest first."""
        found = self.revisions.indexer.by_index(OWNER_UID_INDEX, owner.metadata.uid)
        return sorted(found, key=lambda r: (r.revision, r.metadata.name))

    def known(self, owner: KubeObject, name: str) -> ControllerRevision | None:
        revision = self.revisions.indexer.get(name, owner.metadata.namespace)
        if revision is None:
            return None
        uids = {ref.uid for ref in revision.metadata.owner_references}
        return revision if owner.metadata.uid in uids else None

    async def ensure(
        self, owner: KubeObject, template: PodTemplateSpec, *, hash_label: str | None = None
    ) -> ControllerRevision:
        """The revision of ``template`` among ``owner``'s, made the newest (see the docstring).

        A new revision is labelled with the template's labels and its hash under
        ``controller.kubernetes.io/hash`` (and ``hash_label``, the DaemonSet's
        ``controller-revision-hash``)."""
        history = self.owned(owner)
        data = revision_data(template)
        newest = history[-1].revision if history else 0
        equal = [r for r in history if r.data == data]
        if equal:
            found = equal[-1]
            if found.revision == newest:
                return found
            return await self.client.update(attrs.evolve(found, revision=newest + 1))
        meta = owner.metadata
        hashed = template_hash(template)
        labels = {**template.metadata.labels, HASH_LABEL: hashed}
        if hash_label:
            labels[hash_label] = hashed
        fresh = ControllerRevision(
            metadata=ObjectMeta(
                name=f"{meta.name}-{hashed}",
                namespace=meta.namespace,
                labels=labels,
                owner_references=(owner_reference(owner),),
            ),
            data=data,
            revision=newest + 1,
        )
        try:
            return await self.client.create(fresh)
        except AlreadyExists:
            # Made by an earlier reconcile the cache has not shown yet: the same revision.
            taken = await self.client.get(
                ControllerRevision, fresh.metadata.name, namespace=meta.namespace
            )
            if taken.data != data:
                raise
            return taken

    async def truncate(
        self,
        owner: KubeObject,
        *,
        in_use: Iterable[str],
        limit: int | None,
    ) -> None:
        """Delete the oldest revisions not ``in_use`` (names) beyond ``limit``."""
        keep = set(in_use)
        spare: Sequence[ControllerRevision] = [
            r for r in self.owned(owner) if r.metadata.name not in keep
        ]
        excess = len(spare) - (DEFAULT_HISTORY_LIMIT if limit is None else limit)
        for revision in spare[: max(excess, 0)]:
            try:
                await self.client.delete(
                    ControllerRevision,
                    revision.metadata.name,
                    namespace=revision.metadata.namespace,
                )
            except NotFound:
                continue
