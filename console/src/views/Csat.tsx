// CSAT: the answers (filters by rating and dates) and the period's figures.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { errorText, fullDate } from "../format";
import type { Page } from "../types";
import { DataTable, ErrorNotice, Figure, Loading } from "../ui";

interface Feedback {
  id: number;
  conversation: number;
  contact_name: string;
  contact_phone: string | null;
  emoji_rating: string;
  rating_value: number;
  rating_display: string;
  feedback: string;
  agent_name: string | null;
  team_name: string | null;
  feedback_sent_at: string;
}

interface Stats {
  total_feedbacks: number;
  average_rating: number;
  satisfaction_rate: number;
  response_rate: number;
  total_requests_sent: number;
}

export function CsatScreen() {
  const [rating, setRating] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [page, setPage] = useState<Page<Feedback> | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () => {
    Promise.all([
      api.get<Page<Feedback>>("/api/csat/feedbacks/", { rating, date_from: from, date_to: to, page_size: 50 }),
      api.get<Stats>("/api/csat/feedbacks/stats/", { days: 30 }),
    ]).then(
      ([feedbacks, figures]) => {
        setPage(feedbacks);
        setStats(figures);
        setError(null);
      },
      (failure: unknown) => setError(errorText(failure)),
    );
  };
  useEffect(load, [rating, from, to]);

  const more = async () => {
    if (!page?.next) return;
    try {
      const next = await api.get<Page<Feedback>>(page.next);
      setPage({ ...next, results: [...page.results, ...next.results] });
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <div class="csat">
      <header class="screen-head">
        <h1>Satisfação (CSAT)</h1>
        <select aria-label="Nota" value={rating} onChange={(e) => setRating(e.currentTarget.value)}>
          <option value="">Todas as notas</option>
          {[5, 4, 3, 2, 1].map((value) => (
            <option key={value} value={String(value)}>
              Nota {value}
            </option>
          ))}
        </select>
        <label>
          De <input type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          Até <input type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
      </header>
      <ErrorNotice message={error} retry={load} />
      {stats && (
        <div class="figures">
          <Figure label="Respostas (30 dias)" value={stats.total_feedbacks} />
          <Figure label="Nota média" value={stats.total_feedbacks ? stats.average_rating : "—"} digits={1} />
          <Figure label="Satisfeitos" value={stats.total_feedbacks ? stats.satisfaction_rate : "—"} digits={1} suffix={stats.total_feedbacks ? "%" : ""} />
          <Figure label="Taxa de resposta" value={stats.response_rate} digits={1} suffix="%" />
        </div>
      )}
      {!page ? (
        !error && <Loading />
      ) : (
        <DataTable
          columns={["Quando", "Cliente", "Nota", "Comentário", "Atendente", "Conversa"]}
          empty={!page.results.length && "Nenhuma resposta de satisfação."}
          footer={
            <>
              {page.next && (
                <button type="button" class="more" onClick={more}>
                  Carregar mais
                </button>
              )}
            </>
          }
        >
          {page.results.map((feedback) => (
            <tr key={feedback.id}>
              <td>{fullDate(feedback.feedback_sent_at)}</td>
              <th scope="row">
                {feedback.contact_name} <small class="muted">{feedback.contact_phone}</small>
              </th>
              <td title={feedback.rating_display}>
                {feedback.emoji_rating} {feedback.rating_value}
              </td>
              <td>{feedback.feedback || "—"}</td>
              <td>{feedback.agent_name ?? "—"}{feedback.team_name ? ` (${feedback.team_name})` : ""}</td>
              <td>
                <a href={`#/conversas/${feedback.conversation}`}>#{feedback.conversation}</a>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
