"""The HTTP layer against a real local server: spacing, Retry-After, 429, resets, bounded retries."""

from __future__ import annotations

import pytest
from crawler_helpers import Reply, ScriptedServer

from flopsdb.core.errors import HTTPError
from flopsdb.crawler.http import HttpClient, RateLimiter, parse_retry_after


def client(**kw) -> HttpClient:
    kw.setdefault("backoff", 0.01)
    kw.setdefault("max_retries", 3)
    kw.setdefault("timeout", 5)
    return HttpClient(user_agent="flopsdb-test/1 (mailto:test@example.org)", **kw)


def test_limiter_spaces_requests_measured_on_the_server(server: ScriptedServer) -> None:
    server.route("/x", Reply(200, b"ok"))
    http = client(limiter=RateLimiter(0.25))
    for _ in range(4):
        http.get(server.url + "/x")
    times = [s.at for s in server.requests_to("/x")]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) == 3
    assert min(gaps) >= 0.24, gaps


def test_shared_limiter_is_one_per_name() -> None:
    a = RateLimiter.shared("test-host", 1.0)
    b = RateLimiter.shared("test-host", 2.0)
    assert a is b and a.delay == 2.0
    assert RateLimiter.shared("other-host", 1.0) is not a


def test_user_agent_is_descriptive(server: ScriptedServer) -> None:
    server.route("/x", Reply(200, b"ok"))
    client().get(server.url + "/x")
    assert server.seen[0].headers["user-agent"] == "flopsdb-test/1 (mailto:test@example.org)"


def test_503_with_retry_after_is_waited_out(server: ScriptedServer) -> None:
    server.route("/x", Reply(503, b"busy", {"Retry-After": "1"}), Reply(200, b"fine"))
    resp = client(limiter=RateLimiter(0)).get(server.url + "/x")
    assert resp.content == b"fine"
    first, second = server.requests_to("/x")
    assert second.at - first.at >= 0.95


def test_429_then_success(server: ScriptedServer) -> None:
    server.route("/x", Reply(429, b"slow down"), Reply(429, b"slow down"), Reply(200, b"fine"))
    assert client().get(server.url + "/x").content == b"fine"
    assert len(server.requests_to("/x")) == 3


def test_connection_reset_is_retried(server: ScriptedServer) -> None:
    server.route("/x", Reply(action="reset"), Reply(200, b"fine"))
    assert client().get(server.url + "/x").content == b"fine"
    assert len(server.requests_to("/x")) == 2


def test_truncated_body_is_retried(server: ScriptedServer) -> None:
    server.route("/x", Reply(200, b"0123456789" * 100, action="truncate"), Reply(200, b"whole"))
    assert client().get(server.url + "/x").content == b"whole"


def test_retries_are_bounded_and_the_error_says_why(server: ScriptedServer) -> None:
    server.route("/x", Reply(503, b"down"))
    with pytest.raises(HTTPError) as info:
        client(max_retries=2).get(server.url + "/x")
    assert info.value.status == 503 and "3 attempts" in str(info.value) and "/x" in str(info.value)
    assert len(server.requests_to("/x")) == 3


def test_a_404_is_not_retried(server: ScriptedServer) -> None:
    with pytest.raises(HTTPError) as info:
        client().get(server.url + "/missing")
    assert info.value.status == 404
    assert len(server.seen) == 1


def test_a_retry_after_beyond_the_cap_fails_at_once(server: ScriptedServer) -> None:
    server.route("/x", Reply(503, b"maintenance", {"Retry-After": "7200"}))
    with pytest.raises(HTTPError) as info:
        client(max_retry_after=60).get(server.url + "/x")
    assert info.value.retry_after == 7200 and len(server.seen) == 1


def test_slow_answers_time_out_and_are_retried(server: ScriptedServer) -> None:
    server.route("/x", Reply(200, b"late", delay=1.0), Reply(200, b"quick"))
    assert client(timeout=0.3).get(server.url + "/x").content == b"quick"


def test_parse_retry_after() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
