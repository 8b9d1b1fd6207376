"""One JSON log line per request with nothing secret in it, the request id on error pages,
and /metrics for Prometheus on the trusted network or with the token only."""

from __future__ import annotations

import json
import logging

import pytest

from course_app.request_log import logger
from tests.conftest import _app_for


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[dict] = []

    def emit(self, record):
        self.records.append(json.loads(record.getMessage()))


@pytest.fixture
def log_lines(app):
    app.config["REQUEST_LOG"] = True
    lines = Lines()
    logger.addHandler(lines)
    logger.setLevel(logging.INFO)
    yield lines.records
    logger.removeHandler(lines)
    app.config["REQUEST_LOG"] = False


def test_each_request_is_one_json_line_with_route_status_duration_and_user(
    app, log_lines, learner_client
):
    log_lines.clear()
    response = learner_client.get("/my-learning", headers={"X-Request-ID": "nginx-req-1234"})
    assert response.headers["X-Request-ID"] == "nginx-req-1234"
    [line] = log_lines
    assert line["request_id"] == "nginx-req-1234"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/my-learning", 200)
    assert isinstance(line["duration_ms"], float)
    assert isinstance(line["user_id"], int)


def test_codes_and_query_strings_never_reach_the_log(app, log_lines, client):
    secret = "ZZSECRET4242"
    client.get(f"/resume/{secret}")
    client.get(f"/verify/{secret}")
    client.get(f"/certificates/{secret}")
    client.get(f"/verify?code={secret}")
    client.post("/account/sign-in", data={"username": "x", "password": secret})
    text = json.dumps(log_lines)
    assert len(log_lines) == 5
    assert secret not in text
    assert {"/resume/[redacted]", "/verify/[redacted]"} <= {line["path"] for line in log_lines}


def test_a_request_id_that_is_not_one_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response.headers["X-Request-ID"] != "<script>"
    assert len(response.headers["X-Request-ID"]) == 32


def test_error_pages_show_the_request_id(client):
    response = client.get("/no-such-page", headers={"X-Request-ID": "c0ffee12deadbeef"})
    assert response.status_code == 404
    # The first 8 characters: read out on the phone, then found in the log.
    assert "give them this reference: c0ffee12</p>" in response.get_data(as_text=True)


def test_metrics_count_requests_by_route_and_sign_in_failures(client):
    client.get("/")
    client.post("/account/sign-in", data={"username": "nobody", "password": "wrong wrong"})
    before = metric(client, 'course_app_sign_in_failures_total{reason="refused"}')
    client.post("/account/sign-in", data={"username": "nobody", "password": "wrong wrong"})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'course_app_http_requests_total{method="GET",route="/",status="200"}' in text
    assert (
        'course_app_http_request_duration_seconds_bucket{le="0.2",method="GET",route="/"}' in text
    )
    assert "course_app_db_pool_connections_in_use" in text
    assert "course_app_job_queue_depth 0.0" in text
    assert metric(client, 'course_app_sign_in_failures_total{reason="refused"}') == before + 1


def metric(client, name: str) -> float:
    for line in client.get("/metrics").get_data(as_text=True).splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0


def test_metrics_answer_the_trusted_network_or_the_token_only(database_url):
    app = _app_for(database_url)
    app.config["METRICS_TOKEN"] = "s3cret-token"
    outside = app.test_client()
    outside.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert outside.get("/metrics").status_code == 404
    assert outside.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    with_token = outside.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert with_token.status_code == 200
    app.config["METRICS_ALLOW_FROM"] = "203.0.113.0/24"
    assert outside.get("/metrics").status_code == 200


def test_a_signed_in_error_page_logs_without_the_database(app, log_lines, learner_client):
    from tests.ops.test_database_down import DatabaseDown

    down = DatabaseDown(app)
    try:
        assert learner_client.get("/my-learning").status_code == 503
    finally:
        down.back()
    assert log_lines[-1]["status"] == 503
