"""A CronJob's schedule, defaults and validation, worded as Kubernetes words them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
import yaml

from kube_actors.api import CronJob, default, from_dict, parse_schedule, validation_causes

from ..doc_manifests import HELLO_CRONJOB as HELLO

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def hello(**spec: Any) -> CronJob:
    cj = default(from_dict(yaml.safe_load(HELLO)))
    assert isinstance(cj, CronJob)
    cj = attrs.evolve(cj, metadata=attrs.evolve(cj.metadata, namespace="default"))
    return attrs.evolve(cj, spec=attrs.evolve(cj.spec, **spec))


def messages(cj: CronJob, old: CronJob | None = None) -> list[str]:
    return [str(cause) for cause in validation_causes(cj, old)]


def test_the_documentation_cron_job_is_valid_and_gets_kubernetes_defaults() -> None:
    cj = hello()
    assert messages(cj) == []
    assert (cj.spec.concurrency_policy, cj.spec.suspend) == ("Allow", False)
    assert (cj.spec.successful_jobs_history_limit, cj.spec.failed_jobs_history_limit) == (3, 1)


@pytest.mark.parametrize(
    ("schedule", "after", "expected"),
    [
        ("*/5 * * * *", T0, T0 + dt.timedelta(minutes=5)),
        ("@hourly", T0, T0 + dt.timedelta(hours=1)),
        ("@weekly", T0, dt.datetime(2026, 1, 4, tzinfo=dt.UTC)),  # the next Sunday
        ("@every 90s", T0, T0 + dt.timedelta(seconds=90)),
        ("0 0 ? * MON", T0, dt.datetime(2026, 1, 5, tzinfo=dt.UTC)),
        ("30 8 1 JAN,JUL *", T0, dt.datetime(2026, 1, 1, 8, 30, tzinfo=dt.UTC)),
    ],
)
def test_schedules_come_at_kubernetes_times(
    schedule: str, after: dt.datetime, expected: dt.datetime
) -> None:
    assert parse_schedule(schedule).next(after) == expected


def test_a_time_zone_moves_the_times() -> None:
    nine = parse_schedule("0 9 * * *")
    assert nine.next(T0, "Asia/Tokyo") == dt.datetime(
        2026, 1, 2, 0, 0, tzinfo=dt.UTC
    )  # strictly after
    assert nine.next(T0, "America/New_York") == dt.datetime(2026, 1, 1, 14, tzinfo=dt.UTC)


def test_an_impossible_date_parses_and_never_comes() -> None:
    assert parse_schedule("0 0 31 2 *").next(T0) is None


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("*/5 * * * * *", "expected exactly 5 fields, found 6: [*/5 * * * * *]"),
        ("61 * * * *", "end of range (61) above maximum (59): 61"),
        ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
        ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ],
)
def test_a_bad_schedule_is_refused_with_robfig_cron_wording(schedule: str, message: str) -> None:
    assert messages(hello(schedule=schedule)) == [
        f'spec.schedule: Invalid value: "{schedule}": {message}'
    ]


def test_a_time_zone_in_the_schedule_is_refused_in_favour_of_the_field() -> None:
    assert messages(hello(schedule="CRON_TZ=UTC 0 * * * *")) == [
        'spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in '
        "schedule, use timeZone field instead"
    ]


def test_time_zones_must_be_known_and_explicit() -> None:
    assert messages(hello(time_zone="Europe/Pariss")) == [
        'spec.timeZone: Invalid value: "Europe/Pariss": unknown time zone Europe/Pariss'
    ]
    assert messages(hello(time_zone="Local")) == [
        'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as '
        "defined in https://www.iana.org/time-zones"
    ]
    assert messages(hello(time_zone="")) == [
        'spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string'
    ]
    assert messages(hello(time_zone="Europe/Paris")) == []


def test_policies_limits_names_and_the_job_template_are_checked() -> None:
    bad = hello(
        concurrency_policy="Sometimes",
        starting_deadline_seconds=-1,
        successful_jobs_history_limit=-1,
    )
    bad = attrs.evolve(bad, metadata=attrs.evolve(bad.metadata, name="x" * 53))
    template = bad.spec.job_template
    pods = template.spec.template
    always = attrs.evolve(pods, spec=attrs.evolve(pods.spec, restart_policy="Always"))
    bad = attrs.evolve(
        bad,
        spec=attrs.evolve(
            bad.spec,
            job_template=attrs.evolve(template, spec=attrs.evolve(template.spec, template=always)),
        ),
    )
    assert messages(bad) == [
        "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
        'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", '
        '"Forbid", "Replace"',
        'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": '
        'supported values: "OnFailure", "Never"',
        "spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0",
        f'metadata.name: Invalid value: "{"x" * 53}": must be no more than 52 characters',
    ]
