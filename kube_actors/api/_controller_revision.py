"""ControllerRevision (apps/v1): one immutable snapshot of a workload's template.

DaemonSets and StatefulSets keep their history in ControllerRevisions, as Deployments keep
theirs in old ReplicaSets: each revision holds the template as a patch that restores it
(``data``) and a number that grows with each new revision (``revision``). Its name is
``<owner>-<hash>``, and the Pods made from it carry the hash in ``controller-revision-hash``.
``kubectl rollout history`` lists them and ``kubectl rollout undo`` patches the owner with
one's ``data``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._base import EMPTY_TREE, freeze_tree
from ._meta import ObjectMeta

__all__ = ["ControllerRevision"]


@attrs.frozen(kw_only=True)
class ControllerRevision:
    api_version: ClassVar[str] = "apps/v1"
    kind: ClassVar[str] = "ControllerRevision"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    #: The state this revision restores, as a JSON object (a strategic merge patch).
    data: Mapping[str, Any] = attrs.field(default=EMPTY_TREE, converter=freeze_tree)
    revision: int = 0
