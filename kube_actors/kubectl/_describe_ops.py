"""``kubectl describe`` of what runs and guards workloads: Ingress, CronJob,
HorizontalPodAutoscaler and PodDisruptionBudget, each in describe.go's layout.

An Ingress's backends show the ready endpoints of their Service, found as kubectl finds them:
the Service (for the name of the port a backend gives by number) and its EndpointSlices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ..api import (
    CronJob,
    EndpointSlice,
    Event,
    HorizontalPodAutoscaler,
    HPAScalingRules,
    Ingress,
    IngressBackend,
    JobTemplateSpec,
    MetricSpec,
    MetricStatus,
    PodDisruptionBudget,
    Service,
)
from . import _describe_fields as f
from ._describe_core import format_endpoints
from ._describe_pod import pod_template
from ._tabwriter import Page

__all__ = [
    "describe_cron_job",
    "describe_horizontal_pod_autoscaler",
    "describe_ingress",
    "describe_pod_disruption_budget",
]


def _unset(value: object, suffix: str = "") -> str:
    return "<unset>" if value is None else f"{value}{suffix}"


# --------------------------------------------------------------------------- Ingress


def describe_ingress(
    page: Page,
    ing: Ingress,
    services: Mapping[str, Service],
    slices: Sequence[EndpointSlice],
    events: Sequence[Event],
    now: dt.datetime,
) -> None:
    meta, spec = ing.metadata, ing.spec

    def backend(b: IngressBackend) -> str:
        return _backend(b, meta.namespace, services, slices)

    page.write(0, f"Name:\t{meta.name}\n")
    f.label_lines(page, "Labels", meta.labels)
    page.write(0, f"Namespace:\t{meta.namespace}\n")
    found = {a.ip or a.hostname for a in ing.status.load_balancer.ingress} - {""}
    page.write(0, f"Address:\t{','.join(sorted(found))}\n")
    page.write(0, f"Ingress Class:\t{spec.ingress_class_name or '<none>'}\n")
    default = backend(spec.default_backend) if spec.default_backend else "<default>"
    page.write(0, f"Default backend:\t{default}\n")
    if spec.tls:
        page.write(0, "TLS:\n")
        for tls in spec.tls:
            hosts = ",".join(tls.hosts)
            line = (
                f"{tls.secret_name} terminates {hosts}"
                if tls.secret_name
                else f"SNI routes {hosts}"
            )
            page.write(1, line + "\n")
    page.write(0, "Rules:\n  Host\tPath\tBackends\n")
    page.write(1, "----\t----\t--------\n")
    rules = [rule for rule in spec.rules if rule.http is not None]
    for rule in rules:
        assert rule.http is not None
        page.write(1, f"{rule.host or '*'}\t\n")
        for path in rule.http.paths:
            page.write(2, f"\t{path.path} \t{backend(path.backend)}\n")
    if not rules:
        page.write(1, f"*\t*\t{default}\n")
    f.annotation_lines(page, "Annotations", meta.annotations)
    f.events(page, events, now)


def _backend(
    b: IngressBackend,
    namespace: str,
    services: Mapping[str, Service],
    slices: Sequence[EndpointSlice],
) -> str:
    """``describeBackendV1``: ``service:port (endpoints)``, or the resource it names."""
    if b.service is not None:
        port = b.service.port
        text = f"{b.service.name}:{port.number if port.number else port.name}"
        svc = services.get(b.service.name)
        if svc is None:
            return f'{text} (<error: services "{b.service.name}" not found>)'
        port_name = ""
        for sp in svc.spec.ports:
            if (port.number and port.number == sp.port) or (port.name and port.name == sp.name):
                port_name = sp.name
        mine = [s for s in slices if s.metadata.labels.get(_SERVICE_NAME) == b.service.name]
        return f"{text} ({format_endpoints(mine, port_name)})"
    if b.resource is not None:
        r = b.resource
        return f"APIGroup: {r.api_group or '<none>'}, Kind: {r.kind}, Name: {r.name}"
    return ""


_SERVICE_NAME = "kubernetes.io/service-name"


# --------------------------------------------------------------------------- CronJob


def describe_cron_job(page: Page, cj: CronJob, events: Sequence[Event], now: dt.datetime) -> None:
    meta, spec, status = cj.metadata, cj.spec, cj.status
    f.named_header(page, meta)
    page.write(0, f"Schedule:\t{spec.schedule}\n")
    page.write(0, f"Concurrency Policy:\t{spec.concurrency_policy}\n")
    suspend = "<unset>" if spec.suspend is None else f.title_bool(spec.suspend)
    page.write(0, f"Suspend:\t{suspend}\n")
    page.write(0, f"Successful Job History Limit:\t{_unset(spec.successful_jobs_history_limit)}\n")
    page.write(0, f"Failed Job History Limit:\t{_unset(spec.failed_jobs_history_limit)}\n")
    page.write(0, f"Starting Deadline Seconds:\t{_unset(spec.starting_deadline_seconds, 's')}\n")
    _job_template(page, spec.job_template)
    last = status.last_schedule_time
    page.write(0, f"Last Schedule Time:\t{f.when(last) if last is not None else '<unset>'}\n")
    names = ", ".join(ref.name for ref in status.active)
    page.write(0, f"Active Jobs:\t{names or '<none>'}\n")
    f.events(page, events, now)


def _job_template(page: Page, template: JobTemplateSpec) -> None:
    spec = template.spec
    page.write(
        0, f"Selector:\t{f.selector(spec.selector, none='') if spec.selector else '<unset>'}\n"
    )
    page.write(0, f"Parallelism:\t{_unset(spec.parallelism)}\n")
    page.write(0, f"Completions:\t{_unset(spec.completions)}\n")
    if spec.active_deadline_seconds is not None:
        page.write(0, f"Active Deadline Seconds:\t{spec.active_deadline_seconds}s\n")
    pod_template(page, spec.template)


# ----------------------------------------------------------------- autoscaling


def describe_horizontal_pod_autoscaler(
    page: Page, hpa: HorizontalPodAutoscaler, events: Sequence[Event], now: dt.datetime
) -> None:
    meta, spec, status = hpa.metadata, hpa.spec, hpa.status
    f.named_header(page, meta)
    page.write(0, f"CreationTimestamp:\t{f.when(meta.creation_timestamp)}\n")
    target = spec.scale_target_ref
    page.write(0, f"Reference:\t{target.kind}/{target.name}\n")
    page.write(0, "Metrics:\t( current / target )\n")
    for i, metric in enumerate(spec.metrics):
        current = status.current_metrics[i] if i < len(status.current_metrics) else None
        _metric(page, metric, current)
    page.write(0, f"Min replicas:\t{_unset(spec.min_replicas)}\n")
    page.write(0, f"Max replicas:\t{spec.max_replicas}\n")
    if spec.behavior is not None:
        page.write(0, "Behavior:\n")
        _direction(page, "Scale Up", spec.behavior.scale_up)
        _direction(page, "Scale Down", spec.behavior.scale_down)
    page.write(0, f"{target.kind} pods:\t")
    page.write(0, f"{status.current_replicas} current / {status.desired_replicas} desired\n")
    if status.conditions:
        page.write(0, "Conditions:\n")
        page.write(1, "Type\tStatus\tReason\tMessage\n")
        page.write(1, "----\t------\t------\t-------\n")
        for c in status.conditions:
            page.write(1, f"{c.type}\t{c.status}\t{c.reason}\t{c.message}\n")
    f.events(page, events, now)


def _metric(page: Page, metric: MetricSpec, current: MetricStatus | None) -> None:
    """A Resource metric as kubectl prints it (the only type served here)."""
    if metric.type != "Resource" or metric.resource is None:
        page.write(1, f'<unknown metric type "{metric.type}">\n')
        return
    source = metric.resource
    value = current.resource.current if current is not None and current.resource else None
    page.write(1, f"resource {source.name} on pods")
    if source.target.average_value is not None:
        shown = (
            str(value.average_value) if value and value.average_value is not None else "<unknown>"
        )
        page.write(0, f":\t{shown} / {source.target.average_value}\n")
        return
    shown = "<unknown>"
    if value is not None and value.average_utilization is not None:
        average = "<nil>" if value.average_value is None else str(value.average_value)
        shown = f"{value.average_utilization}% ({average})"
    utilization = source.target.average_utilization
    wanted = "<auto>" if utilization is None else f"{utilization}%"
    page.write(1, f"(as a percentage of request):\t{shown} / {wanted}\n")


def _direction(page: Page, title: str, rules: HPAScalingRules | None) -> None:
    """``printDirectionBehavior``."""
    if rules is None:
        return
    page.write(1, f"{title}:\n")
    if rules.stabilization_window_seconds is not None:
        page.write(2, f"Stabilization Window: {rules.stabilization_window_seconds} seconds\n")
    if rules.policies:
        page.write(2, f"Select Policy: {rules.select_policy or 'Max'}\n")
        page.write(2, "Policies:\n")
        for p in rules.policies:
            page.write(
                3, f"- Type: {p.type}\tValue: {p.value}\tPeriod: {p.period_seconds} seconds\n"
            )


# ---------------------------------------------------------------------- policy


def describe_pod_disruption_budget(
    page: Page, pdb: PodDisruptionBudget, events: Sequence[Event], now: dt.datetime
) -> None:
    meta, spec, status = pdb.metadata, pdb.spec, pdb.status
    page.write(0, f"Name:\t{meta.name}\n")
    page.write(0, f"Namespace:\t{meta.namespace}\n")
    if spec.min_available is not None:
        page.write(0, f"Min available:\t{spec.min_available}\n")
    elif spec.max_unavailable is not None:
        page.write(0, f"Max unavailable:\t{spec.max_unavailable}\n")
    selector = f.selector(spec.selector) if spec.selector is not None else "<unset>"
    page.write(0, f"Selector:\t{selector}\n")
    page.write(0, "Status:\n")
    page.write(2, f"Allowed disruptions:\t{status.disruptions_allowed}\n")
    page.write(2, f"Current:\t{status.current_healthy}\n")
    page.write(2, f"Desired:\t{status.desired_healthy}\n")
    page.write(2, f"Total:\t{status.expected_pods}\n")
    f.events(page, events, now)
