/**
 * The growth chart as a hand-written SVG (no charting dependency): two panels, deliveries/s
 * against the burst's size and creations/s against the number of HTTP clients, both x axes on a
 * log scale (the steps grow by factors), y from zero so that a drop reads as a drop.
 */
import type { GrowthFigures } from './growth.js';

const PANEL_W = 420;
const PANEL_H = 300;
const M = { left: 64, right: 20, top: 40, bottom: 48 };

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten, above `max`. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const short = (n: number) => (n >= 1000 ? `${Math.round(n / 100) / 10}k` : String(Math.round(n)));

function panel(
  x0: number,
  title: string,
  xLabel: string,
  yLabel: string,
  points: readonly { x: number; y: number }[],
  colour: string,
): string {
  const w = PANEL_W - M.left - M.right;
  const h = PANEL_H - M.top - M.bottom;
  const left = x0 + M.left;
  const xs = points.map((p) => Math.log10(p.x));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMax = niceMax(Math.max(...points.map((p) => p.y)));
  const px = (x: number) => left + (xMax === xMin ? w / 2 : ((Math.log10(x) - xMin) / (xMax - xMin)) * w);
  const py = (y: number) => M.top + h - (y / yMax) * h;
  const parts: string[] = [
    `<text x="${x0 + PANEL_W / 2}" y="22" text-anchor="middle" font-weight="bold">${escape(title)}</text>`,
    `<line x1="${left}" y1="${M.top + h}" x2="${left + w}" y2="${M.top + h}" stroke="#333"/>`,
    `<line x1="${left}" y1="${M.top}" x2="${left}" y2="${M.top + h}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    const y = py(v);
    parts.push(
      `<line x1="${left}" y1="${y}" x2="${left + w}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y + 4}" text-anchor="end">${short(v)}</text>`,
    );
  }
  for (const p of points) {
    parts.push(
      `<line x1="${px(p.x)}" y1="${M.top + h}" x2="${px(p.x)}" y2="${M.top + h + 5}" stroke="#333"/>`,
      `<text x="${px(p.x)}" y="${M.top + h + 18}" text-anchor="middle">${p.x.toLocaleString('en-US')}</text>`,
    );
  }
  parts.push(
    `<text x="${left + w / 2}" y="${PANEL_H - 8}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<text transform="translate(${x0 + 16} ${M.top + h / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`,
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => `${px(p.x)},${py(p.y)}`).join(' ')}"/>`,
    ...points.map(
      (p) =>
        `<circle cx="${px(p.x)}" cy="${py(p.y)}" r="4" fill="${colour}"/>` +
        `<text x="${px(p.x)}" y="${py(p.y) - 9}" text-anchor="middle">${short(p.y)}</text>`,
    ),
  );
  return parts.join('\n  ');
}

export function growthSvg(g: GrowthFigures, caption: string): string {
  const width = PANEL_W * 2;
  const height = PANEL_H + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `  <rect width="${width}" height="${height}" fill="#fff"/>`,
    `  ${panel(
      0,
      'Burst: deliveries/s',
      'messages due at one instant (log scale)',
      'deliveries/s',
      g.bursts.map((b) => ({ x: b.size, y: b.perSecond })),
      '#1f6feb',
    )}`,
    `  ${panel(
      PANEL_W,
      'HTTP creation: creations/s',
      'clients (log scale)',
      'creations/s',
      g.creation.map((c) => ({ x: c.clients, y: c.perSecond })),
      '#d9480f',
    )}`,
    `  <text x="${width / 2}" y="${height - 4}" text-anchor="middle" fill="#555">${escape(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
