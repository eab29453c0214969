"""The fake runtime: scripted containers on virtual time, with exact durations."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

from kube_actors.actors import monotonic
from kube_actors.api import ExecAction, Probe
from kube_actors.errors import (
    ContainerNotFound,
    ContainerRuntimeError,
    ImagePullError,
    SandboxNotFound,
)
from kube_actors.runtime import (
    ContainerRuntime,
    ContainerScript,
    ContainerState,
    FakeRuntime,
    ProbeKind,
    ProbeOutcome,
    SandboxState,
    SubprocessRuntime,
)

from ._helpers import create_container, start_pod

PROBE = Probe(exec=ExecAction(command=["true"]))


async def test_a_default_container_starts_at_once_runs_forever_and_is_ready() -> None:
    async with FakeRuntime() as runtime:
        _, container = await start_pod(runtime, "nginx")
        assert monotonic() == 0.0
        await anyio.sleep(24 * 3600)
        status = await runtime.container_status(container)
        assert status.state is ContainerState.RUNNING
        for kind in ProbeKind:
            assert (await runtime.probe(container, kind, PROBE)).ok


async def test_a_container_told_to_exit_after_30_s_terminates_at_exactly_30_s_with_its_code() -> (
    None
):
    async with FakeRuntime() as runtime:
        runtime.script("worker", exit_after=30, exit_code=3)
        _, container = await start_pod(runtime, name="worker")
        status = await runtime.wait_container(container)
        assert monotonic() == 30.0
        assert (status.state, status.exit_code, status.reason) == (
            ContainerState.EXITED,
            3,
            "Error",
        )
        assert status.started_at is not None
        assert status.finished_at is not None
        assert status.finished_at - status.started_at == timedelta(seconds=30)


async def test_a_container_that_exits_0_is_completed() -> None:
    async with FakeRuntime(scripts={"job": ContainerScript(exit_after=5)}) as runtime:
        _, container = await start_pod(runtime, name="job")
        status = await runtime.wait_container(container)
        assert (monotonic(), status.exit_code, status.reason) == (5.0, 0, "Completed")


async def test_a_crashing_container_exits_at_once_with_code_1() -> None:
    async with FakeRuntime(scripts={"busybox": ContainerScript.crashing()}) as runtime:
        _, container = await start_pod(runtime, "busybox:1.36")
        status = await runtime.wait_container(container)
        assert (monotonic(), status.exit_code, status.reason) == (0.0, 1, "Error")


async def test_start_latency_delays_start_container_by_exactly_that_long() -> None:
    async with FakeRuntime(default=ContainerScript(start_latency=2.5)) as runtime:
        _, container = await start_pod(runtime)
        assert monotonic() == 2.5
        assert (await runtime.container_status(container)).state is ContainerState.RUNNING


async def test_a_container_ready_after_5_s_fails_readiness_until_then_and_passes_after() -> None:
    async with FakeRuntime() as runtime:
        runtime.script("web", ready_after=5)
        _, container = await start_pod(runtime, name="web")
        await anyio.sleep(4.999)
        assert not (await runtime.probe(container, ProbeKind.READINESS, PROBE)).ok
        assert (await runtime.probe(container, ProbeKind.LIVENESS, PROBE)).ok
        await anyio.sleep(0.001)
        assert (await runtime.probe(container, ProbeKind.READINESS, PROBE)).ok


async def test_liveness_fails_after_the_scripted_time_and_the_container_keeps_running() -> None:
    async with FakeRuntime() as runtime:
        runtime.script("web", liveness_fails_after=60)
        _, container = await start_pod(runtime, name="web")
        await anyio.sleep(59)
        assert (await runtime.probe(container, ProbeKind.LIVENESS, PROBE)).ok
        await anyio.sleep(1)
        result = await runtime.probe(container, ProbeKind.LIVENESS, PROBE)
        assert result.outcome is ProbeOutcome.FAILURE
        assert (await runtime.container_status(container)).state is ContainerState.RUNNING


async def test_a_stopped_container_fails_its_probes() -> None:
    async with FakeRuntime() as runtime:
        _, container = await start_pod(runtime)
        await runtime.stop_container(container, 30)
        assert not (await runtime.probe(container, ProbeKind.READINESS, PROBE)).ok


async def test_stop_ends_a_well_behaved_container_at_once_with_exit_code_0() -> None:
    async with FakeRuntime() as runtime:
        _, container = await start_pod(runtime)
        await runtime.stop_container(container, 30)
        status = await runtime.container_status(container)
        assert (monotonic(), status.exit_code, status.reason) == (0.0, 0, "Completed")


async def test_a_container_ignoring_sigterm_uses_the_whole_grace_period_then_is_killed() -> None:
    async with FakeRuntime() as runtime:
        runtime.script("stubborn", ignore_sigterm=True)
        _, container = await start_pod(runtime, name="stubborn")
        await runtime.stop_container(container, 30)
        status = await runtime.container_status(container)
        assert monotonic() == 30.0
        assert (status.exit_code, status.signal, status.reason) == (137, 9, "Error")


async def test_a_container_ignoring_sigterm_may_still_exit_on_its_own_during_the_grace_period() -> (
    None
):
    async with FakeRuntime() as runtime:
        runtime.script("stubborn", ignore_sigterm=True, exit_after=10, exit_code=0)
        _, container = await start_pod(runtime, name="stubborn")
        await runtime.stop_container(container, 30)
        assert monotonic() == 10.0
        assert (await runtime.container_status(container)).reason == "Completed"


async def test_stop_with_no_grace_period_kills_at_once() -> None:
    async with FakeRuntime() as runtime:
        _, container = await start_pod(runtime)
        await runtime.stop_container(container, 0)
        status = await runtime.container_status(container)
        assert (monotonic(), status.exit_code, status.signal) == (0.0, 137, 9)


async def test_the_sigterm_exit_code_can_be_scripted_as_a_killed_process_would_report_it() -> None:
    async with FakeRuntime(default=ContainerScript(sigterm_exit_code=143)) as runtime:
        _, container = await start_pod(runtime)
        await runtime.stop_container(container, 30)
        status = await runtime.container_status(container)
        assert (status.exit_code, status.signal, status.reason) == (143, 15, "Error")


async def test_an_image_named_to_fail_cannot_be_pulled_nor_created() -> None:
    async with FakeRuntime(image_pull_failures=["example.com/broken"]) as runtime:
        with pytest.raises(ImagePullError) as caught:
            await runtime.pull_image("example.com/broken:1.0")
        assert caught.value.image == "example.com/broken:1.0"
        sandbox, _ = await start_pod(runtime, "nginx")
        with pytest.raises(ImagePullError):
            await create_container(runtime, sandbox, "example.com/broken", name="other")
        assert await runtime.pull_image("nginx") == "nginx"


async def test_a_pods_annotation_fails_the_pull_of_its_images_only() -> None:
    async with FakeRuntime() as runtime:
        annotations = {"fake.kube-actors.io/image-pull-fail": "nginx:1.27, redis"}
        sandbox, _ = await start_pod(runtime, "busybox", annotations=annotations)
        with pytest.raises(ImagePullError):
            await runtime.pull_image("nginx:1.27", sandbox)
        with pytest.raises(ImagePullError):
            await create_container(runtime, sandbox, "redis:7", name="cache")
        other, _ = await start_pod(runtime, "busybox", pod="other")
        assert await runtime.pull_image("nginx:1.27", other) == "nginx:1.27"


async def test_annotations_script_one_container_or_every_container_of_the_pod() -> None:
    annotations = {
        "fake.kube-actors.io/exit-after": "1m",
        "fake.kube-actors.io/web.exit-after": "30s",
        "fake.kube-actors.io/web.exit-code": "2",
        "fake.kube-actors.io/web.logs": "starting\nlistening on :80",
    }
    async with FakeRuntime() as runtime:
        sandbox, web = await start_pod(runtime, "nginx", name="web", annotations=annotations)
        sidecar = await create_container(runtime, sandbox, "busybox", name="sidecar")
        await runtime.start_container(sidecar)
        status = await runtime.wait_container(web)
        assert (monotonic(), status.exit_code) == (30.0, 2)
        assert await runtime.logs(sandbox, "web") == "starting\nlistening on :80\n"
        status = await runtime.wait_container(sidecar)
        assert (monotonic(), status.exit_code) == (60.0, 0)


async def test_annotations_win_over_scripts_set_from_python() -> None:
    annotations = {"fake.kube-actors.io/web.run-forever": "true"}
    async with FakeRuntime(scripts={"web": ContainerScript.crashing()}) as runtime:
        _, container = await start_pod(runtime, name="web", annotations=annotations)
        await anyio.sleep(100)
        assert (await runtime.container_status(container)).state is ContainerState.RUNNING


async def test_a_malformed_annotation_is_refused_with_its_key() -> None:
    annotations = {"fake.kube-actors.io/web.exit-after": "soon"}
    async with FakeRuntime() as runtime:
        with pytest.raises(ValueError, match=r"fake.kube-actors.io/web.exit-after"):
            await start_pod(runtime, name="web", annotations=annotations)


async def test_logs_of_the_previous_instance_survive_its_removal() -> None:
    async with FakeRuntime() as runtime:
        runtime.script("app", exit_after=1, exit_code=1, logs=["first life"])
        sandbox, first = await start_pod(runtime, name="app")
        await runtime.wait_container(first)
        with pytest.raises(ContainerNotFound, match="previous"):
            await runtime.logs(sandbox, "app", previous=True)
        runtime.script("app", logs=["second life"])
        second = await create_container(runtime, sandbox, name="app", attempt=1)
        await runtime.remove_container(first)
        await runtime.start_container(second)
        assert await runtime.logs(sandbox, "app") == "second life\n"
        assert await runtime.logs(sandbox, "app", previous=True) == "first life\n"


async def test_an_instance_runs_once() -> None:
    async with FakeRuntime() as runtime:
        _, container = await start_pod(runtime)
        with pytest.raises(ContainerRuntimeError, match="runs once"):
            await runtime.start_container(container)


async def test_kill_container_fakes_the_oom_killer() -> None:
    async with FakeRuntime() as runtime:
        _, container = await start_pod(runtime)
        runtime.kill_container(container, reason="OOMKilled")
        status = await runtime.container_status(container)
        assert (status.exit_code, status.reason) == (137, "OOMKilled")
        terminated = status.to_api_state().terminated
        assert terminated is not None
        assert terminated.reason == "OOMKilled"
        assert terminated.container_id == f"fake://{container}"


async def test_exec_in_a_running_container_succeeds_and_in_a_stopped_one_is_refused() -> None:
    async with FakeRuntime() as runtime:
        _, container = await start_pod(runtime)
        assert (await runtime.exec(container, ["cat", "/tmp/healthy"])).exit_code == 0
        await runtime.stop_container(container, 0)
        with pytest.raises(ContainerRuntimeError, match="not running"):
            await runtime.exec(container, ["true"])


async def test_stopping_a_sandbox_stops_its_containers_and_removing_it_forgets_them() -> None:
    async with FakeRuntime() as runtime:
        runtime.script("main", ignore_sigterm=True)
        sandbox, container = await start_pod(runtime)
        await runtime.stop_pod_sandbox(sandbox)
        assert monotonic() == 0.0  # stopping a sandbox does not wait for grace periods
        assert (await runtime.pod_sandbox_status(sandbox)).state is SandboxState.NOTREADY
        assert (await runtime.container_status(container)).state is ContainerState.EXITED
        await runtime.remove_pod_sandbox(sandbox)
        await runtime.remove_pod_sandbox(sandbox)
        with pytest.raises(SandboxNotFound):
            await runtime.pod_sandbox_status(sandbox)
        with pytest.raises(ContainerNotFound):
            await runtime.container_status(container)


async def test_list_containers_filters_by_sandbox_name_and_state() -> None:
    async with FakeRuntime() as runtime:
        runtime.script("job", exit_after=0)
        sandbox, web = await start_pod(runtime, name="web")
        job = await create_container(runtime, sandbox, name="job")
        await runtime.start_container(job)
        await runtime.wait_container(job)
        other, _ = await start_pod(runtime, pod="other", name="web")
        assert len(await runtime.list_containers()) == 3
        assert [s.id for s in await runtime.list_containers(sandbox_id=sandbox)] == [web, job]
        exited = await runtime.list_containers(state=ContainerState.EXITED)
        assert [s.name for s in exited] == ["job"]
        assert len(await runtime.list_containers(name="web")) == 2
        assert {s.id for s in await runtime.list_pod_sandboxes()} == {sandbox, other}


async def test_each_pod_gets_its_own_loopback_ip_unless_the_kubelet_gives_one() -> None:
    async with FakeRuntime() as runtime:
        first, _ = await start_pod(runtime, pod="a")
        second, _ = await start_pod(runtime, pod="b")
        given, _ = await start_pod(runtime, pod="c", ip="127.9.9.9")
        ips = [(await runtime.pod_sandbox_status(s)).ip for s in (first, second, given)]
        assert len(set(ips)) == 3
        assert all(ip.startswith("127.") for ip in ips)
        assert ips[2] == "127.9.9.9"


async def test_the_fake_runtime_satisfies_the_protocol_and_its_ids_are_deterministic() -> None:
    async def ids() -> tuple[str, str]:
        async with FakeRuntime() as runtime:
            assert isinstance(runtime, ContainerRuntime)
            return await start_pod(runtime)

    assert await ids() == await ids()


async def test_the_subprocess_runtime_refuses_virtual_time() -> None:
    with pytest.raises(ContainerRuntimeError, match="needs real time"):
        async with SubprocessRuntime():
            pass
