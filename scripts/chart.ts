/** A line chart as standalone SVG, for generated reports: one line per series, linear axes from zero. */
export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
}

const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"];

export function lineChart(options: { title: string; xLabel: string; yLabel: string; series: Series[] }): string {
  const width = 640;
  const height = 400;
  const margin = { left: 60, right: 120, top: 40, bottom: 50 };
  const all = options.series.flatMap((s) => s.points);
  const maxX = Math.max(1, ...all.map((p) => p.x));
  const maxY = niceCeiling(Math.max(0.001, ...all.map((p) => p.y)));
  const x = (value: number) => margin.left + (value / maxX) * (width - margin.left - margin.right);
  const y = (value: number) => height - margin.bottom - (value / maxY) * (height - margin.top - margin.bottom);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(options.title)}</text>`,
    ...ticks.map((t) => `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(t * maxY)}" y2="${y(t * maxY)}" stroke="#ddd"/><text x="${margin.left - 6}" y="${y(t * maxY) + 4}" text-anchor="end">${round(t * maxY)}</text>`),
    ...ticks.map((t) => `<text x="${x(t * maxX)}" y="${height - margin.bottom + 16}" text-anchor="middle">${round(t * maxX)}</text>`),
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(0)}" y2="${y(0)}" stroke="black"/>`,
    `<line x1="${margin.left}" x2="${margin.left}" y1="${y(0)}" y2="${margin.top}" stroke="black"/>`,
    `<text x="${(margin.left + width - margin.right) / 2}" y="${height - 10}" text-anchor="middle">${escape(options.xLabel)}</text>`,
    `<text transform="translate(16 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`,
  ];
  options.series.forEach((series, index) => {
    const color = palette[index % palette.length];
    const points = [...series.points].sort((a, b) => a.x - b.x);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => `${x(p.x)},${y(p.y)}`).join(" ")}"/>`);
    for (const p of points) parts.push(`<circle cx="${x(p.x)}" cy="${y(p.y)}" r="3" fill="${color}"><title>${escape(series.name)}: N=${p.x}, ${p.y.toFixed(2)}</title></circle>`);
    parts.push(`<rect x="${width - margin.right + 12}" y="${margin.top + index * 20}" width="12" height="12" fill="${color}"/><text x="${width - margin.right + 30}" y="${margin.top + index * 20 + 10}">${escape(series.name)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((step) => step * magnitude).find((candidate) => candidate >= value)!;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 1 : 0);
}
