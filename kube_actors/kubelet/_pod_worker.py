"""A pod worker: one actor per Pod on the node, making its containers match its spec.

It handles one message at a time, like every actor, so a pod's containers are never started
or stopped by two syncs at once. What it does, in the kubelet's order:

1. a sandbox for the pod (its IP on the node's loopback pod network);
2. init containers one by one, each run to success before the next;
3. the containers, restarted by the pod's ``restartPolicy`` after the crash-loop back-off
   (at once, then 10, 20, 40 ... 300 s; reset after 10 minutes of clean running);
4. probes: startup first, then liveness (a failure kills the container for a restart) and
   readiness (drives Ready);
5. the Pod's status, written to the apiserver only when it changed;
6. its ConfigMap, Secret, downward API and projected volumes set up again on every sync, the
   runtime told what changed (the kubelet's remount: an edited ConfigMap, a relabelled Pod, a
   renewed service-account token); a pod with such volumes is synced again ``sync_frequency``
   (60 s) after its last sync, so an edit shows within a minute, as in Kubernetes;
7. on deletion, every container stopped within the grace period, then the Pod removed from
   the apiserver.

Exits come back as messages from this actor's callbacks on the runtime's exit futures (from
tasks, of a runtime without them), probe results from background tasks of this actor, so the
worker never polls the runtime.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import anyio
import attrs

from kube_actors.actors import (
    Actor,
    Timer,
    caused_by,
    current_cause,
    monotonic,
    wall_clock_whole_seconds,
)
from kube_actors.api import (
    TERMINAL_PHASES,
    Container,
    Pod,
    PodStatus,
    Probe,
    evolve,
    namespaced_name,
)
from kube_actors.errors import (
    ActorError,
    ApiError,
    ContainerRuntimeError,
    ImagePullError,
    KubeActorsError,
    MailboxFull,
    NotFound,
)
from kube_actors.runtime import (
    ProbeKind,
    ProbeOutcome,
    VolumeRuntime,
    container_config_for,
    sandbox_config_for,
)

from ._context import KubeletContext
from ._env_sources import (
    ContainerConfigError,
    Pinned,
    SourceReader,
    expand_command,
    resolve_env,
)
from ._envvars import service_links
from ._status import ContainerView, carry_over, pod_phase, pod_status, terminated_state
from ._volume_sources import (
    MountError,
    VolumeContents,
    mounts_for,
    remountable,
    set_up_volume,
    set_up_volumes,
)

__all__ = ["ContainerExited", "PodChanged", "PodWorker", "ProbeReport"]

#: Seconds before a pod worker tries again after a container's config could not be made
#: (Kubernetes' ``backOffPeriod`` of the pod workers, without its jitter).
CONFIG_RETRY = 10.0


@attrs.frozen
class PodChanged:
    pod: Pod


@attrs.frozen
class ContainerExited:
    name: str
    container_id: str


@attrs.frozen
class ProbeReport:
    """A probe's verdict changed: ``passed`` for readiness and startup; liveness and startup
    report only their final failure."""

    name: str
    container_id: str
    kind: ProbeKind
    passed: bool


@attrs.frozen
class _Resync:
    pass


@attrs.frozen
class _ExitWaitFailed:
    """Waiting for a container's exit failed: the worker fails with the same error."""

    error: Exception


@attrs.frozen
class _FirstSync:
    pass


@attrs.frozen
class _PeriodicSync:
    """The kubelet's resync of a pod ``sync_frequency`` after its last sync."""


