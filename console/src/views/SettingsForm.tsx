// A settings object read with GET and saved with PATCH/POST: flat fields, secrets only sent when typed.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { errorText, fullDate } from "../format";
import { ErrorNotice, Loading, toastOk } from "../ui";

export interface Field {
  key: string;
  label: string;
  type: "bool" | "text" | "number" | "textarea" | "secret" | "list";
  hint?: string;
  // A nested object's key (e.g. the AI's `business`).
  group?: string;
}

type Values = Record<string, unknown>;

function read(values: Values, field: Field): unknown {
  return field.group ? ((values[field.group] as Values | undefined) ?? {})[field.key] : values[field.key];
}

export function SettingsForm({ title, path, savePath, method = "PATCH", fields, testid }: { title: string; path: string; savePath?: string; method?: "PATCH" | "POST"; fields: Field[]; testid?: string }) {
  const [values, setValues] = useState<Values | null>(null);
  const [draft, setDraft] = useState<Record<string, string | boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const fill = (loaded: Values) => {
    setValues(loaded);
    const next: Record<string, string | boolean> = {};
    for (const field of fields) {
      const value = read(loaded, field);
      if (field.type === "bool") next[field.key] = Boolean(value);
      else if (field.type === "secret") next[field.key] = "";
      else if (field.type === "list") next[field.key] = Array.isArray(value) ? value.join(", ") : "";
      else next[field.key] = value === null || value === undefined ? "" : String(value);
    }
    setDraft(next);
  };

  const load = () => {
    api.get<Values>(path).then(fill, (failure: unknown) => setError(errorText(failure)));
  };
  useEffect(load, [path]);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!values) return;
    const body: Values = {};
    for (const field of fields) {
      const raw = draft[field.key];
      let value: unknown;
      if (field.type === "bool") value = raw;
      else if (field.type === "number") value = raw === "" ? null : Number(raw);
      else if (field.type === "list") value = String(raw).split(",").map((item) => item.trim()).filter(Boolean);
      else if (field.type === "secret") {
        if (!raw) continue;
        value = raw;
      } else value = raw;
      if (JSON.stringify(value) === JSON.stringify(read(values, field))) continue;
      if (field.group) body[field.group] = { ...((body[field.group] as Values) ?? {}), [field.key]: value };
      else body[field.key] = value;
    }
    if (!Object.keys(body).length) {
      toastOk("Nada mudou.");
      return;
    }
    setSaving(true);
    try {
      const saved = await api.request<Values>(method, savePath ?? path, body);
      fill(saved);
      setError(null);
      toastOk(`${title}: salvo.`);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="settings-form" data-testid={testid}>
      <h2>{title}</h2>
      <ErrorNotice message={error} retry={values ? undefined : load} />
      {!values ? (
        !error && <Loading />
      ) : (
        <form class="form" onSubmit={save}>
          {fields.map((field) => {
            const value = draft[field.key];
            const set = (next: string | boolean) => setDraft({ ...draft, [field.key]: next });
            if (field.type === "bool")
              return (
                <label key={field.key} class="check">
                  <input type="checkbox" checked={Boolean(value)} onChange={(e) => set(e.currentTarget.checked)} />
                  {field.label}
                </label>
              );
            const current = read(values, field);
            return (
              <label key={field.key}>
                {field.label}
                {field.type === "textarea" ? (
                  <textarea rows={3} value={String(value ?? "")} onInput={(e) => set(e.currentTarget.value)} />
                ) : (
                  <input
                    type={field.type === "number" ? "number" : field.type === "secret" ? "password" : "text"}
                    value={String(value ?? "")}
                    placeholder={field.type === "secret" ? (current ? `atual: ${String(current)} (deixe vazio para manter)` : "não definido") : undefined}
                    autoComplete="off"
                    onInput={(e) => set(e.currentTarget.value)}
                  />
                )}
                {field.hint && <small class="muted">{field.hint}</small>}
              </label>
            );
          })}
          <div class="form-actions">
            {typeof values.updated_at === "string" && <small class="muted">Alterado em {fullDate(values.updated_at)}</small>}
            <button type="submit" class="primary" disabled={saving}>
              {saving ? "Salvando…" : "Salvar"}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
