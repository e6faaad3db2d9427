import { useState } from "preact/hooks";
import { login } from "../session";
import type { Me } from "../types";
import { useSubmit } from "../ui";

export function LoginScreen({ notice, onLogin }: { notice: string | null; onLogin: (me: Me) => Promise<void> }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const { busy, error, onSubmit } = useSubmit(async () => onLogin(await login(username.trim(), password)));
  return (
    <main class="login">
      <form onSubmit={onSubmit} aria-labelledby="login-title">
        <h1 id="login-title">NioChat</h1>
        <p class="muted">Console de atendimento</p>
        {notice && !error && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        {error && (
          <p class="notice error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <label>
          Usuário
          <input name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          Senha
          <input name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Entrando…" : "Entrar"}
        </button>
      </form>
    </main>
  );
}
