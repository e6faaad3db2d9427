"""Run the fakes of tests/support on loopback for a local stack (`make dev` in another terminal):

    .venv/bin/python -m tests.support.serve

prints the URLs of a fake WhatsApp provider, a fake SGP and a fake OpenAI-compatible model, and the settings to
give the local stack (an inbox with `ai_enabled`, PATCH /api/integrations/ai/ and /api/integrations/sgp/); the
local stack admits loopback addresses (PROVIDER_ALLOW_LOOPBACK=1). Unscripted, the model greets every message;
Ctrl+C stops them.
"""

from __future__ import annotations

import json
import signal
import sys
import threading

from tests.support.fake_model import FakeModel
from tests.support.fake_provider import FakeProvider
from tests.support.fake_sgp import CPF, FakeSgp


def main() -> int:
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FakeProvider() as provider, FakeSgp() as sgp, FakeModel() as model:
        settings = {
            "inbox settings (POST /api/inboxes/)": {"provider": "uazapi", "base_url": provider.url,
                                                    "instance": "local", "token": "fake-token-0123",
                                                    "ai_enabled": True},
            "PATCH /api/integrations/ai/": {"enabled": True, "base_url": model.base_url, "api_key": "sk-fake-0123456"},
            "PATCH /api/integrations/sgp/": {"enabled": True, "url": sgp.url, "token": sgp.token, "app": sgp.app},
            "a known customer's CPF": CPF,
        }  # fmt: skip
        sys.stdout.write(json.dumps(settings, indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
