import { useState } from "preact/hooks";
import { errorText } from "../format";
import { login } from "../session";
import type { Me } from "../types";

export function LoginScreen({ notice, onLogin }: { notice: string | null; onLogin: (me: Me) => Promise<void> }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onLogin(await login(username.trim(), password));
    } catch (failure) {
      setError(errorText(failure));
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={submit} aria-labelledby="login-title">
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
