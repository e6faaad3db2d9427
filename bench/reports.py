"""Report reads at 100 and at 50,000 conversations: DynamoDB calls, items read and wall time of the dashboard's
statistics (admin, agent, opening hours), the response times by hour and the period analysis (a quarter as admin
and as agent, a week), on in-process moto.

The provedor's data is bulk-written (bench.bulk._write) as its writes and the stream would have left it: the
conversations, each told change by change with the constructors and cycle changes the write paths use (a
customer's message, for some an AI turn and the hand-off, the assignment, human replies, the close, a CSAT survey
and its answer, for some a reopen), their CSAT requests and answers, their contacts, three inboxes, three users,
the audit entries of the newest conversations, the COUNTERS items those items add up to, and the day items of the
last DAYS_BACK days, whose amounts are the facts niochat.domain.reports.facts_of_change makes of each change (what
the aggregates listener counts), summed once per fact id as niochat.reports.recount sums them. The messages are
told but not written (WRITE_MESSAGES). The benchmark measures the reads.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, cast
from urllib.parse import urlencode

from bench.harness import Harness, Measurement
from bench.report import render

if TYPE_CHECKING:
    from niochat.domain.csat import CsatRequest, Feedback
    from niochat.domain.messages import Message
    from niochat.domain.users import Principal, UserRef

SIZES = (100, 50_000)
DAYS_BACK = 180  # the quarter's analysis reads the quarter and the quarter before it
AUDITED = 50  # the newest conversations whose actions are in the audit log ("a few audit entries")
CONVERSATIONS_PER_CONTACT = 5
# The messages are told (they make each conversation's state and facts) but not written: at 50,000 conversations
# they are ~280,000 more items, about 10 more minutes of moto, and no report reads one. True writes them too.
WRITE_MESSAGES = False
CHUNK = 5_000  # conversations per bulk write (and per progress line)
NEWEST_AGO = 6 * 3600  # the newest conversation starts this long ago: its whole story is in the past
INBOXES = ((1, "whatsapp", "WhatsApp"), (2, "telegram", "Telegram"), (3, "email", "E-mail"))

# (caller, path, query), in the table's order
READS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("admin", "/api/dashboard/stats/", {"days": "30"}),
    ("agent", "/api/dashboard/stats/", {"days": "30"}),
    ("admin", "/api/dashboard/stats/", {"days": "30", "business_hours": "true"}),
    ("admin", "/api/dashboard/response-time-hourly/", {"days": "7"}),
    ("admin", "/api/analysis/", {"period": "quarter"}),
    ("agent", "/api/analysis/", {"period": "quarter"}),
    ("admin", "/api/analysis/", {"period": "week"}),
)


def _log(line: str) -> None:
    print(f"[reports] {line}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Person:
    principal: Principal
    ref: UserRef  # what a conversation's assignee and a message's sender keep

    @property
    def id(self) -> int:
        return int(self.principal.user_id)


def _person(user: dict[str, Any]) -> Person:
    from niochat.domain.users import Principal, UserType, sender

    principal = Principal(
        user_id=int(user["id"]),
        provedor_id=int(user["provedor_id"]),
        user_type=UserType(user["user_type"]),
        username=str(user["username"]),
        first_name=str(user.get("first_name") or ""),
    )
    return Person(principal, sender(principal))


class Thread(TypedDict):
    """The ids a conversation's message carries (new_inbound's and new_outgoing's keywords)."""

    conversation_id: int
    inbox_id: int
    contact_id: int


