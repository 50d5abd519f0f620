/**
 * A line chart as standalone SVG, for generated reports: one line per series. Linear axes from zero, or log axes
 * (both), which show time against N over several decades (1 to 5,000 subscriptions) without the small Ns
 * collapsing into a corner, and show a straight line for any power law: slope 1 is linear, 2 quadratic.
 */
export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
}

const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

export function lineChart(options: { title: string; xLabel: string; yLabel: string; series: Series[]; scale?: "linear" | "log" }): string {
  const width = 640;
  const height = 400;
  const margin = { left: 60, right: 140, top: 40, bottom: 50 };
  const log = options.scale === "log";
  const all = options.series.flatMap((s) => s.points).filter((p) => !log || (p.x > 0 && p.y > 0));
  const xAxis = log ? logAxis(all.map((p) => p.x)) : linearAxis(Math.max(1, ...all.map((p) => p.x)), false);
  const yAxis = log ? logAxis(all.map((p) => p.y)) : linearAxis(Math.max(0.001, ...all.map((p) => p.y)), true);
  const x = (value: number) => margin.left + xAxis.position(value) * (width - margin.left - margin.right);
  const y = (value: number) => height - margin.bottom - yAxis.position(value) * (height - margin.top - margin.bottom);
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(options.title)}</text>`,
    ...yAxis.ticks.map((t) => `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/><text x="${margin.left - 6}" y="${y(t) + 4}" text-anchor="end">${round(t)}</text>`),
    ...xAxis.ticks.map((t) => `<text x="${x(t)}" y="${height - margin.bottom + 16}" text-anchor="middle">${round(t)}</text>`),
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${height - margin.bottom}" y2="${height - margin.bottom}" stroke="black"/>`,
    `<line x1="${margin.left}" x2="${margin.left}" y1="${height - margin.bottom}" y2="${margin.top}" stroke="black"/>`,
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 10}" text-anchor="middle">${escape(options.xLabel)}${log ? " (log)" : ""}</text>`,
    `<text transform="translate(16 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}${log ? " (log)" : ""}</text>`,
  ];
  options.series.forEach((series, index) => {
    const color = palette[index % palette.length];
    const points = [...series.points].filter((p) => !log || (p.x > 0 && p.y > 0)).sort((a, b) => a.x - b.x);
    if (points.length === 0) return;
    const dashed = /bound/i.test(series.name) ? ` stroke-dasharray="6 4"` : "";
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dashed} points="${points.map((p) => `${x(p.x)},${y(p.y)}`).join(" ")}"/>`);
    for (const p of points) parts.push(`<circle cx="${x(p.x)}" cy="${y(p.y)}" r="3" fill="${color}"><title>${escape(series.name)}: N=${p.x}, ${p.y.toFixed(2)}</title></circle>`);
    parts.push(`<rect x="${width - margin.right + 12}" y="${margin.top + index * 20}" width="12" height="12" fill="${color}"/><text x="${width - margin.right + 30}" y="${margin.top + index * 20 + 10}">${escape(series.name)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

interface Axis {
  /** 0..1 along the axis. */
  position(value: number): number;
  ticks: number[];
}

function linearAxis(max: number, nice: boolean): Axis {
  const top = nice ? niceCeiling(max) : max;
  return { position: (value) => value / top, ticks: [0, 0.25, 0.5, 0.75, 1].map((t) => t * top) };
}

/** Whole decades around the values, ticked at 1, 10, 100, ... */
function logAxis(given: number[]): Axis {
  const values = given.length > 0 ? given : [1, 10];
  const low = Math.floor(Math.log10(Math.min(...values)));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(...values))));
  const ticks = Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i));
  return { position: (value) => (Math.log10(value) - low) / (high - low), ticks };
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= value)!;
}

function round(value: number): string {
  if (value >= 1) return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 1 : 0);
  return String(Number(value.toPrecision(2)));
}
