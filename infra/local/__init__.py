"""The local stack (`make dev`, `python -m infra.local`): the whole API in one process, no Docker.

Embedded moto (DynamoDB + Streams, S3), an HTTP/WebSocket server that turns requests into API Gateway
events for the real `lambda_handler`s, the `@connections` management API, a stream pump, and a snapshot
of the data kept across restarts. See docs/local-stack.md.
"""