class Life:
    """One conversation told change by change: its successive states, its messages, the CSAT it made, its audit
    entries to be, and the report facts of every change (facts_of_change of the stream's old and new images)."""

    def __init__(
        self,
        provedor_id: int,
        conversation_id: int,
        inbox: dict[str, Any],
        contact_id: int,
        at: float,
        ai: bool,
        calendar: Any,
    ) -> None:
        from niochat import clock
        from niochat.domain.conversations import new_conversation

        self.provedor_id, self.calendar = provedor_id, calendar
        self.conversation: dict[str, Any] = dict(
            new_conversation(
                conversation_id,
                provedor_id,
                contact_id=contact_id,
                inbox_id=int(inbox["id"]),
                channel_type=str(inbox["channel_type"]),
                ai_enabled=ai,
                now=clock.iso(at),
            )
        )
        self.messages: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.feedbacks: list[dict[str, Any]] = []
        self.actions: list[tuple[str, Any, str, dict[str, Any]]] = [
            ("conversation_created", None, clock.iso(at), {"conversation_id": conversation_id})
        ]
        self.facts: list[Any] = []
        self._changed("conversation", None, self.conversation)

    @property
    def id(self) -> int:
        return int(self.conversation["id"])

    @property
    def status(self) -> str:
        return str(self.conversation["status"])

    @property
    def thread(self) -> Thread:
        c = self.conversation
        return Thread(conversation_id=self.id, inbox_id=int(c["inbox_id"]), contact_id=int(c["contact_id"]))

    def _changed(self, kind: str, old: dict[str, Any] | None, new: dict[str, Any]) -> None:
        from niochat.domain.reports import facts_of_change

        self.facts += facts_of_change(kind, old, new, self.calendar)

    def _stored(self, message: dict[str, Any]) -> None:
        """The message's insert, and its conversation's update (niochat.store.conversations.message_added_op)."""
        from niochat.domain import cycles
        from niochat.messages.views import last_message

        self.messages.append(message)
        self._changed("message", None, message)
        before, at = self.conversation, str(message["created_at"])
        if message["message_type"] == "activity":
            return
        after = cycles.of_message(message, before["status"] == cycles.CLOSED).applied(before)
        after.update(
            last_message=last_message(cast("Message", message)), last_message_at=at, last_activity_at=at, updated_at=at
        )
        if message["message_type"] == "incoming":
            after["incoming_count"] = int(before["incoming_count"]) + 1
        self.conversation = after
        self._changed("conversation", before, after)

    def customer(self, at: float, content: str) -> None:
        from niochat import clock
        from niochat.domain.messages import new_inbound, new_message_id

        self._stored(
            dict(
                new_inbound(
                    new_message_id(at),
                    self.provedor_id,
                    **self.thread,
                    from_me=False,
                    media_type="text",
                    content=content,
                    external_id=f"ext-{self.id}-{len(self.messages)}",
                    additional_attributes={},
                    at=clock.iso(at),
                )
            )
        )

    def reply(self, at: float, sender: Person | None, content: str) -> None:
        """An outgoing message: an agent's (a human reply), or without a sender the AI's or the platform's."""
        from niochat import clock
        from niochat.domain.messages import new_message_id, new_outgoing

        message = dict(
            new_outgoing(
                new_message_id(at),
                self.provedor_id,
                **self.thread,
                media_type="text",
                content=content,
                sender=sender.ref if sender else None,
                at=clock.iso(at),
            )
        )
        message["status"] = "delivered"
        self._stored(message)

    def act(self, action: Any, at: float, actor: Person, to_status: str, assignee: Person | None = None) -> str:
        """An action as niochat.conversations.service.act writes it: the conversation's versioned update, its
        activity message and its audit entry."""
        from niochat import clock
        from niochat.domain import cycles
        from niochat.domain.conversations import AUDIT_ACTIONS, Action
        from niochat.domain.messages import new_activity, new_message_id
        from niochat.domain.users import reference

        before, now = self.conversation, clock.iso(at)
        changes: dict[str, Any] = {}
        text = {Action.CLOSE: "Conversa encerrada", Action.REOPEN: "Conversa reaberta"}.get(action, "")
        if assignee is not None:
            changes.update(assignee_id=assignee.id, assignee=assignee.ref)
            text = f"Conversa atribuída para {assignee.ref['first_name'] or assignee.ref['username']}"
        if action is Action.CLOSE:
            changes.update(resolution_notes=None, closed_at=now)
        if action is Action.REOPEN:
            changes.update(closed_at=None, resolution_notes=None)
        cycle = cycles.of_action(before, to_status, now)
        after = cycle.applied({**before, **changes, "status": to_status, "last_activity_at": now, "updated_at": now})
        after["version"] = int(before["version"]) + 1
        outcome = {"from_status": before["status"], "to_status": to_status, "assignee": after.get("assignee")}
        activity = new_activity(
            new_message_id(at),
            self.provedor_id,
            conversation_id=self.id,
            content=f"{text} por {actor.principal.username}",
            actor=reference(actor.principal),
            at=now,
            action=str(action),
            outcome=outcome,
        )
        self.conversation = after
        self._changed("conversation", before, after)
        self._stored(dict(activity))
        details: dict[str, Any] = {"conversation_id": self.id, "from_status": before["status"], "to_status": to_status}
        if assignee is not None:
            details["assignee_id"] = assignee.id
        self.actions.append((AUDIT_ACTIONS[action], actor.principal, now, details))
        return now

    def survey(self, sent: float, answered: float | None, rating: int) -> None:
        """The close's CSAT request, sent (the platform's survey message) and, when `answered`, its answer (the
        customer's message in the closed conversation, and the feedback)."""
        from niochat import clock
        from niochat.domain import csat
        from niochat.domain.messages import new_message_id

        c = self.conversation
        name = f"Cliente {c['contact_id']}"
        pending = dict(
            csat.new_request(
                new_message_id(sent), c, name, str(c["channel_type"]), clock.iso(sent), str(c["closed_at"])
            )
        )
        self._changed("csat_request", None, pending)
        self.reply(sent, None, csat.survey_text(csat.DEFAULT_SURVEY, name, "Provedor"))
        request = {**pending, "status": "sent", "sent_at": clock.iso(sent), "updated_at": clock.iso(sent)}
        self._changed("csat_request", pending, request)
        if answered is not None:
            value = csat.Rating(rating, "" if rating % 2 else "atendimento rápido")
            original = f"{value.emoji} {value.comment}".strip()
            self.customer(answered, original)
            feedback = dict(
                csat.new_feedback(
                    new_message_id(answered),
                    request,
                    {"name": name},
                    value,
                    original,
                    str(c["channel_type"]),
                    clock.iso(answered),
                )
            )
            feedback["message_id"] = int(self.messages[-1]["id"])
            answer = {
                **request,
                "status": "answered",
                "answered_at": clock.iso(answered),
                "feedback_id": feedback["id"],
                "updated_at": clock.iso(answered),
            }
            self._changed("csat_request", request, answer)
            self._changed("csat_feedback", None, feedback)
            self.feedbacks.append(feedback)
            request = answer
        self.requests.append(request)