class PodWorker(Actor):
    """Keeps one Pod's containers running as its spec says."""

    component = "kubelet"

    def __init__(self, context: KubeletContext, pod: Pod) -> None:
        self.ctx = context
        self.pod = pod
        self.uid = pod.metadata.uid
        spec = pod.spec
        self.views: dict[str, ContainerView] = {}
        for container in spec.init_containers:
            self.views[container.name] = ContainerView(
                name=container.name, image=container.image, init=True
            )
        for container in spec.containers:
            self.views[container.name] = ContainerView(name=container.name, image=container.image)
        for reported in (*pod.status.init_container_statuses, *pod.status.container_statuses):
            if reported.name in self.views:
                carry_over(self.views[reported.name], reported)
        self.specs: dict[str, Container] = {
            c.name: c for c in (*spec.init_containers, *spec.containers)
        }
        self.sandbox_id: str | None = None
        #: The sandbox once stopped: removed (with its emptyDir volumes) when the pod goes.
        self.stopped_sandbox: str | None = None
        self.pod_ip = ""
        self.start_time: dt.datetime | None = pod.status.start_time
        self.initialized = not spec.init_containers
        self.init_failed = False
        self.terminal = False
        self.terminated = False
        self.exited_at: dict[str, float] = {}
        self.pull_failed_at: dict[str, float] = {}
        self.probes: dict[str, list[anyio.CancelScope]] = {}
        #: The waits for this worker's containers to exit, in the kubelet's group.
        self.exit_waits: dict[asyncio.Task[None], None] = {}  # in start order
        #: The runtime's exit futures this worker listens to, with its callback on each.
        self.exit_watches: dict[asyncio.Future[None], Callable[[asyncio.Future[None]], None]] = {}
        self.reported: PodStatus | None = None
        #: The inputs of the last status built that needed no write (``_report_inputs``).
        self.unchanged: tuple[object, ...] = ()
        self.resync: Timer | None = None
        self.volumes: dict[str, VolumeContents] | None = None
        self.mount_failed_at: float | None = None
        self.sandbox_failed_at: float | None = None
        #: ConfigMaps and Secrets read immutable: served from here for the pod's life.
        self.pinned: Pinned = {}
        #: Whether the pod has volumes the kubelet rewrites on each sync.
        self.remounts = any(remountable(v) for v in spec.volumes)
        self.periodic: Timer | None = None

    # ------------------------------------------------------------------------ messages

    async def on_start(self) -> None:
        # The first sync comes through the mailbox, not here: the kubelet's spawn returns once
        # on_start has run, and a slow start (an image pull, a container's start latency) of
        # one Pod must not hold up the kubelet's other Pods (Kubernetes' pod workers are
        # independent goroutines). The mailbox, not a timer: it comes before any PodChanged.
        await self.ref.tell(_FirstSync())

    async def receive(self, message: Any) -> Any:
        match message:
            case PodChanged(pod=pod):
                self.pod = pod
            case ContainerExited(name=name, container_id=container_id):
                await self._container_exited(name, container_id)
            case ProbeReport():
                await self._probe_report(message)
            case _Resync():
                self.resync = None
            case _ExitWaitFailed(error=error):
                raise error
            case _FirstSync() | _PeriodicSync():
                pass
        await self._sync()
        if self.remounts and not (self.terminated or self.terminal):
            # As the kubelet's pod workers requeue a pod after each sync: the period counts
            # from the last sync, whatever caused it.
            if self.periodic is not None:
                self.periodic.cancel()
            self.periodic = self.send_after(self.ctx.timings.sync_frequency, _PeriodicSync())
        return None

    async def on_failure(self, error: BaseException) -> None:
        self._cancel_exit_waits()

    def _cancel_exit_waits(self) -> None:
        for task in list(self.exit_waits):
            task.cancel()
        self.exit_waits.clear()
        # The runtime's futures outlive this worker: its callbacks go, not to keep it.
        for future, callback in self.exit_watches.items():
            future.remove_done_callback(callback)
        self.exit_watches.clear()

    async def on_stop(self) -> None:
        self._cancel_exit_waits()
        self.ctx.tokens.forget_pod(self.uid)
        if self.ctx.abandon:
            return
        if not self.terminated:
            # The Pod went from the apiserver without a graceful deletion: stop at once.
            await self._stop_everything(grace=0)
        if self.stopped_sandbox is not None:
            # As the kubelet's pod cleanup: the pod is gone from the node, and so are its
            # sandbox, its containers and its emptyDir volumes.
            await self.ctx.runtime.remove_pod_sandbox(self.stopped_sandbox)
            self.stopped_sandbox = None

    # --------------------------------------------------------------------------- sync

    async def _sync(self) -> None:
        if self.terminated:
            return
        if self.pod.metadata.deletion_timestamp is not None:
            await self._terminate()
            return
        if not self.terminal:
            await self._sync_containers()
        await self._report()

    async def _sync_containers(self) -> None:
        if self.sandbox_id is None and not await self._run_sandbox():
            return  # ContainerCreating until the runtime makes the sandbox
        if self.volumes is None:
            if not await self._set_up_volumes():
                return  # ContainerCreating until every volume can be mounted
        elif self.remounts:
            await self._remount()
        if self.reported is None:
            # The kubelet's syncPod hands its status manager the Pod's status before the
            # runtime starts anything, and the status manager writes the newest status it
            # holds when it gets to it: while images pull and containers start, the Pod
            # shows ContainerCreating; containers that start at once are written once, as
            # running (one write and one watch event fewer per Pod). The report is a plain
            # asyncio task awaited here, not a task group: one of these starts with each Pod.
            report = asyncio.get_running_loop().create_task(self._report())
            try:
                await self._run_containers()
            except BaseException:
                report.cancel()
                raise
            await report
            return
        await self._run_containers()

    async def _run_containers(self) -> None:
        if not self.initialized:
            for view in self._init_views():
                if view.exited and view.current is not None and view.current.exit_code == 0:
                    continue  # ran to success
                if view.current is None:
                    await self._start(view)
                elif view.exited:
                    await self._maybe_restart(view)  # failed: again, or the pod fails
                return  # one init container at a time: wait for this one
            self.initialized = True
        for view in self._app_views():
            if view.current is None:
                await self._start(view)
            elif view.exited:
                await self._maybe_restart(view)
        if self.pod.spec.restart_policy != "Always" and all(
            view.exited and not self._should_restart(view) for view in self._app_views()
        ):
            await self._finish()

    def _init_views(self) -> list[ContainerView]:
        return [v for v in self.views.values() if v.init]

    def _app_views(self) -> list[ContainerView]:
        return [v for v in self.views.values() if not v.init]

    async def _run_sandbox(self) -> bool:
        failed = self.sandbox_failed_at
        if failed is not None and monotonic() - failed < CONFIG_RETRY:
            return False  # a sync for another reason (a status write) waits out the back-off
        ip = self.ctx.ips.allocate()
        config = sandbox_config_for(self.pod, ip=ip, node_name=self.ctx.node.name)
        try:
            self.sandbox_id = await self.ctx.runtime.run_pod_sandbox(config)
        except ContainerRuntimeError as error:
            # As the kubelet's SyncPod: a FailedCreatePodSandBox Event, and a later sync tries
            # again (a pod address the host refused, say).
            self.ctx.ips.release(ip)
            self.sandbox_failed_at = monotonic()
            message = f"Failed to create pod sandbox: {error}"
            self.ctx.event(self.pod, "Warning", "FailedCreatePodSandBox", message)
            self._resync_in(CONFIG_RETRY)
            return False
        self.pod_ip = ip
        if self.start_time is None:
            self.start_time = _now()
        return True

    async def _set_up_volumes(self) -> bool:
        if self.mount_failed_at is not None and monotonic() - self.mount_failed_at < CONFIG_RETRY:
            return False  # a sync for another reason (a status write) waits out the back-off
        try:
            self.volumes = await set_up_volumes(
                self.pod, self._reader(), self.pod_ip, self.ctx.tokens
            )
        except MountError as error:
            # The volume manager retries with a back-off; each failure is a FailedMount Event.
            self.mount_failed_at = monotonic()
            self.ctx.event(self.pod, "Warning", "FailedMount", str(error))
            self._resync_in(CONFIG_RETRY)
            return False
        return True

    async def _remount(self) -> None:
        """The kubelet's remount on a sync: each ConfigMap, Secret, downward API and
        projected volume set up again, the runtime handed the files that changed. A volume
        that cannot be set up now keeps its files and records FailedMount."""
        assert self.volumes is not None
        reader = self._reader()
        for volume in self.pod.spec.volumes:
            if not remountable(volume):
                continue
            try:
                fresh = await set_up_volume(volume, self.pod, reader, self.pod_ip, self.ctx.tokens)
            except MountError as error:
                self.ctx.event(self.pod, "Warning", "FailedMount", str(error))
                continue
            if fresh == self.volumes.get(volume.name):
                continue
            self.volumes[volume.name] = fresh
            runtime = self.ctx.runtime
            if self.sandbox_id is not None and isinstance(runtime, VolumeRuntime):
                await runtime.update_volume(self.sandbox_id, volume.name, fresh.files, fresh.modes)

    def _reader(self) -> SourceReader:
        namespace = self.pod.metadata.namespace or "default"
        return SourceReader(self.ctx.client, namespace, self.pinned)

    # ------------------------------------------------------------------- containers

    async def _start(self, view: ContainerView) -> None:
        assert self.sandbox_id is not None
        runtime = self.ctx.runtime
        container = self.specs[view.name]
        key = f"{self.uid}/{view.name}"
        failed_at = self.pull_failed_at.get(view.name)
        if failed_at is not None:
            wait = self.ctx.pull_backoff.remaining(key, failed_at, monotonic())
            if wait > 0:
                view.waiting_reason = "ImagePullBackOff"
                view.waiting_message = f'Back-off pulling image "{container.image}"'
                self.ctx.event(self.pod, "Normal", "BackOff", view.waiting_message)
                self.ctx.event(self.pod, "Warning", "Failed", "Error: ImagePullBackOff")
                self._resync_in(wait)
                return
        try:
            await self._pull(container)
        except ImagePullError as error:
            now = monotonic()
            self.pull_failed_at[view.name] = now
            self.ctx.pull_backoff.record(key, now)
            view.waiting_reason = "ErrImagePull"
            view.waiting_message = str(error)
            self.ctx.event(
                self.pod, "Warning", "Failed", f'Failed to pull image "{container.image}": {error}'
            )
            self.ctx.event(self.pod, "Warning", "Failed", "Error: ErrImagePull")
            self._resync_in(self.ctx.pull_backoff.current(key))
            return
        self.pull_failed_at.pop(view.name, None)
        config = container_config_for(
            container, self.pod, pod_ip=self.pod_ip, attempt=view.restart_count
        )
        links = await service_links(self.pod, self.ctx.services)
        reader = self._reader()
        try:
            envs = await resolve_env(container, self.pod, reader, pod_ip=self.pod_ip, base=links)
        except ContainerConfigError as error:
            # The kubelet's pod worker retries a failed sync after its back-off period.
            view.waiting_reason = "CreateContainerConfigError"
            view.waiting_message = str(error)
            self.ctx.event(self.pod, "Warning", "Failed", f"Error: {error}")
            self._resync_in(CONFIG_RETRY)
            return
        config = evolve(
            config,
            envs=envs,
            command=expand_command(config.command, envs),
            args=expand_command(config.args, envs),
            mounts=mounts_for(container, self.volumes or {}),
        )
        container_id = await runtime.create_container(self.sandbox_id, config)
        self.ctx.event(self.pod, "Normal", "Created", f"Created container: {view.name}")
        await runtime.start_container(container_id)
        view.current = await runtime.container_status(container_id)
        view.waiting_reason = view.waiting_message = ""
        view.started = container.startup_probe is None
        view.ready = view.started and container.readiness_probe is None and not view.init
        self._watch_exit(view.name, container_id)
        self._start_probes(view.name, container_id, container)
        self.ctx.event(self.pod, "Normal", "Started", f"Started container {view.name}")

    async def _pull(self, container: Container) -> None:
        """Pull the image as its policy says, with the kubelet's image events."""
        image = container.image
        if container.image_pull_policy != "Always" and image in self.ctx.images:
            # "Never" is taken as present too: the runtimes here hold every image they run.
            message = f'Container image "{image}" already present on machine'
            self.ctx.event(self.pod, "Normal", "Pulled", message)
            return
        self.ctx.event(self.pod, "Normal", "Pulling", f'Pulling image "{image}"')
        began = monotonic()
        await self.ctx.runtime.pull_image(image, self.sandbox_id)
        took = _go_duration(monotonic() - began)
        self.ctx.images.add(image)
        message = f'Successfully pulled image "{image}" in {took} ({took} including waiting)'
        self.ctx.event(self.pod, "Normal", "Pulled", message)

    def _watch_exit(self, name: str, container_id: str) -> None:
        """Have ``ContainerExited`` told when the container exits. Of an ``ExitWatchRuntime``
        (both that ship), a callback of this actor's on the runtime's exit future: no task,
        no coroutine, kept while the container runs (a dozen objects fewer a running Pod for
        the collector to go over); it does nothing once the worker has stopped or restarted
        (``Actor.when_done``). Of any other runtime, a wait in a plain asyncio task of the
        kubelet's (``ExitWaits``: a task of this actor's own costs several times more, and
        lives as long); this worker cancels those when it stops or fails, and the kubelet
        what is left of them."""
        exit_future = getattr(self.ctx.runtime, "exit_future", None)
        if exit_future is not None:
            watched: asyncio.Future[None] = exit_future(container_id)
            callback = functools.partial(self._exited, name, container_id)
            self.exit_watches[watched] = self.when_done(watched, callback)
            return
        # What the wait tells is traced to what this worker handles now, as a task's is
        # (no cause, as whenever nothing is traced: nothing to set, no block to enter).
        cause = current_cause()
        if cause is None:
            task = self.ctx.exits.start(self._wait_for_exit(name, container_id))
        else:
            with caused_by(cause):
                task = self.ctx.exits.start(self._wait_for_exit(name, container_id))
        self.exit_waits[task] = None
        task.add_done_callback(self._exit_wait_done)

    def _exited(self, name: str, container_id: str, future: asyncio.Future[None]) -> None:
        """``ContainerExited`` told, as this actor, once the runtime's exit future is done:
        at once if the mailbox has room, else from a task that waits for room (as
        ``_wait_for_exit`` would)."""
        self.exit_watches.pop(future, None)
        message = ContainerExited(name, container_id)
        try:
            self.ref.tell_nowait(message)
        except MailboxFull:
            task = self.ctx.exits.start(self._tell(message))
            self.exit_waits[task] = None
            task.add_done_callback(self._exit_wait_done)
        except ActorError as error:
            self.ref.crash(repr(error))  # a no-op once the worker has stopped

    def _exit_wait_done(self, task: asyncio.Task[None]) -> None:
        self.exit_waits.pop(task, None)

    async def _wait_for_exit(self, name: str, container_id: str) -> None:
        message: object
        try:
            await self.ctx.runtime.wait_container(container_id)
        except Exception as error:
            message = _ExitWaitFailed(error)  # the worker's failure, as its own task's was
        else:
            message = ContainerExited(name, container_id)
        await self._tell(message)

    async def _tell(self, message: object) -> None:
        """``message`` told to this worker from outside its handler (a wait's task)."""
        try:
            await self.ref.tell(message)
        except ActorError as error:
            self.ref.crash(repr(error))  # a no-op once the worker has stopped

    async def _container_exited(self, name: str, container_id: str) -> None:
        view = self.views[name]
        if view.current is None or view.current.id != container_id:
            return  # an instance already replaced
        self._cancel_probes(container_id)
        view.current = await self.ctx.runtime.container_status(container_id)
        view.ready = False
        self.exited_at[name] = monotonic()

    def _should_restart(self, view: ContainerView) -> bool:
        container = self.specs[view.name]
        policy = container.restart_policy or self.pod.spec.restart_policy
        if view.init and container.restart_policy != "Always":
            # An init container is retried unless the pod never restarts anything.
            return self.pod.spec.restart_policy != "Never" and self._failed(view)
        if policy == "Always":
            return True
        if policy == "OnFailure":
            return self._failed(view)
        return False

    @staticmethod
    def _failed(view: ContainerView) -> bool:
        return view.current is not None and view.current.exit_code != 0

    async def _maybe_restart(self, view: ContainerView) -> None:
        assert view.current is not None
        if not self._should_restart(view):
            if view.init and self._failed(view):
                self.init_failed = True
                await self._finish()
            return
        key = f"{self.uid}/{view.name}"
        exited_at = self.exited_at.get(view.name, monotonic())
        wait = self.ctx.crash_backoff.remaining(key, exited_at, monotonic())
        if wait > 0:
            delay = int(self.ctx.crash_backoff.current(key))
            meta = self.pod.metadata
            view.waiting_reason = "CrashLoopBackOff"
            view.waiting_message = (
                f"back-off {delay}s restarting failed container={view.name} "
                f"pod={meta.name}_{meta.namespace}({meta.uid})"
            )
            view.last_terminated = terminated_state(view.current)
            self.ctx.event(
                self.pod,
                "Warning",
                "BackOff",
                f"Back-off restarting failed container {view.name} in pod "
                f"{meta.name}_{meta.namespace}({meta.uid})",
            )
            self._resync_in(wait)
            return
        self.ctx.crash_backoff.record(key, exited_at)
        view.last_terminated = terminated_state(view.current)
        old = view.current.id
        view.current = None
        view.restart_count += 1
        await self.ctx.runtime.remove_container(old)
        await self._start(view)

    async def _finish(self) -> None:
        """Nothing more will run: the pod is Succeeded or Failed; release its sandbox."""
        self.terminal = True
        await self._release_sandbox()

    # ------------------------------------------------------------------------ probes

    def _start_probes(self, name: str, container_id: str, container: Container) -> None:
        if container.startup_probe is not None:
            self._probe(name, container_id, ProbeKind.STARTUP, container.startup_probe)
        else:
            self._start_running_probes(name, container_id, container)

    def _start_running_probes(self, name: str, container_id: str, container: Container) -> None:
        if container.liveness_probe is not None:
            self._probe(name, container_id, ProbeKind.LIVENESS, container.liveness_probe)
        if container.readiness_probe is not None:
            self._probe(name, container_id, ProbeKind.READINESS, container.readiness_probe)

    def _probe(self, name: str, container_id: str, kind: ProbeKind, probe: Probe) -> None:
        scope = anyio.CancelScope()
        self.probes.setdefault(container_id, []).append(scope)
        self.start_soon(self._probe_loop, scope, name, container_id, kind, probe)

    async def _probe_loop(
        self, scope: anyio.CancelScope, name: str, container_id: str, kind: ProbeKind, probe: Probe
    ) -> None:
        """Kubernetes' probe worker: probe at once and every period, skipping the ones
        before the initial delay; report when the verdict crosses a threshold."""
        period = probe.period_seconds or 10
        timeout = probe.timeout_seconds or 1
        needed_successes = probe.success_threshold or 1
        needed_failures = probe.failure_threshold or 3
        started = monotonic()
        successes = failures = 0
        passing: bool | None = None
        with scope:
            while True:
                if monotonic() - started >= probe.initial_delay_seconds:
                    outcome = ProbeOutcome.FAILURE
                    output = "context deadline exceeded"  # what Go's prober says of a timeout
                    with anyio.move_on_after(timeout):
                        result = await self.ctx.runtime.probe(container_id, kind, probe)
                        outcome, output = result.outcome, result.message
                    if outcome is ProbeOutcome.SUCCESS:
                        successes, failures = successes + 1, 0
                    elif outcome is ProbeOutcome.FAILURE:
                        successes, failures = 0, failures + 1
                        # The kubelet's prober records every failed probe, with its output.
                        what = kind.value.capitalize()
                        message = f"{what} probe failed: {output}".rstrip(": ")
                        self.ctx.event(self.pod, "Warning", "Unhealthy", message)
                    verdict = None
                    if successes >= needed_successes:
                        verdict = True
                    elif failures >= needed_failures:
                        verdict = False
                    if verdict is not None and verdict != passing:
                        passing = verdict
                        if kind is ProbeKind.READINESS or not verdict or kind is ProbeKind.STARTUP:
                            await self.ref.tell(ProbeReport(name, container_id, kind, verdict))
                        if kind is not ProbeKind.READINESS and (
                            not verdict or kind is ProbeKind.STARTUP
                        ):
                            return  # liveness failed, or startup decided: this loop is done
                await anyio.sleep(period)

    async def _probe_report(self, report: ProbeReport) -> None:
        view = self.views[report.name]
        if view.current is None or view.current.id != report.container_id or not view.running:
            return
        container = self.specs[report.name]
        if report.kind is ProbeKind.READINESS:
            view.ready = report.passed
        elif report.kind is ProbeKind.STARTUP and report.passed:
            view.started = True
            view.ready = container.readiness_probe is None and not view.init
            self._start_running_probes(report.name, report.container_id, container)
        else:
            what = "liveness" if report.kind is ProbeKind.LIVENESS else "startup"
            self.ctx.event(
                self.pod,
                "Normal",
                "Killing",
                f"Container {report.name} failed {what} probe, will be restarted",
            )
            grace = self._grace(
                container.liveness_probe if what == "liveness" else container.startup_probe
            )
            await self.ctx.runtime.stop_container(report.container_id, grace)

    def _cancel_probes(self, container_id: str) -> None:
        for scope in self.probes.pop(container_id, ()):
            scope.cancel()

    def _grace(self, probe: Probe | None) -> float:
        if probe is not None and probe.termination_grace_period_seconds is not None:
            return float(probe.termination_grace_period_seconds)
        seconds = self.pod.spec.termination_grace_period_seconds
        return float(30 if seconds is None else seconds)

    # ---------------------------------------------------------------------- deletion

    async def _terminate(self) -> None:
        meta = self.pod.metadata
        grace = meta.deletion_grace_period_seconds
        if grace is None:
            grace = int(self._grace(None))
        for view in self.views.values():
            if view.running:
                self.ctx.event(self.pod, "Normal", "Killing", f"Stopping container {view.name}")
        await self._stop_everything(grace=float(grace))
        self.terminated = True
        await self._report()
        try:
            await self.ctx.client.delete(
                Pod,
                meta.name,
                namespace=meta.namespace,
                grace_period_seconds=0,
                ignore_not_found=True,
            )
        except ApiError as error:
            self.log.warning("pod_delete_failed", pod=namespaced_name(self.pod), error=str(error))
            self.terminated = False
            self._resync_in(self.ctx.timings.status_retry)
            return
        self.stop()

    async def _stop_everything(self, grace: float) -> None:
        runtime = self.ctx.runtime
        running = [v for v in self.views.values() if v.running and v.current is not None]
        for view in running:
            assert view.current is not None
            self._cancel_probes(view.current.id)
        async with anyio.create_task_group() as tg:
            for view in running:
                assert view.current is not None
                tg.start_soon(runtime.stop_container, view.current.id, grace)
        for view in running:
            assert view.current is not None
            view.current = await runtime.container_status(view.current.id)
            view.ready = False
        await self._release_sandbox()

    async def _release_sandbox(self) -> None:
        if self.sandbox_id is None:
            return
        sandbox, self.sandbox_id = self.sandbox_id, None
        await self.ctx.runtime.stop_pod_sandbox(sandbox)
        self.stopped_sandbox = sandbox
        if self.pod_ip:
            self.ctx.ips.release(self.pod_ip)

    # ------------------------------------------------------------------------ status

    def _report_inputs(self) -> tuple[object, ...]:
        """Everything the status ``_report`` builds depends on but the time (which only
        stamps a condition that changes, so never one built from these same inputs)."""
        return (
            self.pod.status,
            self.pod.spec.restart_policy,
            self.pod_ip,
            self.sandbox_id is not None,
            self.start_time,
            self.initialized,
            self.init_failed,
            self.terminal,
            self.terminated,
            *map(ContainerView.essence, self.views.values()),
        )

    async def _report(self) -> None:
        inputs = self._report_inputs()
        if inputs == self.unchanged:
            # Nothing the status is made of changed since a report found nothing to write
            # (the Pod came back with the status this worker wrote, say): the same status.
            return
        views = list(self.views.values())
        phase = pod_phase(
            self.pod.spec.restart_policy,
            [v for v in views if not v.init],
            initialized=self.initialized,
            init_failed=self.init_failed,
        )
        if self.terminated and phase not in TERMINAL_PHASES:
            phase = self.pod.status.phase or phase
        status = pod_status(
            self.pod,
            views,
            phase=phase,
            now=_now(),
            pod_ip=self.pod_ip if self.sandbox_id or self.terminal or self.terminated else "",
            host_ip=self.ctx.host_ip,
            start_time=self.start_time,
            sandbox_ready=self.sandbox_id is not None,
            initialized=self.initialized,
        )
        if status == self.reported or status == self.pod.status:
            self.reported = status
            self.unchanged = inputs
            return
        meta = evolve(self.pod.metadata, resource_version="")
        try:
            self.pod = await self.ctx.client.update_status(
                evolve(self.pod, metadata=meta, status=status)
            )
            self.reported = status
            # Built again from the status written, the status comes out the same (the
            # conditions keep their times): the next report need not build it, unless
            # the containers changed meanwhile (the first report runs beside their start).
            self.unchanged = (self.pod.status, *inputs[1:])
        except NotFound:
            self.terminated = True
            self.stop()
        except KubeActorsError as error:
            # The apiserver is unreachable (a partition) or refused: try again later.
            self.log.warning("pod_status_failed", error=str(error))
            self._resync_in(self.ctx.timings.status_retry)

    def _resync_in(self, seconds: float) -> None:
        if self.resync is not None:
            if self.resync.pending and self.resync.when <= monotonic() + seconds:
                return
            self.resync.cancel()
        self.resync = self.send_after(seconds, _Resync())


def _now() -> dt.datetime:
    return wall_clock_whole_seconds()


def _go_duration(seconds: float) -> str:
    """A duration as Go prints one (what the kubelet's messages show): 0s, 350ms, 1.5s."""
    if seconds <= 0:
        return "0s"
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"
