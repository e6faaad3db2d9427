"""The agents' console on AWS: the web app's build (console/dist) in a private S3 bucket, served by CloudFront
through origin access control, with the API's addresses delivered as a runtime file, /config.json, written at
deploy time (docs/deploy.md, "Console").

viewer ─HTTPS─► CloudFront ─OAC (SigV4)─► console bucket (no public access; only this distribution may read)
                  │  *           index.html and every app route (a CloudFront Function rewrites paths without
                  │              a file extension to /index.html: the SPA fallback), no-cache
                  │  /config.json  the runtime config, no-cache, no fallback (missing is an error, not HTML)
                  │  /assets/*     Vite's content-hashed files, a year, immutable
                  └─ every response: HSTS, CSP (connect-src: this stack's REST and WebSocket APIs only), nosniff,
                     frame DENY, referrer policy

Dependencies point one way: the distribution depends on the bucket and its headers policies (which name the
APIs and the media bucket by id, not their stages); the deployment of config.json on the APIs' stages and the
distribution (it invalidates it); the REST API's preflights and the functions' CONSOLE_ORIGIN on the
distribution's domain.
"""

from __future__ import annotations

from aws_cdk import Aws, Duration
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra.components.logs import LogGroups
from infra.components.paths import CONSOLE_INDEX, require_console
from infra.components.storage import private_bucket
from infra.components.websocket import WebSocket

CONFIG_FILE = "config.json"
ASSETS = "/assets/*"
# Browsers revalidate the entry points on every load (an ETag check: 304 when unchanged), so a deploy is seen at
# the next reload; CloudFront's copy is dropped by the deployment's invalidation. Vite names every file under
# assets/ by its content hash: a new build is new names, so they never need revalidating.
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
# Two years, every subdomain, preload: the HSTS preload list's own requirements (at least one year).
HSTS_MAX_AGE = Duration.days(730)
# Paths whose last segment has no dot are app routes (/conversations/42): the app's index.html answers them.
# Anything with an extension is a file, answered by S3 as it is (403 when absent: OAC has no ListBucket).
SPA_FALLBACK = """\
function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
"""


def content_security_policy(*, connect: list[str], media: list[str]) -> str:
    """Everything from the console's own origin; the browser may only call `connect` (the REST API and the
    WebSocket) and `media`, the media bucket's origins: the app fetches a message's file with its token and
    follows the API's redirect to a presigned link there (connect-src), then plays the blob: URL it made. No
    inline or eval'd script, no plugins, no framing, no form posts elsewhere."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *media],
        "media-src": ["'self'", "blob:", *media],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *connect, *media],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class Console(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        rest_api: apigateway.RestApi,
        websocket: WebSocket,
        media_bucket: s3.IBucket,
        log_groups: LogGroups,
    ) -> None:
        super().__init__(scope, construct_id)
        # Server access logs: see nag.py (S1). Retained like the stack's other data, although the files are the
        # build's (private_bucket says why).
        self.bucket = private_bucket(self, "Bucket")

        # The APIs' origins (scheme://host, what CSP matches), from their ids: the stages come later.
        host = f"execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}"
        self.rest_origin = f"https://{rest_api.rest_api_id}.{host}"
        self.websocket_origin = f"wss://{websocket.api.api_id}.{host}"
        # Presigned links name the bucket's global host in us-east-1 and its regional host elsewhere (botocore).
        media = [f"https://{media_bucket.bucket_domain_name}", f"https://{media_bucket.bucket_regional_domain_name}"]
        csp = content_security_policy(connect=[self.rest_origin, self.websocket_origin], media=media)
        self.no_cache_headers = self._headers_policy("NoCacheHeaders", csp, NO_CACHE)
        self.immutable_headers = self._headers_policy("ImmutableHeaders", csp, IMMUTABLE)
        self.spa_fallback = cloudfront.Function(
            self,
            "SpaFallback",
            code=cloudfront.FunctionCode.from_inline(SPA_FALLBACK),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="NioChat console: app routes (no file extension) answer /index.html",
        )

        origin = origins.S3BucketOrigin.with_origin_access_control(self.bucket)

        def behavior(headers: cloudfront.IResponseHeadersPolicy, *, fallback: bool) -> cloudfront.BehaviorOptions:
            # CachingOptimized: CloudFront keeps files a day (the origin sends no Cache-Control; each deploy
            # invalidates), compressed with gzip or brotli; the headers policy tells browsers their own rule.
            return cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                compress=True,
                response_headers_policy=headers,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=self.spa_fallback, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ]
                if fallback
                else None,
            )

        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="NioChat agents' console",
            default_root_object=CONSOLE_INDEX,
            default_behavior=behavior(self.no_cache_headers, fallback=True),
            additional_behaviors={
                f"/{CONFIG_FILE}": behavior(self.no_cache_headers, fallback=False),
                ASSETS: behavior(self.immutable_headers, fallback=False),
            },
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            # Every edge location, South America's included: the provedores' agents are in Brazil.
            price_class=cloudfront.PriceClass.PRICE_CLASS_ALL,
        )
        self.origin = f"https://{self.distribution.distribution_domain_name}"

        # The runtime config: the stage URLs (REST without its trailing slash), known only at deploy time.
        self.api_url = f"https://{rest_api.rest_api_id}.{host}/{rest_api.deployment_stage.stage_name}"
        self.ws_url = websocket.stage.url
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Deployment",
            destination_bucket=self.bucket,
            sources=[
                s3deploy.Source.asset(str(require_console())),
                s3deploy.Source.json_data(CONFIG_FILE, {"api_url": self.api_url, "ws_url": self.ws_url}),
            ],
            # Files of earlier builds stay: a tab opened before a deploy still loads its lazy chunks. They are
            # content-named, so nothing stale is ever served under a current name.
            prune=False,
            distribution=self.distribution,
            distribution_paths=["/*"],
            log_group=log_groups.log_group(self, "DeploymentLogs"),
        )

    def _headers_policy(self, construct_id: str, csp: str, cache_control: str) -> cloudfront.ResponseHeadersPolicy:
        return cloudfront.ResponseHeadersPolicy(
            self,
            construct_id,
            comment=f"NioChat console: security headers, Cache-Control: {cache_control}",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=HSTS_MAX_AGE, include_subdomains=True, preload=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=csp, override=True
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(header="Cache-Control", value=cache_control, override=True),
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy",
                        value="camera=(), geolocation=(), payment=(), usb=()",
                        override=True,
                    ),
                    cloudfront.ResponseCustomHeader(
                        header="Cross-Origin-Opener-Policy", value="same-origin", override=True
                    ),
                ]
            ),
        )