def _story(life: Life, n: int, people: list[Person], rng: random.Random) -> None:
    """Conversation n's care: 70% closed (two thirds of those surveyed, three quarters of the surveys answered),
    10% open with an agent, 10% waiting (pending, or with the AI), 5% with the AI, 5% closed and reopened.
    A third start with the AI, which hands off to the agent; half have a second customer message and reply."""
    from niochat import clock
    from niochat.domain.conversations import Action

    fate, t = n % 20, clock.epoch(str(life.conversation["created_at"]))
    life.customer(t, "Olá, minha internet está sem sinal")
    if life.status == "snoozed":
        t += rng.uniform(5, 40)
        life.reply(t, None, "Olá! Sou a assistente virtual. Já vou verificar sua conexão.")
    if fate in (16, 17, 18):  # nobody took it yet (or the AI is still on it)
        return
    agent = people[(0, 0, 0, 0, 1, 1, 1, 2)[n % 8]]  # the agent, the second agent, the admin
    t += rng.uniform(30, 900)
    life.act(Action.ASSIGN, t, agent, "open", assignee=agent)
    t += min(3600.0, 10 + rng.expovariate(1 / 300))
    life.reply(t, agent, "Oi! Estou verificando o seu acesso.")
    if n % 2 == 0:
        t += rng.uniform(60, 900)
        life.customer(t, "Ainda não voltou")
        t += min(3600.0, 5 + rng.expovariate(1 / 240))
        life.reply(t, agent, "Reiniciei a sua ONU, pode testar?")
    if fate in (14, 15):
        return
    t += rng.uniform(300, 5400)
    life.act(Action.CLOSE, t, agent, "closed")
    if life.conversation["channel_type"] != "email" and n % 3 != 2:
        answered = t + 60 + rng.uniform(60, 2400) if n % 4 != 3 else None
        life.survey(t + 60, answered, (5, 4, 5, 3, 5, 4, 2, 5, 1, 4)[n % 10])
    if fate == 19:
        t += rng.uniform(3 * 3600, 4 * 3600)
        life.act(Action.REOPEN, t, agent, "open")
        t += rng.uniform(30, 300)
        life.customer(t, "Caiu de novo")
        t += min(1800.0, 10 + rng.expovariate(1 / 200))
        life.reply(t, agent, "Vou abrir um chamado técnico.")


