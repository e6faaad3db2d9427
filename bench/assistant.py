"""The AI assistant's cost per answer: DynamoDB calls and items read, model requests, SGP requests and WhatsApp
sends of one stream batch handled by functions/ai, on in-process moto with the fake model, SGP and provider of
tests/support on loopback (real HTTP)."""

from __future__ import annotations

import json
import os
import time
from typing import Any

from bench.harness import Harness, load_function
from bench.realtime import Stream
from bench.report import render
from bench.seed import seed_tenant
from infra import stream_filter
from infra.lambda_runtime import LambdaContext, function_url_event
from tests.support.deliveries import uazapi_text
from tests.support.fake_model import FakeModel
from tests.support.fake_provider import FakeProvider, Reply
from tests.support.fake_sgp import CONTRACT, CPF, FakeSgp


class World:
    def __init__(self, h: Harness, provider: FakeProvider, model: FakeModel, sgp: FakeSgp) -> None:
        from niochat.domain.users import Principal, UserType
        from niochat.inboxes import service as inboxes
        from niochat.inboxes.models import InboxCreate
        from niochat.integrations import settings
        from niochat.integrations.models import AiSettingsPatch, SgpSettingsPatch
        from niochat.teams.models import TeamCreate
        from niochat.teams.service import create as create_team

        self.h, self.provider, self.model, self.sgp = h, provider, model, sgp
        tenant = seed_tenant("Provedor IA", "ia")
        root = Principal(user_id=0, provedor_id=None, user_type=UserType.SUPERADMIN, username="root")
        admin = Principal(user_id=tenant.admin.id, provedor_id=tenant.id, user_type=UserType.ADMIN, username="a")
        inbox_settings = {"provider": "uazapi", "base_url": provider.url, "instance": "eKoB39",
                          "token": "tk-bench-ai-1", "ai_enabled": True}  # fmt: skip
        created = inboxes.create(root, tenant.id, InboxCreate(name="WhatsApp", channel_type="whatsapp",
                                                              provedor=tenant.id, settings=inbox_settings))  # fmt: skip
        self.secret = created.webhook_secret
        settings.update_ai(admin, tenant.id, AiSettingsPatch(enabled=True, base_url=model.base_url,
                                                             api_key="sk-bench-0123456789"))  # fmt: skip
        settings.update_sgp(admin, tenant.id, SgpSettingsPatch(enabled=True, url=sgp.url, token=sgp.token,
                                                               app=sgp.app))  # fmt: skip
        create_team(admin, tenant.id, TeamCreate(name="Suporte"))
        self.stream = Stream()
        self.phones = iter(range(5594990000001, 5594999999999))

    def customer(self, text: str, phone: str | None = None) -> tuple[str, list[dict[str, Any]]]:
        phone = phone or str(next(self.phones))
        delivery = uazapi_text(text, chatid=f"{phone}@s.whatsapp.net")
        event = function_url_event("POST", "/webhook/evolution-uazapi/", delivery, {"secret": self.secret})
        raw = load_function("webhooks").lambda_handler(event, LambdaContext())
        assert json.loads(raw["body"])["status"] == "stored", raw
        return phone, [r for r in self.stream.read() if stream_filter.matches(r, stream_filter.ASSISTANT_PATTERNS)]

    def answer(self, label: str, records: list[dict[str, Any]]) -> list[Any]:
        before = (len(self.model.requests), len(self.sgp.requests), len(self.provider.requests))
        started = time.perf_counter()
        with self.h.meter.recording() as m:
            load_function("ai").lambda_handler({"Records": records}, LambdaContext())
        elapsed = (time.perf_counter() - started) * 1000
        self.stream.read()  # what the answer wrote: not part of the next measurement
        after = (len(self.model.requests), len(self.sgp.requests), len(self.provider.requests))
        model, sgp, sends = (b - a for a, b in zip(before, after, strict=True))
        return [label, m.calls_text(), m.items_read, model, sgp, sends, round(elapsed)]


def run() -> list[str]:
    # The fakes listen on loopback: admitted as on the local stack (never on AWS).
    os.environ["PROVIDER_ALLOW_LOOPBACK"] = "1"
    rows = []
    with Harness() as h, FakeProvider() as provider, FakeModel() as model, FakeSgp() as sgp:
        world = World(h, provider, model, sgp)
        _, warm = world.customer("oi")
        world.answer("warm-up", warm)

        model.reply(model.text("Olá! Você já é nosso cliente?"))
        _, records = world.customer("oi, boa tarde")
        rows.append(world.answer("text answer, no tools (new conversation)", records))
        rows.append(world.answer("the same records delivered again", records))

        model.reply(model.text("Claro! Me informe o CPF do titular."))
        phone, records = world.customer("quero a segunda via")
        rows.append(world.answer("text answer, second customer", records))
        model.reply(
            model.calls(("consultar_cliente_sgp", {"cpf_cnpj": CPF})),
            model.calls(("gerar_fatura_completa", {"cpf_cnpj": CPF, "contrato": None, "tipo_pagamento": "pix"})),
            model.text("Pronto! Enviei sua fatura."),
        )
        _, records = world.customer(CPF, phone)
        rows.append(world.answer("invoice: 2 tools, answer + invoice sent", records))

        model.reply(
            model.calls(("verificar_acesso_sgp", {"contrato": str(CONTRACT)})),
            model.calls(("criar_chamado_tecnico", {"cpf_cnpj": CPF, "motivo": "Sem internet", "sintomas": "Off"})),
            model.text("Abri um chamado para você."),
        )
        _, records = world.customer(f"sem internet, cpf {CPF}")
        rows.append(world.answer("ticket: 3 tools, answer, hand-off to Suporte", records))

        model.reply(*[Reply(500, {"error": {"message": "boom"}}) for _ in range(3)])
        _, records = world.customer("alô?")
        rows.append(world.answer("model fails 3 times: hand-off", records))

        first, second = (world.customer(text, "5594997654321")[1] for text in ("oi", "queria a segunda via"))
        model.reply(model.text("Olá! Me informe o CPF do titular."))
        rows.append(world.answer("2 quick messages in 2 batches: the first", first))
        rows.append(world.answer("2 quick messages in 2 batches: the second", second))

        bursts = [world.customer(text, "5594991234567")[1] for text in ("oi", "tudo bem?", "preciso de ajuda")]
        model.reply(model.text("Oi! Como posso ajudar?"))
        rows.append(world.answer("3 messages of one customer in one batch", [r for b in bursts for r in b]))
    headers = ["batch", "DynamoDB calls", "items read", "model", "SGP", "sends", "ms"]
    notes = [
        "In-process moto; the ai function's real lambda_handler with the stream records of the customers'",
        "deliveries (its event source mapping's filter applied). model / SGP / sends: HTTP requests to the fakes",
        "on loopback. A new conversation's first answer reads the settings (BatchGetItem) and the SSM key once",
        "per process (cached by version). ms: wall time on this machine, fakes answering at once.",
    ]
    return [render("AI assistant: cost of one answer", headers, rows, notes)]
