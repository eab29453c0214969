"""Hostile input: every kind of oversized, deep, repeated or mistyped input is refused with a
clear error and changes nothing, and none costs more than its size (issue #19).

The work each case would do before the fix is unbounded (hours for ``1e999999``); a generous
``fail_after`` turns a regression into a visible failure instead of a hang, and the tests
assert on the errors, never on timings.
"""

from __future__ import annotations

import anyio
import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    MAX_OBJECT_BYTES,
    DeleteOptions,
    Deployment,
    EnvVar,
    Namespace,
    ObjectMeta,
    Pod,
    Preconditions,
    Quantity,
    converter,
    load_manifests,
)
from kube_actors.errors import BadRequest, Invalid, RequestEntityTooLarge
from kube_actors.etcd import MemoryBackend, Range, RangeResponse

from .test_apply import MANIFEST

_GENEROUS = 30  # seconds; each case takes milliseconds when bounded


def _pod(cpu: str = "100m", env_name: str = "GREETING") -> str:
    return f"""
apiVersion: v1
kind: Pod
metadata: {{name: p}}
spec:
  containers:
  - name: c
    image: busybox
    env: [{{name: "{env_name}", value: hi}}]
    resources: {{requests: {{cpu: "{cpu}"}}}}
"""


@pytest.mark.parametrize("amount", ["1e99999", "1e999999", "-1e999999999999", "99999999999E"])
async def test_huge_quantities_are_refused_at_once(amount: str) -> None:
    async with Cluster(seed=1) as cluster:
        with anyio.fail_after(_GENEROUS), pytest.raises(Invalid) as raised:
            await cluster.apply(_pod(cpu=amount))
        [cause] = raised.value.causes
        assert cause.field == "spec.containers[0].resources.requests[cpu]"
        assert "quantity is too large" in cause.message
        assert await cluster.client.list(Pod) == []


def test_quantities_parse_in_time_linear_in_their_text() -> None:
    # Before the fix each of these ran quadratic big-integer arithmetic (or hit Python's
    # 4,300-digit conversion limit with a ValueError about digits).
    tiny = Quantity("0." + "0" * 100_000 + "1")
    assert tiny.nano_value == 1  # rounded up to the smallest amount, as Kubernetes does
    big = Quantity("1" + "0" * 100_000 + "e-100000")
    assert big == Quantity("1")
    assert Quantity("1e-99999").nano_value == 1
    # Binary amounts beyond int64 are capped, as Kubernetes caps them; decimal ones refused.
    assert Quantity("16Ei").value() == 2**63 - 1
    assert Quantity("9223372036854775807").value() == 2**63 - 1
    with pytest.raises(ValueError, match="too large"):
        Quantity("9223372036854775808")


async def test_a_deeply_nested_manifest_is_a_bad_request_not_a_recursion_error() -> None:
    nested = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: " + (
        "{a: " * 5000 + "1" + "}" * 5000
    )
    flow = "[" * 5000 + "]" * 5000
    as_dict: dict[str, object] = {"x": 1}
    for _ in range(5000):
        as_dict = {"x": as_dict}
    async with Cluster(seed=1) as cluster:
        for source in (nested, flow, {"apiVersion": "v1", "kind": "Pod", "spec": as_dict}):
            with anyio.fail_after(_GENEROUS), pytest.raises(BadRequest, match="nests deeper"):
                await cluster.apply(source)
        assert await cluster.client.list(Pod) == []


def test_repeated_keys_are_refused_as_kubectl_refuses_them() -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n"
    with pytest.raises(BadRequest, match='line 5: key "name" already set in map'):
        load_manifests(text)
    # The same key in two different mappings is fine, and so is a merge key.
    load_manifests("apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {name: b}}\n")


def test_an_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(BadRequest, match="excessive aliasing"):
        load_manifests("\n".join(lines))


async def test_bytes_are_yaml_text_and_bad_bytes_are_refused_clearly() -> None:
    async with Cluster(seed=1) as cluster:
        results = await cluster.apply(MANIFEST.encode())
        assert [str(r) for r in results] == ["deployment.apps/web created", "service/web created"]
        with pytest.raises(BadRequest, match="UTF-8"):
            await cluster.apply(b"\xff\xfe")


async def test_an_env_var_needs_a_name() -> None:
    async with Cluster(seed=1) as cluster:
        with pytest.raises(Invalid) as raised:
            await cluster.apply(_pod(env_name=""))
        [cause] = raised.value.causes
        assert cause.field == "spec.containers[0].env[0].name"
        assert cause.message == "Required value"
        with pytest.raises(Invalid, match="other than '='"):
            await cluster.apply(_pod(env_name="A=B"))
        assert await cluster.client.list(Pod) == []


async def test_wrongly_typed_delete_options_are_bad_requests() -> None:
    with pytest.raises(BadRequest, match=r"preconditions\.uid of type string"):
        Preconditions(uid=5)  # type: ignore[arg-type]
    with pytest.raises(BadRequest, match="field preconditions of type Preconditions"):
        DeleteOptions(preconditions={"uid": "x"})  # type: ignore[arg-type]
    with pytest.raises(BadRequest, match="propagationPolicy: Unsupported value"):
        DeleteOptions(propagation_policy="Sometimes")  # type: ignore[arg-type]
    async with Cluster(seed=1) as cluster:
        await cluster.apply(MANIFEST)
        with pytest.raises(BadRequest, match="preconditions"):
            await cluster.client.delete(  # type: ignore[call-overload]
                Deployment, "web", namespace="default", preconditions={"uid": 1}
            )
        assert len(await cluster.client.list(Deployment)) == 1


