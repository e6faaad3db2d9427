// The shell: session, navigation, the live connection's badge, and the screen of the route.
import { useEffect, useState } from "preact/hooks";
import { api, setToken } from "./api";
import { errorText } from "./format";
import * as live from "./live";
import { navigate, useRoute } from "./router";
import { displayName, isAdmin, saveToken, storedToken } from "./session";
import type { Me } from "./types";
import { ErrorNotice, Toasts } from "./ui";
import { ChatScreen } from "./views/Chat";
import { ContactsScreen } from "./views/Contacts";
import { ConversationsScreen } from "./views/Conversations";
import { CsatScreen } from "./views/Csat";
import { DashboardScreen } from "./views/Dashboard";
import { LoginScreen } from "./views/Login";
import { SettingsScreen } from "./views/Settings";

type Boot = { kind: "loading" } | { kind: "login"; notice: string | null } | { kind: "ready"; me: Me } | { kind: "error"; message: string };

const NAV: { path: string; label: string; admin?: boolean }[] = [
  { path: "conversas", label: "Conversas" },
  { path: "contatos", label: "Contatos" },
  { path: "painel", label: "Painel" },
  { path: "csat", label: "Satisfação" },
  { path: "chat", label: "Chat da equipe" },
  { path: "config", label: "Configurações", admin: true },
];

export function App() {
  const [boot, setBoot] = useState<Boot>({ kind: "loading" });

  const enter = async (me: Me) => {
    // docs/realtime.md: the seq before the state is loaded, then connect and catch up from it.
    const since = await live.currentSeq();
    live.start(since, async () => {
      await api.get<Me>("/api/auth/me/"); // a 401 here ends the session (niochat:unauthorized)
    });
    setBoot({ kind: "ready", me });
  };

  const start = async () => {
    const token = storedToken();
    if (!token) {
      setBoot({ kind: "login", notice: null });
      return;
    }
    setToken(token);
    try {
      await enter(await api.get<Me>("/api/auth/me/"));
    } catch (error) {
      setBoot((current) => (current.kind === "login" ? current : { kind: "error", message: errorText(error) }));
    }
  };

  useEffect(() => {
    const expired = (event: Event) => {
      live.stop();
      saveToken(null);
      const message = (event as CustomEvent<string>).detail;
      setBoot({ kind: "login", notice: `Sua sessão terminou: ${message}. Entre de novo.` });
    };
    window.addEventListener("niochat:unauthorized", expired);
    void start();
    return () => window.removeEventListener("niochat:unauthorized", expired);
  }, []);

  const logout = async () => {
    live.stop();
    try {
      await api.post("/api/auth/logout/");
    } catch {
      // The token is dropped here either way.
    }
    saveToken(null);
    setBoot({ kind: "login", notice: "Você saiu." });
  };

  if (boot.kind === "loading") return <p class="boot">Carregando o NioChat…</p>;
  if (boot.kind === "error")
    return (
      <main class="fatal">
        <h1>NioChat</h1>
        <ErrorNotice message={boot.message} retry={() => void start()} />
      </main>
    );
  if (boot.kind === "login")
    return (
      <>
        <LoginScreen notice={boot.notice} onLogin={(me) => enter(me)} />
        <Toasts />
      </>
    );
  return <Shell me={boot.me} onLogout={logout} />;
}

function LiveBadge() {
  const [state, setState] = useState<live.LiveState>("offline");
  useEffect(() => live.onState(setState), []);
  const label = { online: "Ao vivo", connecting: "Conectando…", offline: "Sem conexão ao vivo" }[state];
  return (
    <span class={`live ${state}`} data-testid="live-state" data-state={state} title={label}>
      ● {label}
    </span>
  );
}

function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const route = useRoute();
  const [menu, setMenu] = useState(false);
  const admin = isAdmin(me);
  const screen = route[0] ?? "conversas";
  useEffect(() => {
    if (!route.length) navigate("/conversas");
    setMenu(false);
  }, [route.join("/")]);
  const links = NAV.filter((item) => !item.admin || admin);
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Pular para o conteúdo
      </a>
      <header class="topbar">
        <button type="button" class="menu-toggle" aria-expanded={menu} aria-controls="nav" onClick={() => setMenu(!menu)}>
          Menu
        </button>
        <strong class="brand">NioChat</strong>
        <nav id="nav" class={menu ? "open" : ""} aria-label="Principal">
          {links.map((item) => (
            <a key={item.path} href={`#/${item.path}`} aria-current={screen === item.path ? "page" : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <LiveBadge />
        <span class="who" data-testid="who">
          {displayName(me)} <small>({me.user_type === "agent" ? "atendente" : "administrador"})</small>
        </span>
        <button type="button" onClick={onLogout}>
          Sair
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {screen === "conversas" && <ConversationsScreen me={me} openId={route[1] ? Number(route[1]) : null} />}
        {screen === "contatos" && <ContactsScreen me={me} />}
        {screen === "painel" && <DashboardScreen me={me} />}
        {screen === "csat" && <CsatScreen />}
        {screen === "chat" && <ChatScreen me={me} target={route.slice(1)} />}
        {screen === "config" &&
          (admin ? (
            <SettingsScreen me={me} tab={route[1] ?? "caixas"} />
          ) : (
            <div class="notice error" role="alert" data-testid="forbidden">
              Apenas administradores acessam as configurações.
            </div>
          ))}
        {!NAV.some((item) => item.path === screen) && <p class="notice">Página não encontrada.</p>}
      </main>
      <Toasts />
    </div>
  );
}
