/**
 * The job graph as SVG: one box per vertex of the plan, arrows along the plan's `inputs`, laid out
 * in layers from left to right (a vertex's layer is the longest path to it from a source; within a
 * layer vertices are ordered by the mean position of their inputs, which keeps arrows short and
 * mostly uncrossed on the pipelines jobs have).
 *
 * A box shows the vertex's name, parallelism, records in and out, and its busy and back-pressured
 * share of time (the highest of its subtasks): the fill goes from blue (idle) to red (busy), the
 * border from blue (no back pressure) through orange to black (high), as in Flink's UI.
 */
import { count, esc, percent } from './format.js';

const W = 280;
const H = 104;
const GAP_X = 90;
const GAP_Y = 34;
const MARGIN = 20;

/** Each vertex's layer: 0 for sources, else 1 + the highest layer of its inputs (cycles are cut). */
export function layers(nodes) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const layer = new Map();
  const visiting = new Set();
  function depth(id) {
    if (layer.has(id)) {
      return layer.get(id);
    }
    if (visiting.has(id) || !byId.has(id)) {
      return -1;
    }
    visiting.add(id);
    let d = 0;
    for (const input of byId.get(id).inputs || []) {
      d = Math.max(d, depth(input.id) + 1);
    }
    visiting.delete(id);
    layer.set(id, d);
    return d;
  }
  nodes.forEach((n) => depth(n.id));
  return layer;
}

/** Box positions {id → {x, y}} and the drawing's size. */
export function layout(nodes) {
  const layer = layers(nodes);
  const columns = [];
  nodes.forEach((n) => {
    const l = layer.get(n.id);
    (columns[l] = columns[l] || []).push(n);
  });
  const row = new Map();
  columns.forEach((column, l) => {
    if (l > 0) {
      const key = (n) => {
        const rows = (n.inputs || []).map((i) => row.get(i.id)).filter((r) => r !== undefined);
        return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.MAX_SAFE_INTEGER;
      };
      column.sort((a, b) => key(a) - key(b));
    }
    column.forEach((n, i) => row.set(n.id, i));
  });
  const tallest = Math.max(1, ...columns.map((c) => (c ? c.length : 0)));
  const height = MARGIN * 2 + tallest * H + (tallest - 1) * GAP_Y;
  const pos = new Map();
  columns.forEach((column, l) => {
    const columnHeight = column.length * H + (column.length - 1) * GAP_Y;
    const top = (height - columnHeight) / 2;
    column.forEach((n, i) => pos.set(n.id, { x: MARGIN + l * (W + GAP_X), y: top + i * (H + GAP_Y) }));
  });
  const width = MARGIN * 2 + columns.length * W + Math.max(0, columns.length - 1) * GAP_X;
  return { pos, width, height };
}

const IDLE_RGB = [221, 234, 252];
const BUSY_RGB = [246, 170, 160];

function busyFill(busy) {
  if (busy === null || busy === undefined || Number.isNaN(busy)) {
    return '#f4f6f9';
  }
  const b = Math.min(1, Math.max(0, busy));
  const mix = IDLE_RGB.map((c, i) => Math.round(c + (BUSY_RGB[i] - c) * b));
  return `rgb(${mix.join(', ')})`;
}

function backpressureStroke(level, ratio) {
  const l = level || (ratio === null || ratio === undefined ? null : ratio > 0.5 ? 'high' : ratio > 0.1 ? 'low' : 'ok');
  return { ok: '#4a7fd6', low: '#e08a1e', high: '#222' }[l] || '#9aa5b4';
}

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The SVG of the graph.
 * @param nodes [{id, name, parallelism, inputs: [{id, ship_strategy}], recordsIn, recordsOut, busy, backpressure, backpressureLevel}]
 * @param selectedId the highlighted vertex (or null)
 * @param hrefFor vertex id → link of its box
 */
export function renderGraph(nodes, selectedId, hrefFor) {
  if (nodes.length === 0) {
    return '<p class="empty" data-testid="graph-empty">The job has no plan yet.</p>';
  }
  const { pos, width, height } = layout(nodes);
  const edges = [];
  for (const n of nodes) {
    for (const input of n.inputs || []) {
      const from = pos.get(input.id);
      const to = pos.get(n.id);
      if (!from || !to) {
        continue;
      }
      const x1 = from.x + W;
      const y1 = from.y + H / 2;
      const x2 = to.x - 4;
      const y2 = to.y + H / 2;
      const dx = Math.max(30, (x2 - x1) / 2);
      const label = input.ship_strategy || input.exchange || '';
      edges.push(`<g class="edge" data-testid="graph-edge" data-source="${esc(input.id)}" data-target="${esc(n.id)}">
        <path d="M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}" marker-end="url(#arrow)"/>
        ${label ? `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 6}" text-anchor="middle">${esc(label)}</text>` : ''}</g>`);
    }
  }
  const boxes = nodes.map((n) => {
    const p = pos.get(n.id);
    const selected = n.id === selectedId ? ' selected' : '';
    const name = n.name || n.id;
    return `<a href="${esc(hrefFor(n.id))}" class="vertex-link">
      <g class="vertex${selected}" id="vertex-${esc(n.id)}" data-testid="graph-vertex" data-vertex-id="${esc(n.id)}"
         data-records-in="${n.recordsIn ?? ''}" data-records-out="${n.recordsOut ?? ''}"
         data-busy="${n.busy ?? ''}" data-backpressure="${n.backpressure ?? ''}" transform="translate(${p.x},${p.y})">
        <title>${esc(name)}</title>
        <rect width="${W}" height="${H}" rx="6" fill="${busyFill(n.busy)}" stroke="${backpressureStroke(n.backpressureLevel, n.backpressure)}"/>
        <text x="10" y="20" class="vertex-name">${esc(clip(name, 40))}</text>
        <text x="10" y="40">Parallelism: <tspan data-testid="vertex-parallelism">${esc(n.parallelism ?? '-')}</tspan></text>
        <text x="10" y="58">Records in: ${count(n.recordsIn)}  ·  out: ${count(n.recordsOut)}</text>
        <text x="10" y="76">Busy (max): ${percent(n.busy)}</text>
        <text x="10" y="94">Backpressured (max): ${percent(n.backpressure)}</text>
      </g></a>`;
  }).join('');
  return `<svg class="job-graph" data-testid="job-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"
      xmlns="http://www.w3.org/2000/svg" role="img" aria-label="job graph">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill="#6b7788"/></marker></defs>
    ${edges.join('')}${boxes}</svg>
    <div class="legend">Fill: <span class="swatch" style="background:${busyFill(0)}"></span>idle
      <span class="swatch" style="background:${busyFill(0.5)}"></span>
      <span class="swatch" style="background:${busyFill(1)}"></span>busy ·
      Border: <span class="swatch border" style="border-color:${backpressureStroke('ok')}"></span>no back pressure
      <span class="swatch border" style="border-color:${backpressureStroke('low')}"></span>low
      <span class="swatch border" style="border-color:${backpressureStroke('high')}"></span>high</div>`;
}
