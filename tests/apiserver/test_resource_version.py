"""resourceVersion and resourceVersionMatch on get and list, as Kubernetes serves them: Exact
reads the store at that revision, NotOlderThan (or no match) waits for the cache, and a
version beyond the store's is waited for 3 seconds, then a 504 Timeout."""

from __future__ import annotations

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import Pod
from kube_actors.errors import Gone, Invalid, KubeActorsError, Timeout
from kube_actors.testing import pod


def _names(pods: list[Pod]) -> list[str]:
    return sorted(p.metadata.name for p in pods)


async def test_an_exact_list_reads_the_state_at_that_revision() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        await client.create(pod("a"))
        then = (await client.list_page(Pod)).resource_version
        await client.create(pod("b"))
        await client.delete(Pod, "a", namespace="default")
        page = await client.list_page(Pod, resource_version=then, resource_version_match="Exact")
        assert [p.metadata.name for p in page.items] == ["a"]
        assert page.resource_version == then
        assert page.continue_token == ""
        # Paged, every page stays at that revision.
        first = await client.list_page(
            Pod, resource_version=then, resource_version_match="Exact", limit=1
        )
        assert first.resource_version == then


async def test_an_exact_list_in_pages_follows_one_revision() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        for name in ("a", "b", "c"):
            await client.create(pod(name))
        then = (await client.list_page(Pod)).resource_version
        await client.delete(Pod, "b", namespace="default")
        await client.create(pod("d"))
        paged = await client.list(
            Pod, resource_version=then, resource_version_match="Exact", limit=1
        )
        assert _names(paged) == ["a", "b", "c"]


async def test_not_older_than_serves_the_latest_state() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        await client.create(pod("a"))
        then = (await client.list_page(Pod)).resource_version
        await client.create(pod("b"))
        for match in ("NotOlderThan", ""):
            listed = await client.list(Pod, resource_version=then, resource_version_match=match)
            assert _names(listed) == ["a", "b"]


async def test_an_exact_list_of_a_compacted_revision_is_expired() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        await client.create(pod("a"))
        then = (await client.list_page(Pod)).resource_version
        await client.create(pod("b"))
        await anyio.sleep(601)  # the second compaction (at 600 s) removes that revision
        with pytest.raises(Gone) as caught:
            await client.list(Pod, resource_version=then, resource_version_match="Exact")
        assert caught.value.reason == "Expired"
        assert str(caught.value) == "The resourceVersion for the provided list is too old."


@pytest.mark.parametrize(
    ("version", "match", "message"),
    [
        (
            "",
            "Exact",
            "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
            "resourceVersion is provided",
        ),
        (
            "0",
            "Exact",
            'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for '
            'resourceVersion "0"',
        ),
        (
            "5",
            "Newest",
            'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", '
            '"NotOlderThan", ""',
        ),
    ],
)
async def test_a_bad_version_and_match_pair_is_refused(
    version: str, match: str, message: str
) -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        with pytest.raises(Invalid) as caught:
            await cluster.client.list(
                Pod,
                resource_version=version,
                resource_version_match=match,  # type: ignore[arg-type]
            )
        assert str(caught.value) == f'ListOptions.meta.k8s.io "" is invalid: {message}'


async def test_a_version_the_store_never_reached_times_out_after_three_seconds() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        current = int((await client.list_page(Pod)).resource_version)
        started = monotonic()
        with pytest.raises(Timeout) as caught:
            await client.list(Pod, resource_version=str(current + 10))
        assert monotonic() - started == pytest.approx(3.0)
        error = caught.value
        assert (error.code, error.reason, error.retry_after_seconds) == (504, "Timeout", 1)
        assert (
            str(error) == f"Timeout: Too large resource version: {current + 10}, current: {current}"
        )
        assert [(c.type, c.message) for c in error.causes] == [
            ("ResourceVersionTooLarge", "Too large resource version")
        ]
        with pytest.raises(Timeout):
            await client.get(Pod, "a", namespace="default", resource_version=str(current + 10))
        with pytest.raises(Timeout):
            await client.list(
                Pod, resource_version=str(current + 10), resource_version_match="Exact"
            )


async def test_a_read_waiting_for_a_version_does_not_hold_up_the_write_that_reaches_it() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        current = int((await client.list_page(Pod)).resource_version)
        listed: list[Pod] = []

        async def list_ahead() -> None:
            listed.extend(await client.list(Pod, resource_version=str(current + 1)))

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(list_ahead)
            await anyio.sleep(1)
            await client.create(pod("a"))  # revision current + 1
        assert _names(listed) == ["a"]
        got = await client.get(Pod, "a", namespace="default", resource_version=str(current + 1))
        assert got.metadata.name == "a"


async def test_a_read_waiting_for_a_version_fails_when_the_apiserver_stops() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        client = cluster.client
        current = int((await client.list_page(Pod)).resource_version)
        failures: list[BaseException] = []

        async def list_ahead() -> None:
            try:
                await client.list(Pod, resource_version=str(current + 5))
            except KubeActorsError as error:
                failures.append(error)

        with anyio.fail_after(2):  # told at once: not left waiting, nor after the 3 s
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(list_ahead)
                await anyio.sleep(1)
                await cluster.restart_control_plane()
        assert len(failures) == 1
        assert not isinstance(failures[0], Timeout)
