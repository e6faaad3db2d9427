"""Entities and pure rules. Imports neither boto3, httpx nor os.environ."""