def _count(days: dict[str, dict[str, Any]], facts: list[Any]) -> None:
    """Add one conversation's facts into the day totals, each fact once, as niochat.reports.recount.totals sums
    them: counts added, maximums the largest."""
    for fact in {fact.id: fact for fact in facts}.values():
        day = days[fact.day]
        for name, amount in fact.amounts.items():
            day[name] = int(day.get(name, 0)) + amount
        for name, value in fact.maxima.items():
            day[name] = value if name not in day else max(day[name], value)


def _day_items(provedor_id: int, days: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The day items of the totals (zero counts dropped, as the recount writes them)."""
    from niochat.domain.reports import is_count
    from niochat.store import aggregates

    items = []
    for day, values in sorted(days.items()):
        pk, sk = aggregates.day_key(provedor_id, day)
        kept = {name: value for name, value in values.items() if value or not is_count(name)}
        items.append({"PK": pk, "SK": sk, "type": aggregates.AGGREGATE, "day": day, "provedor_id": provedor_id, **kept})
    return items


@contextmanager
def _bulk_moto() -> Iterator[None]:
    """moto re-sums an item's size over all its attributes at each attribute it stores (its 400 KB check:
    quadratic in the attributes, most of the bulk write's time for a conversation's ~45, nested ones included).
    The seeding skips that check — no item here comes near 400 KB; the reads are measured on plain moto."""
    from unittest import mock

    from moto.dynamodb.models.dynamo_type import LimitedSizeDict

    with mock.patch.object(LimitedSizeDict, "__setitem__", dict.__setitem__):
        yield


def _contacts(provedor_id: int, count: int) -> list[dict[str, Any]]:
    from bench.bulk import _iso
    from niochat.domain.contacts import new_contact
    from niochat.store import contacts as store

    items: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        contact = new_contact(n, provedor_id, name=f"Cliente{n} Sobrenome{n % 97}", phone=f"+55119{n:08d}", now=_iso(n))
        items.append(store.contacts.put_op(provedor_id, contact).item)
        items += [op.item for op in store.index_puts(provedor_id, contact)]
    return items


def _inboxes(provedor_id: int) -> list[dict[str, Any]]:
    from bench.bulk import inbox

    return [inbox(provedor_id, inbox_id, name, channel) for inbox_id, channel, name in INBOXES]


@dataclass
class Seeded:
    conversations: int = 0
    messages: int = 0
    items: int = 0
    day_items: int = 0
    largest_day_bytes: int = 0
    seconds: float = 0.0


def _item_bytes(item: dict[str, Any]) -> int:
    """About what DynamoDB counts: attribute names plus values as text (numbers about as long as their digits)."""
    return sum(len(name) + len(str(value)) for name, value in item.items())


def _seed(provedor_id: int, people: list[Person], count: int, log: Callable[[str], None]) -> Seeded:
    from bench.bulk import _set_sequence, _write
    from niochat import clock
    from niochat.domain.audit import new_entry
    from niochat.store import audit, calendars, counters, csat, keys, messages
    from niochat.store import conversations as store

    started = time.perf_counter()
    rng = random.Random(count)
    calendar = calendars.calendar(provedor_id)  # never set: the default zone and opening hours
    inboxes = _inboxes(provedor_id)
    contacts = max(1, count // CONVERSATIONS_PER_CONTACT)
    seeded = Seeded(conversations=count)
    items = _contacts(provedor_id, contacts)
    _write(items)
    seeded.items += len(items)
    amounts: Counter[str] = Counter({"contact": contacts})
    csat_amounts: Counter[str] = Counter()
    days: dict[str, dict[str, Any]] = defaultdict(dict)
    audit_entries: list[tuple[str, Any, str, dict[str, Any]]] = []
    end = clock.now() - NEWEST_AGO
    first = clock.now() - (DAYS_BACK - 0.5) * 86400
    step = (end - first) / max(1, count - 1)
    for start in range(1, count + 1, CHUNK):
        items = []
        for n in range(start, min(count, start + CHUNK - 1) + 1):
            inbox = inboxes[(0, 0, 0, 0, 0, 0, 1, 1, 1, 2)[n % 10]]
            life = Life(
                provedor_id, n, inbox, 1 + n % contacts, first + (n - 1) * step, n % 3 == 0 or n % 20 == 18, calendar
            )
            _story(life, n, people, rng)
            conversation = life.conversation
            item = {**conversation, **store.index_keys(provedor_id, conversation)}
            items.append(store.conversations.put_op(provedor_id, item).item)
            items += [messages.item(provedor_id, m) for m in life.messages] if WRITE_MESSAGES else []
            items += [csat.put_request_op(provedor_id, cast("CsatRequest", r)).item for r in life.requests]
            items += [csat.put_feedback_op(provedor_id, cast("Feedback", f)).item for f in life.feedbacks]
            amounts.update(store.counter_amounts(None, conversation))
            for request in life.requests:
                csat_amounts.update(csat.request_counts(request, str(request["status"]), 1))
            for feedback in life.feedbacks:
                csat_amounts.update(csat.feedback_counts(feedback))
            if n > count - AUDITED:
                audit_entries += life.actions
            _count(days, life.facts)
            seeded.messages += len(life.messages)
        _write(items)
        seeded.items += len(items)
        log(
            f"  {min(count, start + CHUNK - 1):,} of {count:,} conversations written ({seeded.items:,} items, "
            f"{time.perf_counter() - started:.0f} s)"
        )
    items = []
    for entry_id, (action, actor, at, details) in enumerate(sorted(audit_entries, key=lambda a: a[2]), start=1):
        entry = new_entry(entry_id, provedor_id, action, actor, details, at)
        items.append(audit.put_op(provedor_id, entry).item)
        amounts.update(audit.counter_amounts(entry))
    day_items = _day_items(provedor_id, days)
    items += day_items
    seeded.day_items, seeded.largest_day_bytes = len(day_items), max(_item_bytes(d) for d in day_items)
    # The COUNTERS item as the transactions would have left it: what is there (users, inboxes) plus the above.
    kept = {k: v for k, v in counters.read_item(provedor_id).items() if k not in ("PK", "SK", "type")}
    amounts.update(kept)
    pk, sk = keys.counters(provedor_id)
    items.append({"PK": pk, "SK": sk, "type": "counters", **amounts})
    pk, sk = csat.counters_key(provedor_id)
    items.append({"PK": pk, "SK": sk, "type": csat.COUNTERS, **csat_amounts})
    _write(items)
    seeded.items += len(items)
    for kind, value in (("contact", contacts), ("conversation", count), ("audit", len(audit_entries))):
        _set_sequence(provedor_id, kind, value)
    seeded.seconds = time.perf_counter() - started
    return seeded


def _label(path: str, query: dict[str, str]) -> str:
    return f"GET {path}?{urlencode(query)}"


def _measure(h: Harness, tokens: dict[str, str]) -> list[tuple[Measurement, float]]:
    measured = []
    for caller, path, query in READS:
        h.measure("GET", path, token=tokens[caller], query=query)  # warm (and the token's touch, when due)
        for _attempt in range(2):
            started = time.perf_counter()
            m = h.measure("GET", path, token=tokens[caller], query=query)
            ms = (time.perf_counter() - started) * 1000
            # A token idle for a minute is touched (one UpdateItem) by whatever request comes: not the report's
            # cost. Measured again once when it fell on this request.
            if "UpdateItem" not in m.calls:
                break
        measured.append((m, ms))
    return measured


def _figures(size: int, results: list[tuple[Measurement, float]]) -> list[str]:
    """What the admin's stats, hourly and quarter analysis answered (the data is real, the figures not trivial)."""
    (stats, _), (hourly, _), (quarter, _) = results[0], results[3], results[4]
    if any(m.status != 200 for m in (stats, hourly, quarter)):
        return [f"  {size:,}: no figures (a request failed)"]
    body, happy, summary = stats.body, stats.body["satisfacao"], quarter.body["summary"]
    return [
        f"  {size:,}: {body['total_conversas']:,} conversations ({body['conversas_resolvidas']:,} closed); 30 days:"
        f" {body['mensagens_30_dias']:,} messages, first response {body['tempo_primeira_resposta']}, reply"
        f" {body['tempo_medio_resposta']}, resolution {body['tempo_medio_resolucao']},",
        f"    resolved {body['taxa_resolucao']}, CSAT {body['satisfacao_media']} ({happy['answers']:,} answers of"
        f" {happy['surveys_sent']:,} surveys); 7 days by hour: {sum(row['count'] for row in hourly.body):,}"
        f" replies; quarter: {summary['totalConversations']:,} conversations (previous"
        f" {quarter.body['previous']['summary']['totalConversations']:,})",
    ]


