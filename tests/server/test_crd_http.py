"""A CRD posted over HTTP makes its kind served there: discovery, create with defaults (#17)."""

from __future__ import annotations

import copy

import pytest

from tests.api.test_crd_validation import GOOD
from tests.crd_kinds import stop_serving

from .conftest import serving

pytestmark = pytest.mark.real_time

CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
CRONTABS = "/apis/stable.example.com/v1/namespaces/default/crontabs"


async def test_a_crd_posted_over_http_serves_its_kind() -> None:
    crd = copy.deepcopy(GOOD)
    spec_schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    spec_schema["properties"]["replicas"] = {"type": "integer", "default": 1}
    try:
        async with serving() as api:
            code, created, _ = await api.call("POST", CRDS, crd)
            assert code == 201, created
            _, listed, _ = await api.call("GET", "/apis/stable.example.com/v1")
            assert "crontabs" in [r["name"] for r in listed["resources"]]
            body = {"metadata": {"name": "nightly"}, "spec": {"cron": "0 3 * * *", "x": 1}}
            code, tab, _ = await api.call("POST", CRONTABS, body)
            assert (code, tab["kind"], tab["spec"]) == (
                201,
                "CronTab",
                {"cron": "0 3 * * *", "replicas": 1},
            )
            code, refused, _ = await api.call(
                "PATCH",
                f"{CRONTABS}/nightly",
                {"spec": {"replicas": 2}},
                content_type="application/strategic-merge-patch+json",
            )
            assert (code, refused["reason"]) == (415, "UnsupportedMediaType")
            code, patched, _ = await api.call(
                "PATCH",
                f"{CRONTABS}/nightly",
                {"spec": {"replicas": 2}},
                content_type="application/merge-patch+json",
            )
            assert (code, patched["spec"]["replicas"]) == (200, 2)
            bad = {"metadata": {"name": "bad"}, "spec": {"replicas": "many"}}
            code, status, _ = await api.call("POST", CRONTABS, bad)
            assert (code, status["reason"]) == (422, "Invalid")
            assert status["details"]["causes"][0]["field"] == "spec.replicas"
    finally:
        stop_serving("stable.example.com/v1", "CronTab")


async def test_a_crds_subresources_are_discovered_and_served_only_when_declared() -> None:
    crd = copy.deepcopy(GOOD)
    version = crd["spec"]["versions"][0]
    spec_schema = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
    spec_schema["properties"]["replicas"] = {"type": "integer"}
    version["subresources"] = {
        "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}
    }
    try:
        async with serving() as api:
            await api.call("POST", CRDS, crd)
            _, listed, _ = await api.call("GET", "/apis/stable.example.com/v1")
            names = sorted(r["name"] for r in listed["resources"])
            body = {"metadata": {"name": "nightly"}, "spec": {"replicas": 1}}
            await api.call("POST", CRONTABS, body)
            no_status, _, _ = await api.call("GET", f"{CRONTABS}/nightly/status")
            code, scale, _ = await api.call("GET", f"{CRONTABS}/nightly/scale")
    finally:
        stop_serving("stable.example.com/v1", "CronTab")
    assert names == ["crontabs", "crontabs/scale"]
    assert no_status == 404
    assert (code, scale["kind"], scale["spec"], scale["status"]) == (
        200,
        "Scale",
        {"replicas": 1},
        {"replicas": 0},
    )


async def test_the_preferred_version_of_a_crd_is_kubernetes_highest_priority_one() -> None:
    crd = copy.deepcopy(GOOD)
    (v1,) = crd["spec"]["versions"]
    beta = {**copy.deepcopy(v1), "name": "v1beta1"}
    v1["storage"] = False  # stored as v1beta1, yet v1 is preferred
    crd["spec"]["versions"] = [beta, v1]
    try:
        async with serving() as api:
            await api.call("POST", CRDS, crd)
            _, groups, _ = await api.call("GET", "/apis")
    finally:
        stop_serving("stable.example.com/v1", "CronTab")
        stop_serving("stable.example.com/v1beta1", "CronTab")
    (group,) = [g for g in groups["groups"] if g["name"] == "stable.example.com"]
    assert [v["version"] for v in group["versions"]] == ["v1", "v1beta1"]
    assert group["preferredVersion"]["version"] == "v1"
