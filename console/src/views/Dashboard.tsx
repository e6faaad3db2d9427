// Dashboard: the headline figures and charts from the reports endpoints; the live counts from `dashboard_metrics`
// (and the reports read again a moment after such an event).
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { errorText, number, personName, seconds } from "../format";
import * as live from "../live";
import { isAdmin } from "../session";
import type { Me } from "../types";
import { DataTable, ErrorNotice, Figure, Loading } from "../ui";
import { BarChart } from "./charts";

interface Stats {
  period_days: number;
  total_conversas: number;
  conversas_abertas: number;
  conversas_pendentes: number;
  conversas_com_ia: number;
  conversas_resolvidas: number;
  contatos_unicos: number;
  mensagens_30_dias: number;
  tempo_medio_resposta: string;
  tempo_primeira_resposta: string;
  taxa_resolucao: string;
  satisfacao_media: string;
  atendentes: {
    id: number;
    name: string;
    conversations: number;
    satisfaction: number | null;
    first_response_seconds: number | null;
    reply_seconds: number | null;
    resolved: number;
    messages_sent: number;
  }[];
}
interface Analysis {
  conversationsByDay: { date: string; day: string; conversations: number }[];
}
interface Hour {
  time: string;
  avg: number;
  max: number;
  count: number;
}
interface CsatStats {
  total_feedbacks: number;
  average_rating: number;
  satisfaction_rate: number;
  rating_distribution: { emoji_rating: string; rating_value: number; rating_display: string; count: number }[];
}
interface Metrics {
  total_conversations: number;
  open_conversations: number;
  pending_conversations: number;
  snoozed_conversations: number;
  closed_conversations: number;
  mine?: { open: number; pending: number; snoozed: number; closed: number } | null;
  today: { messages_received: number; messages_sent: number; conversations_created: number; conversations_closed: number };
}

interface Reports {
  stats: Stats;
  analysis: Analysis;
  hourly: Hour[];
  csat: CsatStats;
}

const PERIODS: Record<string, { days: number; period: string; label: string }> = {
  "7": { days: 7, period: "week", label: "7 dias" },
  "30": { days: 30, period: "month", label: "30 dias" },
  "90": { days: 90, period: "quarter", label: "90 dias" },
};

