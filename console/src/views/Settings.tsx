// Admin settings: inboxes (the webhook URL shown once, with a copy button), teams and members, users, CSAT,
// AI and SGP, recovery. The shell shows it to admins only (the API refuses agents anyway).
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import * as directory from "../directory";
import { CHANNEL_LABELS, CONNECTION_LABELS, PROVIDER_LABELS, errorText, fullDate, label, personName } from "../format";
import type { Inbox, Me, Member, Team, User } from "../types";
import { CopyButton, DataTable, ErrorNotice, Figure, Loading, LoadingList, ModalForm, toastOk, useAction, useDraft } from "../ui";
import { SettingsForm } from "./SettingsForm";

// The tabs in their order: the route's key (`#/config/<key>`), the label and the section it shows.
const SECTIONS: { key: string; label: string; view: ComponentType<{ me: Me }> }[] = [
  { key: "caixas", label: "Caixas de entrada", view: Inboxes },
  { key: "equipes", label: "Equipes", view: Teams },
  { key: "usuarios", label: "Usuários", view: Users },
  { key: "csat", label: "CSAT", view: CsatSettings },
  { key: "ia", label: "IA e SGP", view: AiAndSgpSettings },
  { key: "recuperacao", label: "Recuperação", view: Recovery },
];

export function SettingsScreen({ me, tab }: { me: Me; tab: string }) {
  const Section = SECTIONS.find((item) => item.key === tab)?.view;
  return (
    <div class="settings" data-testid="settings">
      <header class="screen-head">
        <h1>Configurações</h1>
      </header>
      <nav class="tabs" aria-label="Seções">
        {SECTIONS.map((item) => (
          <a key={item.key} href={`#/config/${item.key}`} aria-current={tab === item.key ? "page" : undefined}>
            {item.label}
          </a>
        ))}
      </nav>
      {Section && <Section me={me} />}
    </div>
  );
}

function CsatSettings() {
  return (
    <SettingsForm
      title="Pesquisa de satisfação"
      path="/api/csat/settings/"
      testid="csat-settings"
      fields={[
        { key: "enabled", label: "Enviar a pesquisa ao encerrar", type: "bool" },
        { key: "delay_minutes", label: "Minutos após o encerramento", type: "number" },
        { key: "expiry_minutes", label: "Validade da pesquisa (minutos)", type: "number" },
        { key: "survey_text", label: "Texto da pesquisa", type: "textarea" },
        { key: "thanks_text", label: "Agradecimento", type: "textarea" },
      ]}
    />
  );
}

function AiAndSgpSettings() {
  return (
    <>
      <SettingsForm
        title="Assistente de IA"
        path="/api/integrations/ai/"
        fields={[
          { key: "enabled", label: "Assistente ligado", type: "bool" },
          { key: "assistant_name", label: "Nome do assistente", type: "text" },
          { key: "persona", label: "Persona", type: "textarea" },
          { key: "model", label: "Modelo", type: "text" },
          { key: "temperature", label: "Temperatura", type: "number" },
          { key: "base_url", label: "URL da API (compatível com OpenAI)", type: "text" },
          { key: "api_key", label: "Chave da API", type: "secret" },
          { key: "site", group: "business", label: "Site", type: "text" },
          { key: "address", group: "business", label: "Endereço", type: "text" },
          { key: "opening_hours", group: "business", label: "Horário de atendimento", type: "text" },
          { key: "plans", group: "business", label: "Planos", type: "textarea" },
          { key: "installation_time", group: "business", label: "Prazo de instalação", type: "text" },
          { key: "fees", group: "business", label: "Taxas", type: "text" },
          { key: "documents", group: "business", label: "Documentos", type: "text" },
          { key: "notes", group: "business", label: "Observações", type: "textarea" },
        ]}
      />
      <SettingsForm
        title="SGP"
        path="/api/integrations/sgp/"
        fields={[
          { key: "enabled", label: "Integração ligada", type: "bool" },
          { key: "url", label: "URL do SGP", type: "text" },
          { key: "app", label: "App", type: "text" },
          { key: "token", label: "Token", type: "secret" },
        ]}
      />
    </>
  );
}

