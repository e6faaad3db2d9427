// Contacts: list with search, create and edit.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { errorText, fullDate } from "../format";
import type { Contact, Me, Page } from "../types";
import { DataTable, ErrorNotice, Loading, ModalForm, toastOk, useDraft } from "../ui";

interface Draft {
  name: string;
  phone: string;
  email: string;
  notes: string;
}

export function ContactsScreen({ me }: { me: Me }) {
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [page, setPage] = useState<Page<Contact> | null>(null);
  const [extra, setExtra] = useState<Contact[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Contact | "new" | null>(null);

  const load = () => {
    api.get<Page<Contact>>("/api/contacts/", { search: query, page_size: 50 }).then(
      (result) => {
        setPage(result);
        setExtra([]);
        setError(null);
      },
      (failure: unknown) => setError(errorText(failure)),
    );
  };
  useEffect(load, [query]);
  useEffect(() => {
    const timer = window.setTimeout(() => setQuery(search.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [search]);

  const more = async () => {
    const next = extra.length ? null : page?.next;
    if (!next) return;
    try {
      const result = await api.get<Page<Contact>>(next);
      setExtra(result.results);
      setPage((current) => (current ? { ...current, next: result.next } : current));
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  const items = [...(page?.results ?? []), ...extra];
  return (
    <div class="contacts">
      <header class="screen-head">
        <h1>Contatos</h1>
        <input type="search" aria-label="Buscar contatos" placeholder="Buscar por nome, telefone ou e-mail" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        <button type="button" class="primary" onClick={() => setEditing("new")}>
          Novo contato
        </button>
      </header>
      <ErrorNotice message={error} retry={load} />
      {!page ? (
        !error && <Loading />
      ) : (
        <DataTable
          columns={["Nome", "Telefone", "E-mail", "Conversas", "Criado em"]} actions testid="contacts-table"
          empty={!items.length && "Nenhum contato encontrado."}
          footer={
            <>
              <p class="muted small">{page.count} contato(s)</p>
              {page.next && !extra.length && (
                <button type="button" class="more" onClick={more}>
                  Carregar mais
                </button>
              )}
            </>
          }
        >
          {items.map((contact) => (
            <tr key={contact.id}>
              <th scope="row">{contact.name}</th>
              <td>{contact.phone}</td>
              <td>{contact.email ?? "—"}</td>
              <td>
                {contact.conversation_count}
                {contact.unread_messages > 0 && <span class="badge">{contact.unread_messages}</span>}
              </td>
              <td>{fullDate(contact.created_at)}</td>
              <td>
                <button type="button" class="link" onClick={() => setEditing(contact)}>
                  Editar
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {editing && <ContactForm me={me} contact={editing === "new" ? null : editing} onClose={() => setEditing(null)} onSaved={() => (setEditing(null), load())} />}
    </div>
  );
}

function ContactForm({ contact, onClose, onSaved }: { me: Me; contact: Contact | null; onClose: () => void; onSaved: () => void }) {
  const [draft, , text] = useDraft<Draft>({
    name: contact?.name ?? "",
    phone: contact?.phone ?? "",
    email: contact?.email ?? "",
    notes: typeof contact?.additional_attributes?.observacoes === "string" ? (contact.additional_attributes.observacoes as string) : "",
  });
  const save = async () => {
    const body = {
      name: draft.name.trim(),
      phone: draft.phone.trim(),
      email: draft.email.trim() || null,
      additional_attributes: { ...(contact?.additional_attributes ?? {}), observacoes: draft.notes.trim() },
    };
    if (contact) await api.patch(`/api/contacts/${contact.id}/`, body);
    else await api.post("/api/contacts/", body);
    toastOk(contact ? "Contato salvo." : "Contato criado.");
    onSaved();
  };
  return (
    <ModalForm title={contact ? "Editar contato" : "Novo contato"} submitLabel="Salvar" onClose={onClose} submit={save}>
      <label>
        Nome
        <input required {...text("name")} />
      </label>
      <label>
        Telefone (com DDI e DDD)
        <input required inputMode="tel" placeholder="+5511999990000" {...text("phone")} />
      </label>
      <label>
        E-mail
        <input type="email" {...text("email")} />
      </label>
      <label>
        Observações
        <textarea rows={3} {...text("notes")} />
      </label>
    </ModalForm>
  );
}