export function DashboardScreen({ me }: { me: Me }) {
  const [period, setPeriod] = useState("7");
  const [reports, setReports] = useState<Reports | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [metrics, setMetrics] = useState<Metrics | null>(null);
  const timer = useRef<number>();

  const load = async () => {
    const { days, period: name } = PERIODS[period];
    try {
      const [stats, analysis, hourly, csat] = await Promise.all([
        api.get<Stats>("/api/dashboard/stats/", { days }),
        api.get<Analysis>("/api/analysis/", { period: name }),
        api.get<Hour[]>("/api/dashboard/response-time-hourly/", { days }),
        api.get<CsatStats>("/api/csat/feedbacks/stats/", { days }),
      ]);
      setReports({ stats, analysis, hourly, csat });
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  useEffect(() => {
    void load();
  }, [period]);

  useEffect(() => {
    const offEvent = live.onEvent((event) => {
      if (event.type !== "dashboard_metrics") return;
      setMetrics(event.data as unknown as Metrics);
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => void load(), 1500);
    });
    const offReset = live.onReset(() => void load());
    return () => {
      offEvent();
      offReset();
      window.clearTimeout(timer.current);
    };
  }, [period]);

  const stats = reports?.stats;
  return (
    <div class="dashboard">
      <header class="screen-head">
        <h1>Painel</h1>
        <label>
          Período{" "}
          <select value={period} onChange={(e) => setPeriod(e.currentTarget.value)} aria-label="Período">
            {Object.entries(PERIODS).map(([key, value]) => (
              <option key={key} value={key}>
                {value.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      <ErrorNotice message={error} retry={() => void load()} />
      {metrics && (
        <section class="live-figures" aria-label="Agora" data-testid="live-metrics">
          <h2>Agora (ao vivo)</h2>
          <div class="figures">
            <Figure label="Abertas" value={metrics.open_conversations} testid="live-open" />
            <Figure label="Pendentes" value={metrics.pending_conversations} testid="live-pending" />
            <Figure label="Com a IA" value={metrics.snoozed_conversations} testid="live-snoozed" />
            <Figure label="Encerradas" value={metrics.closed_conversations} testid="live-closed" />
            <Figure label="Recebidas hoje" value={metrics.today.messages_received} testid="live-received" />
            <Figure label="Enviadas hoje" value={metrics.today.messages_sent} testid="live-sent" />
            {metrics.mine && <Figure label="Minhas abertas" value={metrics.mine.open} testid="live-mine-open" />}
          </div>
        </section>
      )}
      {!stats ? (
        !error && <Loading />
      ) : (
        <>
          <section aria-label="Números do período">
            <div class="figures" data-testid="figures">
              <Figure label="Conversas" value={stats.total_conversas} testid="fig-total" />
              <Figure label="Abertas" value={stats.conversas_abertas} testid="fig-open" />
              <Figure label="Pendentes" value={stats.conversas_pendentes} testid="fig-pending" />
              <Figure label="Com a IA" value={stats.conversas_com_ia} testid="fig-ai" />
              <Figure label="Resolvidas" value={stats.conversas_resolvidas} testid="fig-resolved" />
              <Figure label="Contatos únicos" value={stats.contatos_unicos} testid="fig-contacts" />
              <Figure label="Mensagens" value={stats.mensagens_30_dias} testid="fig-messages" />
              <Figure label="Tempo médio de resposta" value={stats.tempo_medio_resposta} testid="fig-response" />
              <Figure label="Primeira resposta" value={stats.tempo_primeira_resposta} testid="fig-first-response" />
              <Figure label="Taxa de resolução" value={stats.taxa_resolucao} testid="fig-resolution" />
              <Figure label="Satisfação média" value={stats.satisfacao_media} testid="fig-csat" />
            </div>
          </section>
          <div class="charts">
            <section>
              <h2>Conversas por dia</h2>
              <BarChart
                testid="chart-days"
                label="Conversas por dia"
                bars={reports.analysis.conversationsByDay.map((day) => ({ label: day.day || day.date.slice(5), value: day.conversations, title: `${day.date}: ${day.conversations}` }))}
              />
            </section>
            <section>
              <h2>Tempo de resposta por hora</h2>
              <BarChart
                testid="chart-hours"
                label="Tempo médio de resposta por hora, em minutos"
                unit=" min"
                bars={reports.hourly.map((hour) => ({ label: hour.time, value: Math.round((hour.avg / 60) * 10) / 10, title: `${hour.time}: média ${seconds(hour.avg)}, máx. ${seconds(hour.max)}, ${hour.count} respostas` }))}
              />
            </section>
            <section>
              <h2>Distribuição da satisfação</h2>
              <BarChart
                testid="chart-csat"
                label="Respostas de satisfação por nota"
                bars={[...reports.csat.rating_distribution]
                  .sort((a, b) => a.rating_value - b.rating_value)
                  .map((rating) => ({ label: `${rating.emoji_rating} ${rating.rating_value}`, value: rating.count, title: `${rating.rating_display}: ${rating.count}` }))}
              />
              <p class="muted small">
                {reports.csat.total_feedbacks
                  ? `${number(reports.csat.total_feedbacks)} respostas · média ${number(reports.csat.average_rating, 1)} · ${number(reports.csat.satisfaction_rate, 1)}% satisfeitos`
                  : "Nenhuma resposta no período."}
              </p>
            </section>
          </div>
          <section>
            <h2>Por atendente</h2>
            <DataTable columns={["Atendente", "Conversas", "Resolvidas", "Mensagens", "1ª resposta", "Resposta", "Satisfação"]} testid="agents-table" empty={!stats.atendentes.length && "Nenhum atendimento no período."}>
              {stats.atendentes.map((agent) => (
                <tr key={agent.id} data-testid={`agent-${agent.id}`}>
                  <th scope="row">{agent.name || personName({ id: agent.id, username: String(agent.id), first_name: null })}</th>
                  <td>{number(agent.conversations)}</td>
                  <td>{number(agent.resolved)}</td>
                  <td>{number(agent.messages_sent)}</td>
                  <td>{seconds(agent.first_response_seconds)}</td>
                  <td>{seconds(agent.reply_seconds)}</td>
                  <td>{agent.satisfaction === null ? "—" : number(agent.satisfaction, 1)}</td>
                </tr>
              ))}
            </DataTable>
          </section>
          {!isAdmin(me) && <p class="muted small">Os números são do provedor inteiro; “Minhas” mostra os seus.</p>}
        </>
      )}
    </div>
  );
}