def run() -> list[str]:
    from bench.seed import account, seed_tenant
    from niochat.domain.users import UserType

    results: dict[int, list[tuple[Measurement, float]]] = {}
    seeded: dict[int, Seeded] = {}
    for size in SIZES:
        with Harness() as h:
            tenant = seed_tenant(f"Provedor {size}", f"r{size}")
            second = account(
                f"agent2_r{size}",
                "senha-forte-3",
                UserType.AGENT,
                tenant.id,
                email=f"agent2@r{size}.example",
                first_name="Bruna",
            )
            # Logged in before the bulk write: moto copies the whole table for each transaction.
            tokens = {"admin": h.login(tenant.admin), "agent": h.login(tenant.agent)}
            people = [_person(tenant.agent.user), _person(second.user), _person(tenant.admin.user)]
            _log(f"{size:,} conversations: seeding")
            with _bulk_moto():
                seeded[size] = _seed(tenant.id, people, size, _log)
            s = seeded[size]
            _log(f"{size:,} conversations: {s.messages:,} messages, {s.items:,} items in {s.seconds:.0f} s; measuring")
            results[size] = _measure(h, tokens)
    rows: list[list[Any]] = []
    for size in SIZES:
        for (caller, path, query), (m, ms) in zip(READS, results[size], strict=True):
            shown = _label(path, query) if m.status == 200 else f"{_label(path, query)} → HTTP {m.status}"
            rows.append([f"{size:,}", shown, caller, m.calls_text(), m.items_read, round(ms, 1)])
    headers = ["conversations", "request", "caller", "DynamoDB calls", "items read", "ms"]
    notes = [
        "In-process moto, warm function; agent rows are the agent's own figures. 'items read': Query ScannedCount",
        "+ GetItem and BatchGetItem items, the token's GetItem included. Items read are a constant plus the days of",
        "the window that have a day item (30, 7, 90 + 90 and 7 + 7 days at most), whatever the number of",
        "conversations. 'ms' is moto's: it walks every item of the table for each Query (table or index) and",
        "serializes responses slowly, so it grows with the table; DynamoDB's does not.",
        f"Seeded with bench.bulk._write over {DAYS_BACK} days (messages told, not written):",
        *(
            f"  {size:,}: {s.items:,} items in {s.seconds:.0f} s ({s.messages:,} messages told), {s.day_items} day"
            f" items, the largest ~{s.largest_day_bytes / 1024:.1f} KB"
            for size, s in seeded.items()
        ),
        "What the admin's stats, hourly and quarter analysis answered:",
        *(line for size in SIZES for line in _figures(size, results[size])),
    ]
    return [
        render(
            f"Reports: DynamoDB calls per read, at {' and at '.join(f'{size:,}' for size in SIZES)} conversations",
            headers,
            rows,
            notes,
        )
    ]
