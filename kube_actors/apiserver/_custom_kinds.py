"""Which kinds the stored CustomResourceDefinitions make served (issue #17, part).

The apiserver calls ``serve`` after a CRD is written and for every stored CRD when it starts
(so a durable store serves its custom kinds again after a restart), and ``stop_serving`` when
a CRD is gone. Objects of the kind are served like any registered kind from then on; a CRD
whose names another CRD holds is not Established (``_crd_status``) and serves nothing.
"""

from __future__ import annotations

from typing import Any

from kube_actors.api import CustomResourceDefinition, lookup_kind
from kube_actors.api._custom_kind import serve_custom_kind
from kube_actors.api._registry import forget_kind

__all__ = ["serve", "stop_serving"]


def serve(crd: Any) -> None:
    serve_custom_kind(crd)


def stop_serving(crd: Any) -> None:
    if not isinstance(crd, CustomResourceDefinition):
        return
    spec = crd.spec
    for version in spec.get("versions", ()):
        info = lookup_kind(f"{spec['group']}/{version['name']}", spec["names"]["kind"])
        if info is not None:
            forget_kind(info.cls)
