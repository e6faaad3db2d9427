// The console's browser tests: Debian's chromium driven by playwright-core against a running local stack.
// Started by tests/e2e/test_console_browser.py, which starts the stack and the fake WhatsApp provider, seeds the
// people and the inbox, and passes everything in the environment:
//   CONSOLE_URL  the stack's base URL          CHROMIUM          the chromium executable
//   ADMIN_USER / ADMIN_PASSWORD, AGENT_USER / AGENT_PASSWORD / AGENT_NAME / AGENT_ID
//   WEBHOOK_URL  the inbox's webhook URL (with its secret)
//   DELIVERIES   a JSON file: two provider deliveries (customer messages) whose texts are INBOUND_TEXTS
//   FAKE_PROVIDER_URL  the fake provider's base URL (an inbox created from the settings screen points there)
//   REPLY_TEXT   what the agent answers      SCREENSHOTS  the folder for <flow>.png   RESULTS  a JSON file
// Each flow saves a screenshot (also when it fails) and its outcome goes to RESULTS; the exit code is 1 when a
// flow failed. Flows run in order on one page (each builds on the previous one's conversation).
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
};
const BASE = env("CONSOLE_URL").replace(/\/$/, "");
const SHOTS = env("SCREENSHOTS");
const deliveries = JSON.parse(readFileSync(env("DELIVERIES"), "utf8"));
const inboundTexts = JSON.parse(env("INBOUND_TEXTS"));
const TIMEOUT = 15000;
mkdirSync(SHOTS, { recursive: true });

