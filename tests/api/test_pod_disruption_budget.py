"""A PodDisruptionBudget's validation, worded as Kubernetes words it."""

from __future__ import annotations

import yaml

from kube_actors.api import PodDisruptionBudget, default, from_dict, validation_causes

ZK_PDB = """
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zk-pdb, namespace: default}
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: zookeeper
"""


def budget(**spec: object) -> PodDisruptionBudget:
    manifest = yaml.safe_load(ZK_PDB)
    manifest["spec"].update(spec)
    obj = default(from_dict(manifest))
    assert isinstance(obj, PodDisruptionBudget)
    return obj


def messages(obj: PodDisruptionBudget) -> list[str]:
    return [str(c) for c in validation_causes(obj)]


def test_the_documentation_budget_is_valid() -> None:
    assert messages(budget()) == []
    assert messages(budget(minAvailable="50%")) == []


def test_min_available_and_max_unavailable_exclude_each_other() -> None:
    (message,) = messages(budget(maxUnavailable=1))
    assert message.startswith("spec: Invalid value: ")
    assert message.endswith(": minAvailable and maxUnavailable cannot be both set")


def test_counts_percentages_and_the_eviction_policy_are_checked() -> None:
    assert messages(budget(minAvailable=-1)) == [
        "spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"
    ]
    assert messages(budget(minAvailable="150%")) == [
        'spec.minAvailable: Invalid value: "150%": must not be greater than 100%'
    ]
    assert messages(budget(unhealthyPodEvictionPolicy="Sometimes")) == [
        'spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: '
        '"AlwaysAllow", "IfHealthyBudget"'
    ]
