"""The CDK app: `cdk synth` runs `python -m infra.app` (see cdk.json). cdk-nag's AWS Solutions checks run
on every synth, tests included; a new finding fails synthesis until it is fixed or acknowledged with a reason
in infra/components/nag.py."""

from __future__ import annotations

import os

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks

from infra.components.paths import MissingAssetError
from infra.stack import NioChatStack

STACK_NAME = "NioChatStack"


def build(app: App | None = None) -> tuple[App, NioChatStack]:
    app = app or App()
    account, region = os.environ.get("CDK_DEFAULT_ACCOUNT"), os.environ.get("CDK_DEFAULT_REGION")
    env = Environment(account=account, region=region) if account and region else None
    stack = NioChatStack(app, STACK_NAME, env=env, description="NioChat serverless backend")
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack


def main() -> None:
    try:
        app, _ = build()
    except MissingAssetError as error:
        raise SystemExit(f"NioChatStack: {error}") from None
    app.synth()


if __name__ == "__main__":
    main()
