"""A CustomResourceDefinition is validated as Kubernetes validates it (issue #17)."""

from __future__ import annotations

import copy
from typing import Any

from kube_actors.api._crd_validation import crd_causes

GOOD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "crontabs.stable.example.com"},
    "spec": {
        "group": "stable.example.com",
        "scope": "Namespaced",
        "names": {
            "plural": "crontabs",
            "singular": "crontab",
            "kind": "CronTab",
            "shortNames": ["ct"],
        },
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "properties": {
                                    "cron": {"type": "string"},
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                },
                            }
                        },
                    }
                },
            }
        ],
    },
}


def changed(**spec: Any) -> dict[str, Any]:
    crd = copy.deepcopy(GOOD)
    crd["spec"].update(spec)
    return crd


def fields(crd: dict[str, Any]) -> list[str]:
    return [c.field for c in crd_causes(crd)]


def test_the_kubernetes_example_crd_is_valid() -> None:
    assert crd_causes(GOOD) == []


def test_the_name_must_be_plural_dot_group() -> None:
    crd = copy.deepcopy(GOOD)
    crd["metadata"]["name"] = "crontab.stable.example.com"
    [cause] = crd_causes(crd)
    assert str(cause) == (
        'metadata.name: Invalid value: "crontab.stable.example.com": '
        'must be spec.names.plural+"."+spec.group'
    )


def test_scope_names_and_group_are_checked() -> None:
    crd = changed(scope="Everywhere", names={"plural": "CronTabs"}, group="example")
    assert fields(crd) == [
        "metadata.name",
        "spec.group",
        "spec.names.kind",
        "spec.names.plural",
        "spec.scope",
    ]


def test_exactly_one_storage_version() -> None:
    second = copy.deepcopy(GOOD["spec"]["versions"][0]) | {"name": "v2"}
    causes = crd_causes(changed(versions=[GOOD["spec"]["versions"][0], second]))
    assert [str(c) for c in causes] == [
        "spec.versions: Invalid value: must have exactly one version marked as storage version"
    ]
    assert fields(changed(versions=[])) == ["spec.versions"]


def test_schemas_must_be_structural() -> None:
    version = copy.deepcopy(GOOD["spec"]["versions"][0])
    props = version["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
    props["cron"] = {"description": "no type"}
    props["tags"] = {"type": "array"}
    assert fields(changed(versions=[version])) == [
        "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[cron].type",
        "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[tags].items",
    ]


def test_a_conversion_webhook_is_refused_with_a_clear_message() -> None:
    crd = changed(conversion={"strategy": "Webhook"})
    assert [str(c) for c in crd_causes(crd)] == [
        'spec.conversion.strategy: Unsupported value: "Webhook": supported values: "None" '
        "(conversion webhooks are not supported)"
    ]
    assert crd_causes(changed(conversion={"strategy": "None"})) == []
