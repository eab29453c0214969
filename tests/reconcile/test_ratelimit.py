"""Rate limiters: client-go's delays, exactly."""

from __future__ import annotations

import pytest

from kube_actors.reconcile import (
    BucketRateLimiter,
    ItemExponentialFailureRateLimiter,
    MaxOfRateLimiter,
    Request,
    default_controller_rate_limiter,
)


def test_the_item_back_off_doubles_from_5_ms() -> None:
    limiter = ItemExponentialFailureRateLimiter()
    delays = [limiter.when("a", now=0.0) for _ in range(8)]
    assert delays == [0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64]
    assert limiter.num_requeues("a") == 8


def test_the_item_back_off_is_capped_at_1000_seconds_and_never_overflows() -> None:
    limiter = ItemExponentialFailureRateLimiter()
    delays = [limiter.when("a", now=0.0) for _ in range(2000)]
    assert delays[17] == 0.005 * 2**17 == 655.36
    assert delays[18:] == [1000.0] * (2000 - 18)


def test_each_item_backs_off_on_its_own_and_forget_resets_only_that_item() -> None:
    limiter = ItemExponentialFailureRateLimiter()
    for _ in range(3):
        limiter.when("a", now=0.0)
    assert limiter.when("b", now=0.0) == 0.005
    limiter.forget("a")
    assert limiter.num_requeues("a") == 0
    assert limiter.when("a", now=0.0) == 0.005
    assert limiter.when("b", now=0.0) == 0.01


def test_the_bucket_lets_a_burst_through_then_spaces_calls_by_one_over_qps() -> None:
    bucket = BucketRateLimiter(qps=10, burst=100)
    assert [bucket.when(i, now=0.0) for i in range(100)] == [0.0] * 100
    assert bucket.when(100, now=0.0) == pytest.approx(0.1)
    assert bucket.when(101, now=0.0) == pytest.approx(0.2)


def test_the_bucket_refills_with_time_up_to_its_burst() -> None:
    bucket = BucketRateLimiter(qps=10, burst=5)
    for i in range(5):
        bucket.when(i, now=0.0)
    assert bucket.when("late", now=0.0) == pytest.approx(0.1)  # one token in debt
    # 1 s later the debt is paid and the bucket is full again, but holds no more than 5.
    assert [bucket.when(i, now=1.0) for i in range(5)] == [0.0] * 5
    assert bucket.when("sixth", now=1.0) == pytest.approx(0.1)


def test_the_default_controller_limiter_is_the_max_of_item_back_off_and_the_bucket() -> None:
    limiter = default_controller_rate_limiter()
    first = [limiter.when(Request("ns", f"r{i}"), now=0.0) for i in range(100)]
    assert first == [0.005] * 100
    assert limiter.when(Request("ns", "r100"), now=0.0) == pytest.approx(0.1)
    assert limiter.num_requeues(Request("ns", "r0")) == 1
    limiter.forget(Request("ns", "r0"))
    assert limiter.num_requeues(Request("ns", "r0")) == 0


def test_max_of_asks_every_limiter_so_each_counts_the_failure() -> None:
    a, b = ItemExponentialFailureRateLimiter(1.0, 100.0), ItemExponentialFailureRateLimiter()
    limiter = MaxOfRateLimiter(a, b)
    assert [limiter.when("x", now=0.0) for _ in range(3)] == [1.0, 2.0, 4.0]
    assert b.num_requeues("x") == 3


def test_limiters_refuse_nonsense_settings() -> None:
    with pytest.raises(ValueError, match="negative"):
        ItemExponentialFailureRateLimiter(-1.0)
    with pytest.raises(ValueError, match="qps"):
        BucketRateLimiter(qps=0)
    with pytest.raises(ValueError, match="at least one"):
        MaxOfRateLimiter()
