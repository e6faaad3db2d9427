"""The local stack's REST gateway: request bodies into events, Lambda proxy results into HTTP responses
(infra/local/gateway.py)."""

from __future__ import annotations

import base64

import pytest

from infra.local.gateway import BadProxyResponse, encode_body, function_for, http_response, rest_event


def test_utf8_json_and_text_bodies_stay_text() -> None:
    assert encode_body('{"nome": "João"}'.encode(), "application/json") == ('{"nome": "João"}', False)
    assert encode_body(b"a=1&b=2", "application/x-www-form-urlencoded") == ("a=1&b=2", False)
    assert encode_body(b"", "application/json") == (None, False)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"--x\r\nContent-Disposition: form-data\r\n\r\nhi\r\n--x--", "multipart/form-data; boundary=x"),
        (b"\xff\xd8\xff\xe0jpeg", "image/jpeg"),
        (b"\xff\xfe not utf-8", "application/json"),
    ],
)
def test_multipart_binary_and_non_utf8_bodies_are_base64(body: bytes, content_type: str) -> None:
    assert encode_body(body, content_type) == (base64.b64encode(body).decode(), True)


def test_headers_and_multi_value_headers_are_merged() -> None:
    response = http_response(
        {
            "statusCode": 201,
            "headers": {"X-One": "1", "Content-Length": "999"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"], "Content-Type": ["text/plain"]},
            "body": "olá",
        }
    )
    assert response.status == 201
    assert response.headers.getall("Set-Cookie") == ["a=1", "b=2"]
    assert response.headers["X-One"] == "1"
    assert response.headers["Content-Type"] == "text/plain"
    assert "Content-Length" not in response.headers  # aiohttp computes it from the body
    assert response.body == "olá".encode()


def test_base64_bodies_are_decoded_and_json_is_the_default_type() -> None:
    response = http_response(
        {"statusCode": 200, "body": base64.b64encode(b"\x00\x01").decode(), "isBase64Encoded": True}
    )
    assert response.body == b"\x00\x01"
    assert response.headers["Content-Type"] == "application/json"


def test_a_result_without_a_status_code_is_rejected() -> None:
    with pytest.raises(BadProxyResponse):
        http_response({"body": "{}"})


def test_paths_go_to_the_function_the_route_table_names() -> None:
    assert function_for("/api/health/") == "system"
    assert function_for("/api/auth/login/") == "auth"
    assert function_for("/webhook/evolution-uazapi/") == "webhooks"
    assert function_for("/nowhere/") is None


def test_the_event_carries_what_handlers_build_urls_and_read_bodies_from() -> None:
    from aiohttp.test_utils import make_mocked_request

    request = make_mocked_request(
        "GET", "/api/users/?page=2&tag=a&tag=b", headers={"Host": "localhost:8010", "X-Custom": "1"}
    )
    event = rest_event(request, b"")
    assert event["path"] == "/api/users/"
    assert event["requestContext"]["path"] == "/api/users/"  # no stage in local URLs
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert event["headers"]["Host"] == "localhost:8010"
    assert event["queryStringParameters"] == {"page": "2", "tag": "b"}
    assert event["multiValueQueryStringParameters"]["tag"] == ["a", "b"]
    assert event["pathParameters"] == {"proxy": "api/users/"}
    assert event["body"] is None and event["isBase64Encoded"] is False


def test_webhook_paths_get_a_function_url_v2_event_and_rest_paths_keep_v1() -> None:
    from aiohttp.test_utils import make_mocked_request

    from infra.local.gateway import event_for

    request = make_mocked_request(
        "POST",
        "/webhook/evolution-uazapi/?secret=s3cr3t&x=1&x=2",
        headers={"Host": "localhost:8010", "Content-Type": "application/json", "X-Token": "abc"},
    )
    event = event_for(request, b'{"EventType": "messages"}')
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/webhook/evolution-uazapi/"
    assert event["rawQueryString"] == "secret=s3cr3t&x=1&x=2"
    assert event["queryStringParameters"] == {"secret": "s3cr3t", "x": "1,2"}  # repeated values comma-joined
    assert event["headers"]["x-token"] == "abc"  # lower-cased, as Function URLs send them
    assert event["headers"]["content-type"] == "application/json"
    http = event["requestContext"]["http"]
    assert (http["method"], http["path"]) == ("POST", "/webhook/evolution-uazapi/")
    assert http["sourceIp"]
    assert event["requestContext"]["stage"] == "$default"
    assert event["body"] == '{"EventType": "messages"}' and event["isBase64Encoded"] is False
    assert "httpMethod" not in event

    legacy = event_for(make_mocked_request("POST", "/webhooks/evolution-uazapi/"), b"")
    assert legacy["version"] == "2.0" and legacy["queryStringParameters"] is None
    rest = event_for(make_mocked_request("GET", "/api/health/"), b"")
    assert rest["httpMethod"] == "GET" and "version" not in rest


def test_function_url_results_keep_their_cookies() -> None:
    response = http_response({"statusCode": 200, "body": "{}", "cookies": ["a=1", "b=2"]})
    assert response.headers.getall("Set-Cookie") == ["a=1", "b=2"]


@pytest.mark.parametrize("path", ["/api/inboxes/1/", "/api/inboxes/%0A%12/", "/api/x%0D%0Ay/", "/"])
def test_the_catch_all_route_takes_every_path(path: str) -> None:
    """A decoded path with a newline still reaches the gateway (which answers in the error format), never
    aiohttp's own text 404."""
    import asyncio

    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from infra.local.gateway import RestGateway

    app = web.Application()
    app.add_routes(RestGateway(functions=None, closing=lambda: False).routes())  # type: ignore[arg-type]
    match = asyncio.run(app.router.resolve(make_mocked_request("PATCH", path, app=app)))
    assert match.http_exception is None and "tail" in match
