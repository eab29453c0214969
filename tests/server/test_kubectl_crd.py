"""kubectl applies a CRD, then a custom object of its kind, and gets it with its columns (#17)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crd_kinds import stop_serving

from .test_kubectl import kubectl, pytestmark, serving, words

__all__ = ["pytestmark"]

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              replicas: {type: integer, default: 1}
"""

CRONTAB = """\
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: my-new-cron-object}
spec: {cronSpec: "* * * * */5"}
"""


@pytest.fixture(autouse=True)
def _stop_serving_crontabs() -> Iterator[None]:
    yield
    stop_serving("stable.example.com/v1", "CronTab")


async def test_kubectl_applies_a_crd_and_gets_its_objects_with_printer_columns(
    tmp_path: Path,
) -> None:
    (tmp_path / "crd.yaml").write_text(CRD)
    (tmp_path / "crontab.yaml").write_text(CRONTAB)
    async with serving(tmp_path) as (_, served):
        await kubectl(served, "apply", "-f", str(tmp_path / "crd.yaml"))
        _, out, _ = await kubectl(served, "apply", "-f", str(tmp_path / "crontab.yaml"))
        assert "crontab.stable.example.com/my-new-cron-object created" in out
        _, table, _ = await kubectl(served, "get", "crontabs")
    # As in Kubernetes, NAME is implicit and AGE is shown because the CRD asks for it.
    header, row = table.strip().splitlines()
    assert words(header) == ["NAME", "SPEC", "REPLICAS", "AGE"]
    assert words(row)[:7] == ["my-new-cron-object", "*", "*", "*", "*", "*/5", "1"]


SCALED_CRD = CRD.replace(
    "    schema:\n",
    "    subresources:\n"
    "      status: {}\n"
    "      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}\n"
    "    schema:\n",
)


async def test_kubectl_scales_a_custom_object_through_its_scale_subresource(
    tmp_path: Path,
) -> None:
    (tmp_path / "crd.yaml").write_text(SCALED_CRD)
    (tmp_path / "crontab.yaml").write_text(CRONTAB)
    async with serving(tmp_path) as (_, served):
        await kubectl(served, "apply", "-f", str(tmp_path / "crd.yaml"))
        await kubectl(served, "apply", "-f", str(tmp_path / "crontab.yaml"))
        _, out, _ = await kubectl(served, "scale", "crontab/my-new-cron-object", "--replicas=3")
        assert "crontab.stable.example.com/my-new-cron-object scaled" in out
        _, replicas, _ = await kubectl(
            served, "get", "crontab", "my-new-cron-object", "-o", "jsonpath={.spec.replicas}"
        )
        assert replicas == "3"
        _, scale, _ = await kubectl(
            served,
            "get",
            "crontab",
            "my-new-cron-object",
            "--subresource=scale",
            "-o",
            "jsonpath={.kind} {.spec.replicas}",
        )
        assert scale == "Scale 3"


TWO_VERSIONS = CRD.replace(
    "  - name: v1\n",
    "  - name: v1beta1\n"
    "    served: true\n"
    "    storage: false\n"
    "    schema:\n"
    "      openAPIV3Schema:\n"
    "        type: object\n"
    "        properties: {spec: {type: object, properties: {cronSpec: {type: string}}}}\n"
    "  - name: v1\n",
)


async def test_kubectl_waits_for_a_crd_reads_each_served_version_and_explains_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "crd.yaml").write_text(TWO_VERSIONS)
    (tmp_path / "crontab.yaml").write_text(CRONTAB)
    async with serving(tmp_path) as (_, served):
        await kubectl(served, "apply", "-f", str(tmp_path / "crd.yaml"))
        _, waited, _ = await kubectl(
            served, "wait", "--for=condition=Established", "crd/crontabs.stable.example.com"
        )
        await kubectl(served, "apply", "-f", str(tmp_path / "crontab.yaml"))
        _, beta, _ = await kubectl(
            served,
            "get",
            "crontabs.v1beta1.stable.example.com",
            "my-new-cron-object",
            "-o",
            "jsonpath={.apiVersion}",
        )
        _, short, _ = await kubectl(served, "get", "ct", "-o", "name")
        _, explained, _ = await kubectl(served, "explain", "crontabs.spec")
        _, crds, _ = await kubectl(served, "get", "crds")
    assert "condition met" in waited
    header, row = crds.strip().splitlines()
    assert words(header) == ["NAME", "CREATED", "AT"]
    assert words(row)[0] == "crontabs.stable.example.com"
    assert words(row)[1].endswith("Z")
    assert beta == "stable.example.com/v1beta1"
    assert short.strip() == "crontab.stable.example.com/my-new-cron-object"
    fields = [line.split() for line in explained.splitlines() if "\t<" in line]
    assert fields == [["cronSpec", "<string>"], ["replicas", "<integer>"]]
