"""Health and changelog."""

from __future__ import annotations

import json

import boto3

from niochat.settings import get_settings


def test_health_reports_table_and_bucket(api):
    response = api.get("/api/health/")
    assert response.status == 200
    assert response.json["status"] == "ok"
    assert set(response.json["checks"]) == {"table", "bucket"}


def test_health_is_503_with_details_when_the_bucket_is_gone(api):
    boto3.client("s3").delete_bucket(Bucket=get_settings().media_bucket)
    response = api.get("/api/health/")
    assert response.status == 503
    assert response.json["error"] == "ServiceUnavailable"
    assert response.json["details"]["failing"] == ["bucket"]
    assert response.json["checks"]["table"]["status"] == "ok"


def test_health_is_503_when_the_table_is_gone(api):
    boto3.client("dynamodb").delete_table(TableName=get_settings().table_name)
    response = api.get("/api/health/")
    assert response.status == 503
    assert response.json["details"]["failing"] == ["table"]
    # The public answer names the error's code, never its text (which names the table and the account).
    assert response.json["checks"]["table"] == {"status": "error", "error": "ResourceNotFoundException"}
    assert get_settings().table_name not in json.dumps(response.json)


def test_changelog_comes_from_changelog_md(api):
    response = api.get("/api/changelog/")
    assert response.status == 200
    body = response.json
    assert body["versions"], body
    assert body["current_version"] == next(v["version"] for v in body["versions"] if v["version"] != "Unreleased")
