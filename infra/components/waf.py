"""AWS WAF in front of the REST API's stage: a rate-based rule per source IP, so one address cannot spend the
stage's throttle (infra/components/rest_api.py) that every provedor shares. Blocked requests are answered 429
in the API's error format.

Function URLs cannot be associated with a web ACL: the webhooks function's URL relies on its reserved
concurrency (infra/components/functions.py) and on the inbox secret every delivery must carry.
"""

from __future__ import annotations

import json

from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

# Requests per source IP in any 5-minute window (WAF counts over a sliding window of this length). 3,000 is 10
# a second sustained: a whole office of agents behind one NAT address stays far below it; one address alone can
# take at most a twentieth of the stage's 200 requests/s.
RATE_LIMIT_PER_IP = 3000
RATE_WINDOW_SECONDS = 300
RATE_LIMITED_BODY = "rate-limited"
RATE_LIMITED = json.dumps(
    {"error": "RateLimitError", "message": "Muitas requisições deste endereço. Tente novamente mais tarde"},
    ensure_ascii=False,
)


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    # No sampled requests: WAF would keep whole requests (Authorization tokens included) viewable in the console.
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=False
    )


class RestApiFirewall(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: apigateway.Stage) -> None:
        super().__init__(scope, construct_id)
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            description="NioChat REST API: per-IP rate limit",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility("NioChatRestApi"),
            custom_response_bodies={
                RATE_LIMITED_BODY: wafv2.CfnWebACL.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON", content=RATE_LIMITED
                )
            },
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name="RateLimitPerIp",
                    priority=0,
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            aggregate_key_type="IP",
                            limit=RATE_LIMIT_PER_IP,
                            evaluation_window_sec=RATE_WINDOW_SECONDS,
                        )
                    ),
                    action=wafv2.CfnWebACL.RuleActionProperty(
                        block=wafv2.CfnWebACL.BlockActionProperty(
                            custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                                response_code=429, custom_response_body_key=RATE_LIMITED_BODY
                            )
                        )
                    ),
                    visibility_config=_visibility("NioChatRateLimitPerIp"),
                )
            ],
        )
        self.association = wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=stage.stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
