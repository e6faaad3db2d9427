// Charts in plain SVG (no chart library): bars with labelled axes, readable at any width (viewBox).
export interface Bar {
  label: string;
  value: number;
  title?: string;
}

export function BarChart({ bars, label, unit = "", testid }: { bars: Bar[]; label: string; unit?: string; testid?: string }) {
  const width = 640;
  const height = 220;
  const pad = { top: 12, right: 8, bottom: 36, left: 40 };
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const inner = width - pad.left - pad.right;
  const step = bars.length ? inner / bars.length : inner;
  const barWidth = Math.max(2, step * 0.7);
  const y = (value: number) => pad.top + (height - pad.top - pad.bottom) * (1 - value / max);
  const ticks = [0, max / 2, max];
  const every = Math.ceil(bars.length / 12);
  return (
    <figure class="chart" data-testid={testid}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={pad.left} x2={width - pad.right} y1={y(tick)} y2={y(tick)} class="grid" />
            <text x={pad.left - 6} y={y(tick) + 4} text-anchor="end" class="tick">
              {Number.isInteger(tick) ? tick : tick.toFixed(1)}
            </text>
          </g>
        ))}
        {bars.map((bar, index) => {
          const x = pad.left + index * step + (step - barWidth) / 2;
          return (
            <g key={bar.label}>
              <rect x={x} y={y(bar.value)} width={barWidth} height={Math.max(0, height - pad.bottom - y(bar.value))} class="bar">
                <title>{bar.title ?? `${bar.label}: ${bar.value}${unit}`}</title>
              </rect>
              {index % every === 0 && (
                <text x={x + barWidth / 2} y={height - pad.bottom + 16} text-anchor="middle" class="tick">
                  {bar.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="visually-hidden">
        {label}: {bars.map((bar) => `${bar.label} ${bar.value}${unit}`).join(", ")}
      </figcaption>
    </figure>
  );
}
