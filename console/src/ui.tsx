// Small shared pieces: async loading with the API's error text (only the latest of overlapping loads counts),
// notices, a list that loads, toasts, a modal, a form in a modal and its draft, a copy button, a headline figure
// and a table with its column headers.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { errorText, number } from "./format";

export interface Async<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
  set: (update: (current: T | null) => T | null) => void;
}

export interface Latest<T> {
  loading: boolean;
  error: string | null;
  setError: (error: string | null) => void;
  run: (load: () => Promise<T>) => void;
}

/** Loads that may overlap (a filter changed while the last one ran): `run(load)` hands `load`'s value to `take` and
 * clears `error`, or sets `error` to its failure's text, unless a later run started meanwhile; `loading` until the
 * latest one ends. */
export function useLatest<T>(take: (value: T) => void): Latest<T> {
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const taker = useRef(take);
  taker.current = take;
  const run = useCallback((load: () => Promise<T>) => {
    const mine = ++generation.current;
    setLoading(true);
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        taker.current(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(errorText(failure));
        setLoading(false);
      },
    );
  }, []);
  return { loading, error, setError, run };
}

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [data, setData] = useState<T | null>(null);
  const latest = useLatest<T>(setData);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const reload = useCallback(() => latest.run(load), deps);
  useEffect(reload, [reload]);
  return { data, error: latest.error, loading: latest.loading, reload, set: (update) => setData((current) => update(current)) };
}

export function ErrorNotice({ message, retry }: { message: string | null; retry?: () => void }) {
  if (!message) return null;
  return (
    <div class="notice error" role="alert">
      <span>{message}</span>
      {retry && (
        <button type="button" class="link" onClick={retry}>
          Tentar de novo
        </button>
      )}
    </div>
  );
}

export function Loading({ what = "Carregando…" }: { what?: string }) {
  return (
    <p class="muted" aria-live="polite">
      {what}
    </p>
  );
}

/** A list that loads: "Carregando…" until `items` arrive (nothing while `error` says why they did not), then each
 * item's `<li>` from `children`, or the muted `empty` text when there are none. */
export function LoadingList<T>({ items, error = null, empty, class: className = "plain", children }: { items: T[] | null; error?: string | null; empty: string; class?: string; children: (item: T) => ComponentChildren }) {
  if (!items) return error ? null : <Loading />;
  return (
    <ul class={className}>
      {items.map((item) => children(item))}
      {!items.length && <li class="muted">{empty}</li>}
    </ul>
  );
}

type Toast = { id: number; text: string; kind: "error" | "ok" };
let pushToast: (toast: Omit<Toast, "id">) => void = () => {};
let toastIds = 0;

export function toastError(error: unknown): void {
  pushToast({ text: errorText(error), kind: "error" });
}

export function toastOk(text: string): void {
  pushToast({ text, kind: "ok" });
}

export function Toasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    pushToast = (toast) => {
      const id = ++toastIds;
      setToasts((list) => [...list.slice(-3), { ...toast, id }]);
      window.setTimeout(() => setToasts((list) => list.filter((item) => item.id !== id)), toast.kind === "error" ? 8000 : 3500);
    };
  }, []);
  return (
    <div class="toasts" aria-live="assertive">
      {toasts.map((toast) => (
        <div key={toast.id} class={`toast ${toast.kind}`} role={toast.kind === "error" ? "alert" : "status"}>
          {toast.text}
          <button type="button" class="link" aria-label="Fechar" onClick={() => setToasts((list) => list.filter((item) => item.id !== toast.id))}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/** Runs an action, shows its failure as a toast; `busy` while it runs. */
export function useAction(): [boolean, (action: () => Promise<unknown>, ok?: string) => Promise<boolean>] {
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<unknown>, ok?: string) => {
    setBusy(true);
    try {
      await action();
      if (ok) toastOk(ok);
      return true;
    } catch (error) {
      toastError(error);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return [busy, run];
}

export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>("input, select, textarea, button")?.focus();
    const key = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", key);
    return () => {
      window.removeEventListener("keydown", key);
      previous?.focus();
    };
  }, [onClose]);
  return (
    <div class="backdrop" onClick={(event) => event.target === event.currentTarget && onClose()}>
      <div class="modal" role="dialog" aria-modal="true" aria-label={title} ref={ref}>
        <header>
          <h2>{title}</h2>
          <button type="button" class="link" aria-label="Fechar" onClick={onClose}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

export interface Submit {
  busy: boolean;
  error: string | null;
  onSubmit: (event: Event) => Promise<void>;
}

/** A form's submit: `onSubmit` runs `submit` instead of the browser's own submit, `busy` while it runs; `error`,
 * cleared when it starts, is then its failure's text (the API's message). */
export function useSubmit(submit: () => Promise<unknown>): Submit {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await submit();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, onSubmit };
}

/** A form in a modal: the failure of its last `submit` above its fields, then Cancelar (closes it) and the submit
 * button, `submitLabel`, disabled while `submit` runs. `submit` says what comes after a success (closing it). */
export function ModalForm({ title, submitLabel, onClose, submit, children }: { title: string; submitLabel: string; onClose: () => void; submit: () => Promise<unknown>; children: ComponentChildren }) {
  const { busy, error, onSubmit } = useSubmit(submit);
  return (
    <Modal title={title} onClose={onClose}>
      <form class="form" onSubmit={onSubmit}>
        <ErrorNotice message={error} />
        {children}
        <div class="form-actions">
          <button type="button" onClick={onClose}>
            Cancelar
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}

type TextKey<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T];

/** A form's draft, one object, and `text(key)`: the value and input handler of the text field (an input or a
 * textarea) that edits one of its string keys. */
export function useDraft<T extends object>(initial: T): [T, (draft: T) => void, (key: TextKey<T>) => { value: string; onInput: (event: Event) => void }] {
  const [draft, setDraft] = useState(initial);
  const text = (key: TextKey<T>) => ({ value: draft[key] as string, onInput: (event: Event) => setDraft({ ...draft, [key]: (event.currentTarget as HTMLInputElement).value }) });
  return [draft, setDraft, text];
}

export function CopyButton({ text, label = "Copiar" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Without the clipboard API (an insecure origin): select the text for Ctrl+C.
      const field = document.createElement("textarea");
      field.value = text;
      document.body.append(field);
      field.select();
      document.execCommand("copy");
      field.remove();
    }
    setDone(true);
    window.setTimeout(() => setDone(false), 2000);
  };
  return (
    <button type="button" onClick={copy}>
      {done ? "Copiado!" : label}
    </button>
  );
}

/** A headline number with its label (numbers in Brazilian notation; strings as the API words them). */
export function Figure({ label, value, suffix = "", digits = 0, testid }: { label: string; value: string | number; suffix?: string; digits?: number; testid?: string }) {
  return (
    <div class="figure">
      <span class="label">{label}</span>
      <strong data-testid={testid}>
        {typeof value === "number" ? number(value, digits) : value}
        {suffix}
      </strong>
    </div>
  );
}

/** A scrollable table with its column headers; `actions` adds a last column of row buttons (named for screen readers);
 * `empty` (given when there are no rows) is then the only row, a muted text across every column; `footer` goes below
 * the table (a count, a "load more" button). */
export function DataTable({ columns, actions = false, testid, footer, empty, children }: { columns: string[]; actions?: boolean; testid?: string; footer?: ComponentChildren; empty?: string | false; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table data-testid={testid}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span class="visually-hidden">Ações</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {children}
          {empty && (
            <tr>
              <td colSpan={columns.length + (actions ? 1 : 0)} class="muted">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {footer}
    </div>
  );
}
