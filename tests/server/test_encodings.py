"""Answers in the encoding the client accepts: JSON, YAML and Kubernetes' protobuf (objects,
lists, Status errors, watch frames), chosen by q-values and wildcards, and 406 for what cannot
be served (protobuf of a custom resource, a watch in YAML)."""

from __future__ import annotations

import copy
from typing import Any

import anyio
import pytest
import yaml

from kube_actors.api._protobuf import MAGIC, _message_class, _object, decode_protobuf
from tests.api.test_crd_validation import GOOD
from tests.crd_kinds import stop_serving

from .conftest import Api, serving

pytestmark = pytest.mark.real_time

PODS = "/api/v1/namespaces/default/pods"
PROTOBUF = "application/vnd.kubernetes.protobuf"
WATCH_EVENT = "k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent"


def pod(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "enc"}},
        "spec": {"containers": [{"name": "main", "image": "nginx"}]},
    }


async def raw(
    api: Api, method: str, path: str, accept: str, body: Any = None
) -> tuple[int, str, bytes]:
    """Status, Content-Type and body bytes of a request with ``Accept: accept``."""
    headers = {**api.headers, "Accept": accept}
    data = None
    if body is not None:
        data = yaml.safe_dump(body)
        headers["Content-Type"] = "application/yaml"
    async with api.session.request(
        method, api.served.url + path, data=data, headers=headers
    ) as response:
        return response.status, response.headers["Content-Type"], await response.read()


def read_frames(data: bytes) -> list[dict[str, Any]]:
    """A protobuf watch stream: four bytes of length, then a raw ``WatchEvent``, each time."""
    events = []
    while data:
        length = int.from_bytes(data[:4], "big")
        message = _message_class(WATCH_EVENT)()
        message.ParseFromString(data[4 : 4 + length])
        events.append(_object(message, WATCH_EVENT))
        data = data[4 + length :]
    return events


async def test_get_list_and_writes_answer_in_protobuf_when_asked() -> None:
    async with serving() as api:
        code, content_type, body = await raw(api, "POST", PODS, PROTOBUF, pod("pb"))
        assert (code, content_type) == (201, PROTOBUF)
        created = decode_protobuf(body)
        assert (created["kind"], created["metadata"]["name"]) == ("Pod", "pb")
        assert created["spec"]["containers"][0]["image"] == "nginx"

        code, _, body = await raw(api, "GET", f"{PODS}/pb", PROTOBUF)
        got = decode_protobuf(body)
        assert code == 200
        assert body.startswith(MAGIC)
        assert got["metadata"]["uid"] == created["metadata"]["uid"]
        assert got["metadata"]["labels"] == {"app": "enc"}

        await api.call("POST", PODS, pod("pb2"))
        code, _, body = await raw(api, "GET", f"{PODS}?limit=1", PROTOBUF)
        listed = decode_protobuf(body)
        assert (listed["kind"], listed["apiVersion"]) == ("PodList", "v1")
        assert [item["metadata"]["name"] for item in listed["items"]] == ["pb"]
        assert listed["metadata"]["continue"]

        patch = {"metadata": {"labels": {"patched": "yes"}}}
        headers = {
            **api.headers,
            "Accept": PROTOBUF,
            "Content-Type": "application/merge-patch+json",
        }
        async with api.session.patch(
            f"{api.served.url}{PODS}/pb", json=patch, headers=headers
        ) as response:
            patched = decode_protobuf(await response.read())
        assert patched["metadata"]["labels"]["patched"] == "yes"

        code, _, body = await raw(api, "DELETE", f"{PODS}/pb?gracePeriodSeconds=0", PROTOBUF)
        assert (code, decode_protobuf(body)["metadata"]["name"]) == (200, "pb")


async def test_an_error_is_a_protobuf_status_when_protobuf_is_asked() -> None:
    async with serving() as api:
        code, content_type, body = await raw(api, "GET", f"{PODS}/nope", PROTOBUF)
        status = decode_protobuf(body)
        assert (code, content_type) == (404, PROTOBUF)
        assert (status["kind"], status["reason"], status["code"]) == ("Status", "NotFound", 404)
        assert status["message"] == 'pods "nope" not found'
        assert status == (await api.call("GET", f"{PODS}/nope"))[1]  # the JSON Status


async def test_a_watch_in_protobuf_is_length_prefixed_watch_events() -> None:
    async with serving() as api:
        _, listed, _ = await api.call("GET", PODS)
        version = listed["metadata"]["resourceVersion"]
        url = f"{api.served.url}{PODS}?watch=1&resourceVersion={version}"
        headers = {**api.headers, "Accept": PROTOBUF}
        async with api.session.get(url, headers=headers) as response:
            assert response.headers["Content-Type"] == f"{PROTOBUF};stream=watch"
            await api.call("POST", PODS, pod("w1"))
            await api.call("DELETE", f"{PODS}/w1?gracePeriodSeconds=0")
            data = b""
            with anyio.fail_after(10):
                while len(read_frames_complete(data)) < 2:
                    data += await response.content.readany()
        events = read_frames(data)
        assert [e["type"] for e in events] == ["ADDED", "DELETED"]
        assert [(e["object"]["kind"], e["object"]["metadata"]["name"]) for e in events] == [
            ("Pod", "w1"),
            ("Pod", "w1"),
        ]