@pytest.mark.parametrize("replicas", [2**31, 2**63, -(2**31) - 1])
async def test_int32_fields_refuse_values_beyond_int32(replicas: int) -> None:
    async with Cluster(seed=1) as cluster:
        with pytest.raises(Invalid) as raised:
            await cluster.apply(MANIFEST.replace("replicas: 2", f"replicas: {replicas}"))
        assert "spec.replicas" in {c.field for c in raised.value.causes}
        assert any("int32" in c.message for c in raised.value.causes)
        assert await cluster.client.list(Deployment) == []


async def test_int_ranges_are_checked_everywhere_and_int64_fields_keep_their_range() -> None:
    manifest = (
        _pod()
        .replace("  containers:", "  terminationGracePeriodSeconds: 4294967296\n  containers:")
        .replace("env:", "ports: [{containerPort: 80, hostPort: 4294967296}]\n    env:")
    )
    async with Cluster(seed=1) as cluster:
        with pytest.raises(Invalid) as raised:
            await cluster.apply(manifest)
        fields = {c.field for c in raised.value.causes}
        # hostPort is int32 (and a port); terminationGracePeriodSeconds is int64: in range.
        assert "spec.containers[0].ports[0].hostPort" in fields
        assert "spec.terminationGracePeriodSeconds" not in fields


def _big_env() -> list[dict[str, str]]:
    return [{"name": f"V{i}", "value": "x" * 1000} for i in range(MAX_OBJECT_BYTES // 1000 + 10)]


async def test_objects_beyond_etcds_limit_are_refused() -> None:
    async with Cluster(seed=1) as cluster:
        pod = load_manifests(_pod())[0]
        container = attrs.evolve(
            pod.spec.containers[0], env=converter.structure(_big_env(), tuple[EnvVar, ...])
        )
        big = attrs.evolve(pod, spec=attrs.evolve(pod.spec, containers=(container,)))
        with pytest.raises(RequestEntityTooLarge, match="request is too large"):
            await cluster.client.create(big)
        assert await cluster.client.list(Pod) == []
        [created, _] = await cluster.apply(MANIFEST)
        patch = {
            "spec": {"template": {"spec": {"containers": [{"name": "web", "env": _big_env()}]}}}
        }
        with pytest.raises(RequestEntityTooLarge):
            await cluster.client.patch(
                Deployment, "web", patch, patch_type="strategic", namespace="default"
            )
        stored = await cluster.client.get(Deployment, "web", namespace="default")
        assert stored.spec == created.object.spec


async def test_json_patches_are_bounded() -> None:
    async with Cluster(seed=1) as cluster:
        await cluster.apply(MANIFEST)
        many = [{"op": "test", "path": "/metadata/name", "value": "web"}] * 10_001
        with pytest.raises(RequestEntityTooLarge, match="maximum operations"):
            await cluster.client.patch(
                Deployment, "web", many, patch_type="json", namespace="default"
            )
        # Each copy doubles what it copies: 40 of them would make 2**40 entries.
        doubling = [{"op": "add", "path": "/metadata/annotations", "value": {"a": ["x" * 100]}}]
        doubling += [
            {"op": "copy", "from": "/metadata/annotations/a", "path": "/metadata/annotations/a/-"}
        ] * 40
        with anyio.fail_after(_GENEROUS), pytest.raises(RequestEntityTooLarge, match="copies"):
            await cluster.client.patch(
                Deployment, "web", doubling, patch_type="json", namespace="default"
            )
        deep: dict[str, object] = {"k": "v"}
        for _ in range(500):
            deep = {"x": deep}
        for patch_type in ("merge", "apply"):
            with pytest.raises(BadRequest, match="the patch nests deeper"):
                await cluster.client.patch(
                    Deployment,
                    "web",
                    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"labels": deep}},
                    patch_type=patch_type,
                    field_manager="test",
                    namespace="default",
                )


class _CountingStore(MemoryBackend):
    """The memory store, counting range reads (each one walks the range it is asked for)."""

    reads = 0

    def range(self, request: Range) -> RangeResponse:
        self.reads += 1
        return super().range(request)


async def test_a_selective_chunked_list_reads_the_store_a_bounded_number_of_times() -> None:
    store = _CountingStore()
    async with Cluster(seed=1, store=store, controllers=()) as cluster:
        for i in range(300):
            await cluster.client.create(
                Namespace(metadata=ObjectMeta(name=f"ns-{i}", labels={"n": str(i)}))
            )
        before = store.reads
        page = await cluster.client.list_page(Namespace, label_selector={"n": "299"}, limit=1)
        # One read per key scanned (a quadratic list) before; the page size now doubles.
        assert store.reads - before < 20
        assert [ns.metadata.name for ns in page.items] == ["ns-299"]
