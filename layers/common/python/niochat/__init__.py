"""NioChat's shared package: settings, errors, HTTP helpers, domain, services and adapters.

Shipped to Lambda as the common layer; installed editable in development (`pip install -e .`).
"""