def read_frames_complete(data: bytes) -> list[int]:
    """The lengths of the complete frames at the start of ``data``."""
    lengths = []
    while len(data) >= 4:
        length = int.from_bytes(data[:4], "big")
        if len(data) < 4 + length:
            break
        lengths.append(length)
        data = data[4 + length :]
    return lengths


async def test_yaml_answers_are_kubernetes_json_as_yaml() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("y"))
        code, content_type, body = await raw(api, "GET", f"{PODS}/y", "application/yaml")
        got = yaml.safe_load(body)
        assert (code, content_type) == (200, "application/yaml")
        assert (got["kind"], got["metadata"]["name"]) == ("Pod", "y")
        code, _, body = await raw(api, "GET", PODS, "application/yaml")
        assert [i["metadata"]["name"] for i in yaml.safe_load(body)["items"]] == ["y"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("text/html, */*;q=0.1", "application/json"),
        (f"application/json;q=0.5, {PROTOBUF}", PROTOBUF),
        (f"{PROTOBUF};q=0.2, application/yaml;q=0.9", "application/yaml"),
        (f"application/json;q=0, {PROTOBUF};q=0.1", PROTOBUF),
        ("application/json;as=Table;v=v1;g=meta.k8s.io, application/json", "application/json"),
        (f"{PROTOBUF};as=Table;v=v1;g=meta.k8s.io, application/yaml", "application/yaml"),
    ],
)
async def test_the_encoding_follows_q_values_and_wildcards(accept: str, expected: str) -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("q"))
        code, content_type, body = await raw(api, "GET", f"{PODS}/q", accept)
        assert (code, content_type) == (200, expected)
        if expected == PROTOBUF:
            assert decode_protobuf(body)["metadata"]["name"] == "q"
        else:
            got = yaml.safe_load(body)  # JSON is YAML too
            kind = "Table" if "as=Table" in accept and expected != "application/yaml" else "Pod"
            assert got["kind"] == kind


async def test_what_cannot_be_served_is_406_not_acceptable() -> None:
    async with serving() as api:
        code, _, body = await raw(api, "GET", PODS, "text/html")
        status = yaml.safe_load(body)
        assert (code, status["reason"]) == (406, "NotAcceptable")
        assert status["message"] == (
            "only the following media types are accepted: application/json, "
            f"application/yaml, {PROTOBUF}"
        )
        code, _, body = await raw(api, "GET", f"{PODS}?watch=1", "application/yaml")
        status = yaml.safe_load(body)
        assert (code, status["reason"]) == (406, "NotAcceptable")
        assert status["message"] == (
            "only the following media types are accepted: application/json;stream=watch, "
            f"{PROTOBUF};stream=watch"
        )
        # Refused before anything is written.
        code, _, _ = await raw(api, "POST", PODS, "text/html", pod("never"))
        assert code == 406
        code, _, _ = await raw(api, "GET", f"{PODS}/never", "application/json")
        assert code == 404


async def test_a_custom_resource_is_not_served_in_protobuf() -> None:
    crd = copy.deepcopy(GOOD)
    tabs = "/apis/stable.example.com/v1/namespaces/default/crontabs"
    try:
        async with serving() as api:
            code, created, _ = await api.call(
                "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd
            )
            assert code == 201, created
            tab = {"metadata": {"name": "n"}, "spec": {"cron": "* * * * *"}}
            assert (await api.call("POST", tabs, tab))[0] == 201
            code, content_type, body = await raw(api, "GET", f"{tabs}/n", PROTOBUF)
            assert (code, content_type) == (406, PROTOBUF)  # the Status itself is protobuf
            assert decode_protobuf(body)["reason"] == "NotAcceptable"
            code, content_type, _ = await raw(api, "GET", f"{tabs}/n", f"{PROTOBUF}, */*")
            assert (code, content_type) == (200, "application/json")
    finally:
        stop_serving("stable.example.com/v1", "CronTab")


PARTIAL = "as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
PARTIAL_LIST = "as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"


