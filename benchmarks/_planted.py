"""A planted bug for the testing kit's shrinking benchmark: stale labels never removed.

``ImageLabeller`` labels each Deployment with the image it runs
(``images.example.com/nginx-2: "true"``) and never removes the label of the image it ran
before, so after a re-image a Deployment carries two. The machine's invariant says one.
The minimal failing sequence is three steps: start the cluster, create a Deployment,
change its image.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from kube_actors import Client, Cluster
from kube_actors.api import Deployment
from kube_actors.errors import NotFound
from kube_actors.reconcile import ControllerSpec, Request, Result
from kube_actors.testing import ClusterStateMachine

PREFIX = "images.example.com/"


def image_label(image: str) -> str:
    return PREFIX + image.replace(":", "-")


class ImageLabeller:
    def __init__(self, client: Client) -> None:
        self.client = client

    async def reconcile(self, request: Request) -> Result:
        try:
            found = await self.client.get(Deployment, request.name, namespace=request.namespace)
        except NotFound:
            return Result()
        label = image_label(found.spec.template.spec.containers[0].image)
        if found.metadata.labels.get(label) != "true":
            # The bug: the label of the image before is left where it is.
            patch = {"metadata": {"labels": {label: "true"}}}
            await self.client.patch(Deployment, request.name, patch, namespace=request.namespace)
        return Result()


class StaleLabelMachine(ClusterStateMachine):
    """The kit's Deployment rules and faults, the labeller, and the invariant it breaks."""

    builtin_controllers: ClassVar[tuple[str, ...]] = ("deployment", "replicaset")

    def controllers(self, cluster: Cluster) -> Iterable[ControllerSpec]:
        client = cluster.client_for("image-labeller-controller")
        yield ControllerSpec(for_=Deployment, reconciler=ImageLabeller(client), name="labeller")

    async def check_cluster(self, cluster: Cluster) -> None:
        for found in await cluster.client.list(Deployment, namespace=self.namespace):
            mine = {k for k in found.metadata.labels if k.startswith(PREFIX)}
            image = found.spec.template.spec.containers[0].image
            assert mine == {image_label(image)}, f"{found.metadata.name}: {sorted(mine)}"
