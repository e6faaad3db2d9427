"""The agents' console on AWS (infra/components/console.py): a private bucket only this distribution reads
through origin access control, HTTPS only, security headers, the SPA fallback everywhere but /config.json, the
runtime config naming this stack's two APIs, and CORS on the REST API for the distribution's origin only."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest
from aws_cdk import Token

from infra import routes
from infra.components import console
from tests.infra.conftest import Synth, refs

pytestmark = pytest.mark.infra

REST_FUNCTIONS = sorted({group.function for group in routes.REST_GROUPS})


def render(value: Any) -> str:
    """A template string value with its tokens written as <LogicalId>, <LogicalId.Attribute>, <AWS::Region>."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::GetAtt" in value:
        return f"<{'.'.join(value['Fn::GetAtt'])}>"
    separator, parts = value["Fn::Join"]
    return separator.join(render(part) for part in parts)


def _id(synth: Synth, construct: Any) -> str:
    return synth.logical_id(construct)


def _distribution(synth: Synth) -> dict[str, Any]:
    (distribution,) = synth.of_type("AWS::CloudFront::Distribution").values()
    return distribution["Properties"]["DistributionConfig"]


def _behaviors(synth: Synth) -> dict[str, dict[str, Any]]:
    """Path pattern ("*" for the default) → its cache behavior."""
    config = _distribution(synth)
    behaviors = {b["PathPattern"]: b for b in config.get("CacheBehaviors", [])}
    return {"*": config["DefaultCacheBehavior"], **behaviors}


def _headers_policy(synth: Synth, behavior: dict[str, Any]) -> dict[str, Any]:
    (policy,) = refs(behavior["ResponseHeadersPolicyId"])
    return synth.resources[policy]["Properties"]["ResponseHeadersPolicyConfig"]


def _origins(synth: Synth) -> tuple[str, str]:
    rest, ws = _id(synth, synth.stack.rest.api), _id(synth, synth.stack.websocket.api)
    return (f"https://<{rest}>.execute-api.<AWS::Region>.<AWS::URLSuffix>",
            f"wss://<{ws}>.execute-api.<AWS::Region>.<AWS::URLSuffix>")  # fmt: skip


def _console_origin(synth: Synth) -> str:
    return f"https://<{_id(synth, synth.stack.console.distribution)}.DomainName>"


# -- the bucket ------------------------------------------------------------------------------------------------
def test_the_bucket_is_private_encrypted_and_retained(synth: Synth) -> None:
    bucket = synth.resources[_id(synth, synth.stack.console.bucket)]
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
    )
    assert props["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    }
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}  # no ACLs
    assert "WebsiteConfiguration" not in props  # never an S3 website endpoint: CloudFront only
    assert bucket["DeletionPolicy"] == "Retain"


def _bucket_statements(synth: Synth) -> list[dict[str, Any]]:
    bucket = _id(synth, synth.stack.console.bucket)
    policies = synth.of_type("AWS::S3::BucketPolicy").values()
    (policy,) = [p for p in policies if p["Properties"]["Bucket"] == {"Ref": bucket}]
    return policy["Properties"]["PolicyDocument"]["Statement"]