function Inboxes({ me }: { me: Me }) {
  const [items, setItems] = useState<Inbox[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState<{ name: string; url: string } | null>(null);
  const [busy, run] = useAction();
  const load = () => {
    directory.forget("inboxes");
    directory.inboxes().then(setItems, (failure: unknown) => setError(errorText(failure)));
  };
  useEffect(load, []);
  const rotate = (inbox: Inbox) =>
    run(async () => {
      if (!window.confirm(`Trocar o segredo do webhook de "${inbox.name}"? O provedor precisa receber a URL nova.`)) return;
      const rotated = await api.post<Inbox>(`/api/inboxes/${inbox.id}/rotate_secret/`);
      setRevealed({ name: rotated.name, url: rotated.webhook_url ?? "" });
    });
  const toggle = (inbox: Inbox) => run(async () => (await api.patch(`/api/inboxes/${inbox.id}/`, { is_active: !inbox.is_active }), load()));
  const remove = (inbox: Inbox) =>
    run(async () => {
      if (!window.confirm(`Apagar a caixa "${inbox.name}"?`)) return;
      await api.del(`/api/inboxes/${inbox.id}/`);
      load();
    }, "Caixa apagada.");
  return (
    <section>
      <div class="row">
        <h2>Caixas de entrada</h2>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Nova caixa
        </button>
      </div>
      <ErrorNotice message={error} retry={load} />
      {revealed && (
        <div class="notice reveal" role="status" data-testid="webhook-url">
          <p>
            URL do webhook de <strong>{revealed.name}</strong> — mostrada só agora; configure-a no provedor de WhatsApp:
          </p>
          <code>{revealed.url}</code> <CopyButton text={revealed.url} />
          <button type="button" class="link" onClick={() => setRevealed(null)}>
            Já copiei
          </button>
        </div>
      )}
      {!items ? (
        !error && <Loading />
      ) : (
        <DataTable columns={["Nome", "Canal", "Provedor", "IA", "Situação", "Criada em"]} actions empty={!items.length && "Nenhuma caixa de entrada."}>
          {items.map((inbox) => (
            <tr key={inbox.id}>
              <th scope="row">{inbox.name}</th>
              <td>{label(CHANNEL_LABELS, inbox.channel_type)}</td>
              <td>{label(PROVIDER_LABELS, inbox.settings.provider)}</td>
              <td>{inbox.settings.ai_enabled ? "Sim" : "Não"}</td>
              <td>{inbox.is_active ? "Ativa" : "Inativa"}{inbox.connection_status ? ` · ${label(CONNECTION_LABELS, inbox.connection_status)}` : ""}</td>
              <td>{fullDate(inbox.created_at)}</td>
              <td class="actions">
                <button type="button" class="link" disabled={busy} onClick={() => void toggle(inbox)}>
                  {inbox.is_active ? "Desativar" : "Ativar"}
                </button>
                <button type="button" class="link" disabled={busy} onClick={() => void rotate(inbox)}>
                  Novo segredo
                </button>
                <button type="button" class="link danger" disabled={busy} onClick={() => void remove(inbox)}>
                  Apagar
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {creating && (
        <InboxForm
          me={me}
          onClose={() => setCreating(false)}
          onCreated={(inbox) => {
            setCreating(false);
            setRevealed({ name: inbox.name, url: inbox.webhook_url ?? "" });
            load();
          }}
        />
      )}
    </section>
  );
}

function InboxForm({ me, onClose, onCreated }: { me: Me; onClose: () => void; onCreated: (inbox: Inbox) => void }) {
  const [draft, setDraft, text] = useDraft({ name: "", provider: "uazapi", base_url: "", instance: "", token: "", ai_enabled: false });
  const submit = async () => {
    const settings: Record<string, unknown> = { provider: draft.provider, base_url: draft.base_url.trim(), token: draft.token.trim(), ai_enabled: draft.ai_enabled };
    settings.instance = draft.instance.trim();
    onCreated(await api.post<Inbox>("/api/inboxes/", { name: draft.name.trim(), channel_type: "whatsapp", provedor: me.provedor_id, settings, is_active: true }));
  };
  return (
    <ModalForm title="Nova caixa de entrada (WhatsApp)" submitLabel="Criar" onClose={onClose} submit={submit}>
      <label>
        Nome
        <input required {...text("name")} />
      </label>
      <label>
        Provedor de WhatsApp
        <select value={draft.provider} onChange={(e) => setDraft({ ...draft, provider: e.currentTarget.value })}>
          <option value="uazapi">Uazapi</option>
          <option value="evolution">Evolution API</option>
        </select>
      </label>
      <label>
        URL da API do provedor
        <input required type="url" placeholder="https://sua-instancia.uazapi.com" {...text("base_url")} />
      </label>
      <label>
        Instância
        <input required {...text("instance")} />
      </label>
      <label>
        Token
        <input required type="password" autoComplete="off" {...text("token")} />
      </label>
      <label class="check">
        <input type="checkbox" checked={draft.ai_enabled} onChange={(e) => setDraft({ ...draft, ai_enabled: e.currentTarget.checked })} />
        Novas conversas começam com a IA
      </label>
    </ModalForm>
  );
}

function Teams() {
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [open, setOpen] = useState<number | null>(null);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [name, setName] = useState("");
  const [newMember, setNewMember] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useAction();
  const load = () => {
    directory.forget("teams");
    Promise.all([directory.teams(), directory.users()]).then(([t, u]) => (setTeams(t), setUsers(u)), (failure: unknown) => setError(errorText(failure)));
  };
  useEffect(load, []);
  const loadMembers = (team: number) => {
    setMembers(null);
    directory.fetchAll<Member>("/api/team-members/", { team }).then(setMembers, (failure: unknown) => setError(errorText(failure)));
  };
  useEffect(() => {
    if (open) loadMembers(open);
  }, [open]);
  const create = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await api.post("/api/teams/", { name: name.trim(), is_active: true });
      setName("");
      load();
    }, "Equipe criada.");
  };
  const addMember = () =>
    open &&
    newMember &&
    run(async () => {
      await api.post("/api/team-members/", { team: open, user: Number(newMember), role: "member" });
      setNewMember("");
      loadMembers(open);
      load();
    });
  return (
    <section>
      <h2>Equipes</h2>
      <ErrorNotice message={error} retry={load} />
      <form class="inline" onSubmit={create}>
        <input required aria-label="Nome da nova equipe" placeholder="Nome da nova equipe" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" class="primary" disabled={busy}>
          Criar equipe
        </button>
      </form>
      <LoadingList items={teams} error={error} empty="Nenhuma equipe." class="plain cards">
        {(team) => (
          <li key={team.id} class="card">
            <div class="row">
              <strong>{team.name}</strong>
              <span class="muted">{team.members_count} membro(s)</span>
              <button type="button" class="link" aria-expanded={open === team.id} onClick={() => setOpen(open === team.id ? null : team.id)}>
                {open === team.id ? "Fechar" : "Membros"}
              </button>
              <button type="button" class="link danger" onClick={() => void run(async () => (window.confirm(`Apagar a equipe ${team.name}?`) && (await api.del(`/api/teams/${team.id}/`), load())))}>
                Apagar
              </button>
            </div>
            {open === team.id && (
              <div>
                <LoadingList items={members} empty="Sem membros.">
                  {(member) => (
                    <li key={member.id} class="row">
                      {personName(member.user)} {member.role === "leader" && <small>(líder)</small>}
                      <button type="button" class="link danger" onClick={() => void run(async () => (await api.del(`/api/team-members/${member.id}/`), loadMembers(team.id), load()))}>
                        Remover
                      </button>
                    </li>
                  )}
                </LoadingList>
                <div class="inline">
                  <select aria-label="Adicionar membro" value={newMember} onChange={(e) => setNewMember(e.currentTarget.value)}>
                    <option value="">Adicionar…</option>
                    {users
                      .filter((user) => !members?.some((member) => member.user?.id === user.id))
                      .map((user) => (
                        <option key={user.id} value={String(user.id)}>
                          {personName(user)}
                        </option>
                      ))}
                  </select>
                  <button type="button" disabled={!newMember || busy} onClick={() => void addMember()}>
                    Adicionar
                  </button>
                </div>
              </div>
            )}
          </li>
        )}
      </LoadingList>
    </section>
  );
}

const PERMISSIONS: [string, string][] = [
  ["view_assigned_conversations", "Ver as conversas atribuídas"],
  ["view_team_unassigned", "Ver as conversas sem responsável das suas equipes"],
  ["view_ai_conversations", "Ver as conversas com a IA"],
  ["can_handle_transfers", "Transferir conversas"],
  ["manage_contacts", "Gerenciar contatos"],
  ["manage_reports", "Ver relatórios"],
  ["manage_knowledge_base", "Gerenciar a base de conhecimento"],
];

function Users({ me }: { me: Me }) {
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [busy, run] = useAction();
  const load = () => {
    directory.forget("users");
    directory.users().then(setUsers, (failure: unknown) => setError(errorText(failure)));
  };
  useEffect(load, []);
  return (
    <section>
      <div class="row">
        <h2>Usuários</h2>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Novo usuário
        </button>
      </div>
      <ErrorNotice message={error} retry={load} />
      {!users ? (
        !error && <Loading />
      ) : (
        <DataTable columns={["Usuário", "Nome", "Tipo", "Último acesso", "Situação"]} actions>
          {users.map((user) => (
            <tr key={user.id}>
              <th scope="row">{user.username}</th>
              <td>{[user.first_name, user.last_name].filter(Boolean).join(" ") || "—"}</td>
              <td>{user.user_type === "agent" ? "Atendente" : "Administrador"}</td>
              <td>{fullDate(user.last_login)}</td>
              <td>{user.is_active ? "Ativo" : "Inativo"}</td>
              <td>
                {user.id !== me.id && (
                  <button type="button" class="link" disabled={busy} onClick={() => void run(async () => (await api.patch(`/api/users/${user.id}/`, { is_active: !user.is_active }), load()))}>
                    {user.is_active ? "Desativar" : "Ativar"}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {creating && <UserForm onClose={() => setCreating(false)} onCreated={() => (setCreating(false), toastOk("Usuário criado."), load())} />}
    </section>
  );
}

function UserForm({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const [draft, setDraft, text] = useDraft({ username: "", email: "", password: "", first_name: "", last_name: "", user_type: "agent" });
  const [permissions, setPermissions] = useState<string[]>(["view_assigned_conversations"]);
  const submit = async () => {
    await api.post("/api/users/", { ...draft, permissions: draft.user_type === "agent" ? permissions : [] });
    onCreated();
  };
  return (
    <ModalForm title="Novo usuário" submitLabel="Criar" onClose={onClose} submit={submit}>
      <label>
        Usuário
        <input required autoComplete="off" {...text("username")} />
      </label>
      <label>
        E-mail
        <input required type="email" {...text("email")} />
      </label>
      <label>
        Senha
        <input required type="password" autoComplete="new-password" {...text("password")} />
      </label>
      <label>
        Nome
        <input {...text("first_name")} />
      </label>
      <label>
        Sobrenome
        <input {...text("last_name")} />
      </label>
      <label>
        Tipo
        <select value={draft.user_type} onChange={(e) => setDraft({ ...draft, user_type: e.currentTarget.value })}>
          <option value="agent">Atendente</option>
          <option value="admin">Administrador</option>
        </select>
      </label>
      {draft.user_type === "agent" && (
        <fieldset>
          <legend>Permissões</legend>
          {PERMISSIONS.map(([key, label]) => (
            <label key={key} class="check">
              <input type="checkbox" checked={permissions.includes(key)} onChange={(e) => setPermissions((list) => (e.currentTarget.checked ? [...list, key] : list.filter((item) => item !== key)))} />
              {label}
            </label>
          ))}
        </fieldset>
      )}
    </ModalForm>
  );
}

interface RecoveryStats {
  stats: { total_attempts: number; successful_recoveries: number; pending_recoveries: number; conversion_rate: number; recent_activities: { id: number; contact_name: string; status: string; sent_at: string | null; message_sent: string }[] };
}

function Recovery({ me }: { me: Me }) {
  const [stats, setStats] = useState<RecoveryStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.get<RecoveryStats>("/api/recovery/stats/").then(setStats, (failure: unknown) => setError(errorText(failure)));
  }, []);
  return (
    <>
      <SettingsForm
        title="Recuperação de vendas"
        path="/api/recovery/settings/"
        savePath={`/api/recovery/settings/${me.provedor_id}/`}
        method="POST"
        fields={[
          { key: "enabled", label: "Recuperação ligada", type: "bool" },
          { key: "auto_recovery", label: "Enviar automaticamente", type: "bool" },
          { key: "delay_minutes", label: "Esperar (minutos) antes da primeira tentativa", type: "number" },
          { key: "recovery_interval", label: "Intervalo entre tentativas (minutos)", type: "number" },
          { key: "max_attempts", label: "Tentativas no máximo", type: "number" },
          { key: "keywords", label: "Palavras-chave (separadas por vírgula)", type: "list" },
          { key: "message", label: "Mensagem", type: "textarea" },
          { key: "use_ai", label: "Escrever com a IA", type: "bool" },
          { key: "auto_discount", label: "Oferecer desconto", type: "bool" },
          { key: "discount_percentage", label: "Desconto (%)", type: "number" },
          { key: "quiet_hours", label: "Respeitar o horário de silêncio", type: "bool" },
        ]}
      />
      <section>
        <h2>Resultados</h2>
        <ErrorNotice message={error} />
        {stats && (
          <>
            <div class="figures">
              <Figure label="Tentativas" value={stats.stats.total_attempts} />
              <Figure label="Recuperadas" value={stats.stats.successful_recoveries} />
              <Figure label="Pendentes" value={stats.stats.pending_recoveries} />
              <Figure label="Conversão" value={stats.stats.conversion_rate} digits={1} suffix="%" />
            </div>
            <ul class="plain">
              {stats.stats.recent_activities.map((activity) => (
                <li key={activity.id}>
                  {fullDate(activity.sent_at)} · {activity.contact_name} · {activity.status} — <em>{activity.message_sent}</em>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