async def test_metadata_only_clients_get_partial_object_metadata() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("m"))
        code, content_type, body = await raw(api, "GET", f"{PODS}/m", f"application/json;{PARTIAL}")
        got = yaml.safe_load(body)
        assert (code, content_type) == (200, "application/json")
        assert (got["kind"], got["apiVersion"]) == ("PartialObjectMetadata", "meta.k8s.io/v1")
        assert set(got) == {"kind", "apiVersion", "metadata"}
        assert got["metadata"]["labels"] == {"app": "enc"}

        accept = f"{PROTOBUF};{PARTIAL_LIST}, application/json;{PARTIAL_LIST}"
        code, content_type, body = await raw(api, "GET", PODS, accept)
        listed = decode_protobuf(body)
        assert (code, content_type) == (200, PROTOBUF)
        assert (listed["kind"], listed["apiVersion"]) == (
            "PartialObjectMetadataList",
            "meta.k8s.io/v1",
        )
        assert [item["metadata"]["name"] for item in listed["items"]] == ["m"]
        assert "spec" not in listed["items"][0]

        code, _, body = await raw(api, "GET", PODS, f"application/json;{PARTIAL_LIST}")
        items = yaml.safe_load(body)["items"]
        assert items[0]["kind"] == "PartialObjectMetadata"
        assert items[0]["metadata"]["name"] == "m"


async def test_partial_object_metadata_of_a_list_is_406_and_of_an_object_list_too() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("m"))
        code, _, body = await raw(api, "GET", PODS, f"application/json;{PARTIAL}")
        status = yaml.safe_load(body)
        assert (code, status["reason"]) == (406, "NotAcceptable")
        assert status["message"] == (
            "you requested PartialObjectMetadata, but the requested object is a list (*v1.PodList)"
        )
        code, _, body = await raw(api, "GET", f"{PODS}/m", f"application/json;{PARTIAL_LIST}")
        assert (code, yaml.safe_load(body)["message"]) == (
            406,
            "you requested PartialObjectMetadataList, but the requested object is not a list "
            "(*v1.Pod)",
        )


async def test_a_metadata_watch_carries_partial_objects() -> None:
    async with serving() as api:
        _, listed, _ = await api.call("GET", PODS)
        version = listed["metadata"]["resourceVersion"]
        url = f"{api.served.url}{PODS}?watch=1&resourceVersion={version}"
        headers = {**api.headers, "Accept": f"application/json;{PARTIAL}"}
        async with api.session.get(url, headers=headers) as response:
            await api.call("POST", PODS, pod("mw"))
            with anyio.fail_after(10):
                line = await response.content.readline()
        event = yaml.safe_load(line)
        assert event["type"] == "ADDED"
        assert event["object"]["kind"] == "PartialObjectMetadata"
        assert event["object"]["metadata"]["name"] == "mw"


def _official_client_story(kubeconfig: str) -> dict[str, Any]:
    """The official client (blocking: run in a thread) reads JSON as it always has, a
    protobuf answer when it asks for one, and a 406 as an ApiException."""
    import kubernetes

    k8s: Any = kubernetes
    api_client = k8s.config.new_client_from_config(config_file=kubeconfig)
    core = k8s.client.CoreV1Api(api_client)
    seen: dict[str, Any] = {"typed": core.read_namespaced_pod("oc", "default").metadata.name}
    raw_answer = core.read_namespaced_pod(
        "oc", "default", _headers={"Accept": PROTOBUF}, _preload_content=False
    )
    seen["protobuf"] = decode_protobuf(raw_answer.data)["metadata"]["name"]
    try:
        core.list_namespaced_pod("default", _headers={"Accept": "text/html"})
    except k8s.client.ApiException as error:
        seen["refused"] = (error.status, error.reason)
    api_client.close()
    return seen


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_the_official_client_reads_json_protobuf_and_406() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("oc"))
        path = str(api.served.kubeconfig_path)
        seen = await anyio.to_thread.run_sync(_official_client_story, path)
        assert seen == {"typed": "oc", "protobuf": "oc", "refused": (406, "Not Acceptable")}


async def test_a_scale_and_a_binding_answer_in_protobuf_too() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "d"}},
            "template": {
                "metadata": {"labels": {"app": "d"}},
                "spec": {"containers": [{"name": "main", "image": "nginx"}]},
            },
        },
    }
    async with serving() as api:
        await api.call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment)
        code, _, body = await raw(
            api, "GET", "/apis/apps/v1/namespaces/default/deployments/d/scale", PROTOBUF
        )
        scale = decode_protobuf(body)
        assert (code, scale["kind"], scale["spec"]["replicas"]) == (200, "Scale", 2)
        await api.call(
            "POST",
            PODS,
            pod("b")
            | {"spec": {"containers": [{"name": "m", "image": "x"}], "schedulerName": "none"}},
        )
        binding = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": "b"},
            "target": {"apiVersion": "v1", "kind": "Node", "name": "n1"},
        }
        code, _, body = await raw(api, "POST", f"{PODS}/b/binding", PROTOBUF, binding)
        assert (code, decode_protobuf(body)["status"]) == (201, "Success")


async def test_a_table_is_in_the_meta_version_asked_for() -> None:
    async with serving() as api:
        await api.call("POST", PODS, pod("t"))
        for version in ("v1beta1", "v1"):
            accept = f"application/json;as=Table;v={version};g=meta.k8s.io"
            _, _, body = await raw(api, "GET", PODS, accept)
            table = yaml.safe_load(body)
            assert (table["kind"], table["apiVersion"]) == ("Table", f"meta.k8s.io/{version}")