def test_the_bucket_refuses_plain_http(synth: Synth) -> None:
    (deny,) = [s for s in _bucket_statements(synth) if s["Effect"] == "Deny"]
    assert deny["Action"] == "s3:*" and deny["Principal"] == {"AWS": "*"}
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_only_this_distribution_may_read_the_bucket(synth: Synth) -> None:
    (allow,) = [s for s in _bucket_statements(synth) if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"  # no ListBucket: a missing file is 403, not a listing
    assert render(allow["Resource"]) == f"<{_id(synth, synth.stack.console.bucket)}.Arn>/*"
    (source_arn,) = allow["Condition"]["StringEquals"].values()
    assert list(allow["Condition"]["StringEquals"]) == ["AWS:SourceArn"]
    distribution = _id(synth, synth.stack.console.distribution)
    assert render(source_arn) == f"arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<{distribution}>"


# -- the distribution ------------------------------------------------------------------------------------------
def test_the_s3_origin_uses_origin_access_control_and_no_identity(synth: Synth) -> None:
    (origin,) = _distribution(synth)["Origins"]
    assert refs(origin["DomainName"]) == {_id(synth, synth.stack.console.bucket)}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    (oac_id,) = refs(origin["OriginAccessControlId"])
    oac = synth.resources[oac_id]["Properties"]["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"], oac["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    assert synth.of_type("AWS::CloudFront::CloudFrontOriginAccessIdentity") == {}


def test_https_only_http2_and_3_and_index_html_at_the_root(synth: Synth) -> None:
    config = _distribution(synth)
    assert config["DefaultRootObject"] == "index.html"
    assert config["HttpVersion"] == "http2and3"
    assert config["Enabled"] is True
    assert config["PriceClass"] == "PriceClass_All"  # South American edges for Brazilian agents
    for pattern, behavior in _behaviors(synth).items():
        assert behavior["ViewerProtocolPolicy"] == "redirect-to-https", pattern
        assert behavior["AllowedMethods"] == ["GET", "HEAD"], pattern
        assert behavior["Compress"] is True, pattern
    assert set(_behaviors(synth)) == {"*", "/config.json", "/assets/*"}


@pytest.mark.parametrize("pattern", ["*", "/config.json", "/assets/*"])
def test_every_response_carries_the_security_headers(synth: Synth, pattern: str) -> None:
    headers = _headers_policy(synth, _behaviors(synth)[pattern])["SecurityHeadersConfig"]
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 365 * 86400
    assert hsts["IncludeSubdomains"] is True and hsts["Preload"] is True and hsts["Override"] is True
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert headers["ReferrerPolicy"] == {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True}
    assert headers["ContentSecurityPolicy"]["Override"] is True


def _csp(synth: Synth, pattern: str = "*") -> dict[str, list[str]]:
    config = _headers_policy(synth, _behaviors(synth)[pattern])["SecurityHeadersConfig"]
    policy = render(config["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    directives = [d.split() for d in policy.split(";")]
    return {d[0]: d[1:] for d in directives}


def test_the_csp_lets_the_page_call_only_this_stacks_apis(synth: Synth) -> None:
    csp = _csp(synth)
    bucket = _id(synth, synth.stack.storage.media_bucket)
    media = [f"https://<{bucket}.DomainName>", f"https://<{bucket}.RegionalDomainName>"]  # presigned file links
    assert csp["connect-src"] == ["'self'", *_origins(synth), *media]  # the media fetch follows its redirect
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
    assert not [d for d, sources in csp.items() for s in sources if s in ("'unsafe-inline'", "'unsafe-eval'", "*")]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:", "blob:", *media] and csp["media-src"] == ["'self'", "blob:", *media]
    assert _csp(synth, "/assets/*") == csp == _csp(synth, "/config.json")


def _cache_control(synth: Synth, pattern: str) -> str:
    custom = _headers_policy(synth, _behaviors(synth)[pattern])["CustomHeadersConfig"]["Items"]
    (header,) = [h for h in custom if h["Header"] == "Cache-Control"]
    assert header["Override"] is True
    return header["Value"]


def test_entry_points_are_revalidated_and_hashed_assets_kept_a_year(synth: Synth) -> None:
    assert _cache_control(synth, "*") == "no-cache"  # index.html and every app route
    assert _cache_control(synth, "/config.json") == "no-cache"
    assert _cache_control(synth, "/assets/*") == "public, max-age=31536000, immutable"
    # CloudFront's own copy: CachingOptimized (a day, compressed), dropped by each deployment's invalidation.
    assert {b["CachePolicyId"] for b in _behaviors(synth).values()} == {"658327ea-f89d-4fab-a63d-7e88639e58f6"}


# -- the SPA fallback ------------------------------------------------------------------------------------------
def test_the_fallback_runs_on_app_routes_and_never_on_config_json_or_assets(synth: Synth) -> None:
    behaviors = _behaviors(synth)
    (association,) = behaviors["*"]["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    assert refs(association["FunctionARN"]) == {_id(synth, synth.stack.console.spa_fallback)}
    assert "FunctionAssociations" not in behaviors["/config.json"]
    assert "FunctionAssociations" not in behaviors["/assets/*"]
    # No error-response rewrite either (it would apply to every path): a missing config.json stays an error.
    assert "CustomErrorResponses" not in _distribution(synth)


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the CloudFront function's code")
def test_the_fallback_function_answers_index_html_for_paths_without_a_file_extension(synth: Synth) -> None:
    function = synth.resources[_id(synth, synth.stack.console.spa_fallback)]["Properties"]
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    uris = {
        "/": "/index.html",
        "/conversations": "/index.html",
        "/conversations/42": "/index.html",
        "/admin/inboxes/": "/index.html",
        "/index.html": "/index.html",
        "/config.json": "/config.json",
        "/favicon.ico": "/favicon.ico",
        "/assets/app-3f2a.js": "/assets/app-3f2a.js",
    }
    script = function["FunctionCode"] + (
        f"\nconst uris = {json.dumps(list(uris))};"
        "\nconsole.log(JSON.stringify(uris.map((uri) => handler({request: {uri: uri}}).uri)));"
    )
    out = subprocess.run(["node", "-e", script], check=True, capture_output=True, text=True).stdout
    assert json.loads(out) == list(uris.values())


# -- the deployment and the runtime config ---------------------------------------------------------------------
def _deployment(synth: Synth) -> dict[str, Any]:
    (deployment,) = synth.of_type("Custom::CDKBucketDeployment").values()
    return deployment["Properties"]


def test_the_build_and_config_json_go_to_the_bucket_and_invalidate_the_distribution(synth: Synth) -> None:
    props = _deployment(synth)
    assert props["DestinationBucketName"] == {"Ref": _id(synth, synth.stack.console.bucket)}
    assert props["DistributionId"] == {"Ref": _id(synth, synth.stack.console.distribution)}
    assert props["DistributionPaths"] == ["/*"] and props["WaitForDistributionInvalidation"] is True
    assert props["Prune"] is False  # an open tab's lazy chunks of the previous build stay
    build, config = (synth.outdir / f"asset.{key.removesuffix('.zip')}" for key in props["SourceObjectKeys"])
    assert (build / "index.html").is_file() and (build / "assets").is_dir()
    assert [p.name for p in config.iterdir()] == [console.CONFIG_FILE]


def test_config_json_names_the_rest_stage_and_the_websocket_stage(synth: Synth) -> None:
    """The file the console reads at start-up, as the deployment writes it: its markers replaced by the values
    CloudFormation resolves (the stages' URLs; the REST one without its trailing slash)."""
    props = _deployment(synth)
    config = synth.outdir / f"asset.{props['SourceObjectKeys'][1].removesuffix('.zip')}" / console.CONFIG_FILE
    text = config.read_text()
    for marker, value in props["SourceMarkers"][1].items():
        text = text.replace(marker, render(value))
    rest_origin, _ = _origins(synth)
    stage = _id(synth, synth.stack.rest.api.deployment_stage)
    region = "<AWS::Region>" if Token.is_unresolved(synth.stack.region) else synth.stack.region
    ws = f"wss://<{_id(synth, synth.stack.websocket.api)}>.execute-api.{region}.<AWS::URLSuffix>/prod"
    assert json.loads(text) == {"api_url": f"{rest_origin}/<{stage}>", "ws_url": ws}
    assert props["SourceMarkers"][0] == {}  # the build itself is copied as it is


def test_the_console_url_is_an_output(synth: Synth) -> None:
    output = synth.template.to_json()["Outputs"]["ConsoleUrl"]
    assert render(output["Value"]) == f"{_console_origin(synth)}/"


def test_the_distribution_depends_on_the_bucket_and_api_ids_only(synth: Synth) -> None:
    """No cycle: the preflights and the functions' CONSOLE_ORIGIN depend on the distribution, the config file
    on the stages; the distribution itself only on the bucket, its policies (which name the APIs by id) and
    its function."""
    stack, distribution = synth.stack, _id(synth, synth.stack.console.distribution)
    own = {_id(synth, c) for c in (stack.console.bucket, stack.console.spa_fallback,
                                   stack.console.no_cache_headers, stack.console.immutable_headers)}  # fmt: skip
    found = refs(synth.resources[distribution]["Properties"])
    (oac,) = found - own
    assert synth.resources[oac]["Type"] == "AWS::CloudFront::OriginAccessControl"
    for policy in (stack.console.no_cache_headers, stack.console.immutable_headers):
        assert refs(synth.resources[_id(synth, policy)]["Properties"]) == {
            _id(synth, stack.rest.api),
            _id(synth, stack.websocket.api),
            _id(synth, stack.storage.media_bucket),
        }


# -- CORS on the REST API --------------------------------------------------------------------------------------
def test_preflights_reach_the_functions_which_allow_the_consoles_origin(synth: Synth) -> None:
    """No mock OPTIONS methods (60 more resources, near CloudFormation's 500): every method is ANY, so a
    preflight reaches the function, whose resolver answers it for CONSOLE_ORIGIN only
    (tests/integration/test_cors.py)."""
    methods = [m["Properties"] for m in synth.of_type("AWS::ApiGateway::Method").values()]
    assert {m["HttpMethod"] for m in methods} == {"ANY"}
    assert all(m["AuthorizationType"] == "NONE" for m in methods)  # browsers send preflights without a token


def test_the_gateways_own_errors_are_readable_by_the_console(synth: Synth) -> None:
    responses = synth.of_type("AWS::ApiGateway::GatewayResponse").values()
    assert responses
    for response in responses:
        parameters = response["Properties"]["ResponseParameters"]
        assert {k: render(v) for k, v in parameters.items()} == {
            "gatewayresponse.header.Access-Control-Allow-Origin": f"'{_console_origin(synth)}'"
        }


@pytest.mark.parametrize("name", routes.functions())
def test_the_rest_functions_allow_the_distributions_origin(synth: Synth, name: str) -> None:
    env = synth.resources[synth.function_id(name)]["Properties"]["Environment"]["Variables"]
    if name in REST_FUNCTIONS:
        assert render(env["CONSOLE_ORIGIN"]) == _console_origin(synth)
    else:  # no browser calls the webhooks, the WebSocket, the stream or the timers through CORS
        assert "CONSOLE_ORIGIN" not in env


def test_the_media_bucket_lets_the_console_read_presigned_files_and_nothing_more(synth: Synth) -> None:
    bucket = synth.resources[_id(synth, synth.stack.storage.media_bucket)]["Properties"]
    (rule,) = bucket["CorsConfiguration"]["CorsRules"]
    assert sorted(rule["AllowedMethods"]) == ["GET", "HEAD"] and rule["AllowedOrigins"] == ["*"]
    assert "AllowedHeaders" not in rule  # no Authorization or other request headers: the link is the access
    assert bucket["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