async function api(method, path, token, body) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Token ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function until(what, check, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last === true) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}${last !== undefined && last !== false ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ""}`);
}

const profile = mkdtempSync(join(tmpdir(), "niochat-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: env("CHROMIUM"),
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 800 },
  locale: "pt-BR",
  timezoneId: "America/Sao_Paulo",
});
context.setDefaultTimeout(TIMEOUT);
const page = context.pages()[0] ?? (await context.newPage());
const consoleErrors = [];
page.on("pageerror", (error) => consoleErrors.push(String(error)));
let loads = 0;
page.on("load", () => (loads += 1));

// The WebSocket goes through Playwright's route, so a flow can cut it as a network failure would and keep it
// down (every reconnect is refused) for a while.
let refuseSockets = false;
const sockets = [];
await page.routeWebSocket(/\/ws\/dashboard\//, (route) => {
  if (refuseSockets) {
    route.close({ code: 4000, reason: "outage (test)" });
    return;
  }
  sockets.push({ route, server: route.connectToServer() });
});
const catchUps = [];
page.on("request", (request) => request.url().includes("/api/events/?after=") && catchUps.push(request.url()));

const results = [];
const state = {};

async function flow(name, body) {
  const started = Date.now();
  let error = null;
  try {
    await body();
    if (consoleErrors.length) throw new Error(`errors in the page: ${consoleErrors.splice(0).join(" | ")}`);
  } catch (failure) {
    error = failure instanceof Error ? failure.stack || failure.message : String(failure);
  }
  const screenshot = join(SHOTS, `${name}.png`);
  try {
    await page.screenshot({ path: screenshot, fullPage: false });
  } catch (failure) {
    error = error ?? `screenshot failed: ${failure}`;
  }
  // A failed flow may leave a dialog open: close it so the next flow starts on the screen.
  if (error) await page.keyboard.press("Escape").catch(() => undefined);
  const seconds = (Date.now() - started) / 1000;
  results.push({ name, ok: !error, error, screenshot, seconds, data: state[name] ?? null });
  console.log(`${error ? "FAIL" : "ok  "} ${name} (${seconds.toFixed(1)} s)${error ? `\n${error}` : ""}`);
}

const noReload = async () => {
  const marker = await page.evaluate(() => window.__niochatMarker === true);
  if (!marker) throw new Error("the page was reloaded");
};

async function login(user, password) {
  await page.getByLabel("Usuário").fill(user);
  await page.getByLabel("Senha").fill(password);
  await page.getByRole("button", { name: "Entrar" }).click();
  await page.locator('[data-testid="live-state"][data-state="online"]').waitFor();
}

await flow("login", async () => {
  await page.goto(`${BASE}/`);
  await page.getByRole("heading", { name: "NioChat" }).waitFor();
  // A wrong password: the API's own words are shown.
  const refused = await api("POST", "/api/auth/login/", null, { username: env("ADMIN_USER"), password: "senha-errada" });
  if (refused.status !== 401 && refused.status !== 400) throw new Error(`a wrong password answered ${refused.status}`);
  await page.getByLabel("Usuário").fill(env("ADMIN_USER"));
  await page.getByLabel("Senha").fill("senha-errada");
  await page.getByRole("button", { name: "Entrar" }).click();
  const shown = await page.getByTestId("login-error").textContent();
  if (shown?.trim() !== refused.body.message) throw new Error(`login error shows ${JSON.stringify(shown)}, the API said ${JSON.stringify(refused.body.message)}`);
  await login(env("ADMIN_USER"), env("ADMIN_PASSWORD"));
  await page.getByRole("link", { name: "Configurações" }).waitFor();
  await page.evaluate(() => (window.__niochatMarker = true));
});

await flow("inbound-live", async () => {
  const first = await fetch(env("WEBHOOK_URL"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(deliveries[0]) });
  const stored = await first.json();
  if (first.status !== 200 || stored.status !== "stored") throw new Error(`the webhook answered ${first.status} ${JSON.stringify(stored)}`);
  state.conversation = stored.conversation_id;
  const item = page.getByTestId(`conversation-${stored.conversation_id}`);
  await item.getByText(inboundTexts[0]).waitFor();
  await item.getByTestId("unread").waitFor();
  await item.click();
  await page.getByTestId("messages").getByText(inboundTexts[0]).waitFor();
  // A second message while the thread is open: it appears there too.
  const second = await fetch(env("WEBHOOK_URL"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(deliveries[1]) });
  if (second.status !== 200) throw new Error(`the second webhook answered ${second.status} ${await second.text()}`);
  await page.getByTestId("messages").getByText(inboundTexts[1]).waitFor();
  await item.getByText(inboundTexts[1]).waitFor();
  await noReload();
});

await flow("reply", async () => {
  const text = env("REPLY_TEXT");
  const box = page.getByLabel("Mensagem");
  await box.fill(text);
  await box.press("Enter");
  const bubble = page.getByTestId("message").filter({ hasText: text });
  await bubble.waitFor();
  await until("the reply to be marked sent", async () => ["Enviada", "Entregue", "Lida"].includes((await bubble.getByTestId("delivery").textContent())?.trim()));
  state.reply = { text, conversation: state.conversation };
  await noReload();
});

await flow("reconnect-catch-up", async () => {
  // Cut the socket and refuse reconnections: the server has no connection for this page any more.
  refuseSockets = true;
  for (const { route, server } of sockets.splice(0)) {
    server.close();
    route.close({ code: 4000, reason: "outage (test)" });
  }
  await page.locator('[data-testid="live-state"]:not([data-state="online"])').waitFor();
  const before = catchUps.length;
  const third = await fetch(env("WEBHOOK_URL"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(deliveries[2]) });
  if (third.status !== 200) throw new Error(`the third webhook answered ${third.status} ${await third.text()}`);
  // Back online: the reconnect asks /api/events/?after= for what it missed, and the message shows.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  refuseSockets = false;
  await page.getByTestId("messages").getByText(inboundTexts[2]).waitFor();
  await page.getByTestId(`conversation-${state.conversation}`).getByText(inboundTexts[2]).waitFor();
  await page.locator('[data-testid="live-state"][data-state="online"]').waitFor();
  if (catchUps.length === before) throw new Error("no /api/events/?after= request after the reconnect");
  state["reconnect-catch-up"] = { catch_up_requests: catchUps.slice(before) };
  await noReload();
});

await flow("assign-close-reopen", async () => {
  await page.getByTestId("assign-target").selectOption(env("AGENT_ID"));
  await page.getByTestId("assign").click();
  await until("the assignee to be the agent", async () => (await page.getByTestId("thread-assignee").textContent())?.trim() === env("AGENT_NAME"));
  await page.getByTestId("activity").filter({ hasText: env("AGENT_NAME") }).first().waitFor();
  await page.getByTestId("close").click();
  await until("the status to be closed", async () => (await page.getByTestId("thread-status").textContent())?.trim() === "Encerrada");
  await page.getByTestId("activity").filter({ hasText: /encerrad/i }).first().waitFor();
  // Closed conversations leave the "Ativas" tab live.
  await until("the closed conversation to leave the list", async () => (await page.getByTestId(`conversation-${state.conversation}`).count()) === 0);
  await page.getByTestId("reopen").click();
  await until("the status to be open again", async () => (await page.getByTestId("thread-status").textContent())?.trim() === "Em atendimento");
  await page.getByTestId("activity").filter({ hasText: /reaberta/i }).first().waitFor();
  await page.getByTestId(`conversation-${state.conversation}`).waitFor();
  await noReload();
});

await flow("dashboard", async () => {
  const token = (await api("POST", "/api/auth/login/", null, { username: env("ADMIN_USER"), password: env("ADMIN_PASSWORD") })).body.token;
  await page.getByRole("link", { name: "Painel" }).click();
  await page.getByTestId("figures").waitFor();
  const figures = {
    "fig-total": "total_conversas",
    "fig-open": "conversas_abertas",
    "fig-pending": "conversas_pendentes",
    "fig-ai": "conversas_com_ia",
    "fig-resolved": "conversas_resolvidas",
    "fig-contacts": "contatos_unicos",
    "fig-messages": "mensagens_30_dias",
    "fig-response": "tempo_medio_resposta",
    "fig-first-response": "tempo_primeira_resposta",
    "fig-resolution": "taxa_resolucao",
    "fig-csat": "satisfacao_media",
  };
  const format = (value) => (typeof value === "number" ? value.toLocaleString("pt-BR", { maximumFractionDigits: 0 }) : String(value));
  let compared = {};
  // The reports settle a moment after the stream's aggregates: compare once the API and the screen agree
  // (the screen reads the reports again after each dashboard_metrics event).
  await until("the dashboard to show the API's numbers", async () => {
    const stats = (await api("GET", "/api/dashboard/stats/?days=7", token)).body;
    const differences = [];
    compared = {};
    for (const [testid, key] of Object.entries(figures)) {
      const shown = (await page.getByTestId(testid).textContent())?.trim();
      compared[key] = { api: stats[key], shown };
      if (shown !== format(stats[key])) differences.push(`${key}: API ${JSON.stringify(stats[key])}, screen ${JSON.stringify(shown)}`);
    }
    const rows = await page.getByTestId("agents-table").locator("tbody tr[data-testid]").count();
    if (rows !== stats.atendentes.length) differences.push(`agents: API ${stats.atendentes.length} rows, screen ${rows}`);
    return differences.length ? differences.join("; ") : true;
  }, 20000);
  if (compared.total_conversas.api < 1) throw new Error(`the API counts no conversation: ${JSON.stringify(compared)}`);
  for (const chart of ["chart-days", "chart-hours", "chart-csat"]) await page.getByTestId(chart).locator("svg").waitFor();
  state.dashboard = compared;
  await noReload();
});

const noErrors = async (where) => {
  await page.waitForLoadState("networkidle");
  const errors = await page.locator(".notice.error, .toast.error").allTextContents();
  if (errors.length) throw new Error(`${where} shows errors: ${errors.join(" | ")}`);
};

await flow("contacts", async () => {
  await page.getByRole("link", { name: "Contatos" }).click();
  await page.getByTestId("contacts-table").waitFor();
  const name = `Cliente Teste ${Date.now() % 100000}`;
  await page.getByRole("button", { name: "Novo contato" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Nome").fill(name);
  await dialog.getByLabel("Telefone (com DDI e DDD)").fill(`+55119${String(Date.now()).slice(-8)}`);
  await dialog.getByRole("button", { name: "Salvar" }).click();
  const row = page.getByTestId("contacts-table").locator("tr", { hasText: name });
  await row.waitFor();
  await row.getByRole("button", { name: "Editar" }).click();
  await page.getByRole("dialog").getByLabel("Nome").fill(`${name} (editado)`);
  await page.getByRole("dialog").getByRole("button", { name: "Salvar" }).click();
  await page.getByTestId("contacts-table").locator("tr", { hasText: `${name} (editado)` }).waitFor();
  await page.getByLabel("Buscar contatos").fill("editado");
  await until("the search to keep only the edited contact", async () => (await page.getByTestId("contacts-table").locator("tbody tr").count()) === 1);
  await noErrors("contacts");
});

await flow("settings", async () => {
  await page.getByRole("link", { name: "Configurações" }).click();
  await page.getByTestId("settings").waitFor();
  await page.getByRole("button", { name: "Nova caixa" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Nome").fill("WhatsApp Vendas");
  await dialog.getByLabel("URL da API do provedor").fill(env("FAKE_PROVIDER_URL"));
  await dialog.getByLabel("Instância").fill("vendas");
  await dialog.getByLabel("Token").fill("token-vendas-123");
  await dialog.getByRole("button", { name: "Criar" }).click();
  const shown = (await page.getByTestId("webhook-url").locator("code").textContent())?.trim() ?? "";
  if (!/\/webhook/.test(shown) || !/secret=/.test(shown)) throw new Error(`the webhook URL shown is ${JSON.stringify(shown)}`);
  await page.getByTestId("webhook-url").getByRole("button", { name: "Copiar" }).waitFor();
  await noErrors("settings: inboxes");
  await page.getByRole("link", { name: "Equipes" }).click();
  await page.getByLabel("Nome da nova equipe").fill("Suporte N1");
  await page.getByRole("button", { name: "Criar equipe" }).click();
  await page.getByText("Suporte N1").waitFor();
  await noErrors("settings: teams");
  for (const [tab, heading] of [["Usuários", "Usuários"], ["CSAT", "Pesquisa de satisfação"], ["IA e SGP", "Assistente de IA"], ["Recuperação", "Recuperação de vendas"]]) {
    await page.locator(".settings > .tabs").getByRole("link", { name: tab }).click();
    await page.getByRole("heading", { name: heading }).waitFor();
    await page.locator(".settings form, .settings table").first().waitFor();
    await noErrors(`settings: ${tab}`);
  }
  // The screenshot shows the inbox list with the URL shown once.
  await page.locator(".settings > .tabs").getByRole("link", { name: "Caixas de entrada" }).click();
  await page.locator(".settings table").getByText("WhatsApp Vendas").waitFor();
});

await flow("team-chat", async () => {
  await page.getByRole("link", { name: "Chat da equipe" }).click();
  await page.getByRole("button", { name: "Nova sala" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Nome").fill("plantao");
  await dialog.getByRole("checkbox", { name: env("AGENT_NAME") }).check();
  await dialog.getByRole("button", { name: "Criar sala" }).click();
  await page.getByRole("heading", { name: "# plantao" }).waitFor();
  await page.getByLabel("Mensagem").fill("Bom dia, time!");
  await page.getByLabel("Mensagem").press("Enter");
  await page.locator(".messages").getByText("Bom dia, time!").waitFor();
  await page.getByRole("link", { name: env("AGENT_NAME") }).click();
  await page.getByLabel("Mensagem").fill("Pode assumir o cliente?");
  await page.getByLabel("Mensagem").press("Enter");
  await page.locator(".messages").getByText("Pode assumir o cliente?").waitFor();
  await noErrors("team chat");
});

await flow("csat", async () => {
  await page.getByRole("link", { name: "Satisfação" }).click();
  await page.getByRole("heading", { name: "Satisfação (CSAT)" }).waitFor();
  await page.locator(".csat table").waitFor();
  await noErrors("csat");
});

await flow("phone", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${BASE}/#/conversas/${state.conversation}`);
  await page.getByTestId("thread").waitFor();
  await page.getByRole("button", { name: "← Conversas" }).waitFor();
  await page.evaluate(() => (window.__niochatMarker = true));
});

await flow("agent-no-settings", async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("button", { name: "Sair" }).click();
  await page.getByRole("button", { name: "Entrar" }).waitFor();
  await login(env("AGENT_USER"), env("AGENT_PASSWORD"));
  await page.getByRole("link", { name: "Conversas" }).waitFor();
  if (await page.getByRole("link", { name: "Configurações" }).count()) throw new Error("an agent sees the settings link");
  // The conversation assigned to them is in their list.
  await page.getByTestId(`conversation-${state.conversation}`).waitFor();
  // The admin's private message waits for them, counted unread.
  await page.getByRole("link", { name: "Chat da equipe" }).click();
  await page.locator("ul.plain a", { hasText: env("ADMIN_NAME") }).locator(".badge").waitFor();
  await page.goto(`${BASE}/#/config/usuarios`);
  await page.getByTestId("forbidden").waitFor();
  if (await page.getByTestId("settings").count()) throw new Error("an agent got the settings screen");
});

await context.close();
rmSync(profile, { recursive: true, force: true });
writeFileSync(env("RESULTS"), JSON.stringify({ results, loads }, null, 2));
process.exit(results.every((result) => result.ok) ? 0 : 1);
