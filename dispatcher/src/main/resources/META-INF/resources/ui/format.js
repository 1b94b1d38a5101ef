/** Formatting and escaping shared by the pages. */

/** Escapes text for HTML (element content and attribute values). */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** Epoch milliseconds as local `YYYY-MM-DD HH:MM:SS`; '-' for missing or negative values (Flink's -1). */
export function time(ms) {
  if (ms === undefined || ms === null || ms < 0) {
    return '-';
  }
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration in milliseconds as `1h 2m 3s` (`850ms` below a second); '-' when unknown. */
export function duration(ms) {
  if (ms === undefined || ms === null || ms < 0) {
    return '-';
  }
  if (ms < 1000) {
    return `${Math.round(ms)}ms`;
  }
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [];
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  parts.push(`${s}s`);
  return parts.slice(0, 3).join(' ');
}

/** Bytes as B, KB, MB, GB (base 1024); '-' when unknown. */
export function bytes(n) {
  if (n === undefined || n === null || n < 0) {
    return '-';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** A count with thousands separators; '-' when unknown. */
export function count(n) {
  if (n === undefined || n === null || n < 0) {
    return '-';
  }
  return Number(n).toLocaleString('en-US');
}

/** A ratio 0..1 as a percentage; '-' when unknown. */
export function percent(r) {
  if (r === undefined || r === null || Number.isNaN(r)) {
    return '-';
  }
  return `${Math.round(r * 100)}%`;
}

const TERMINAL = new Set(['FINISHED', 'CANCELED', 'FAILED']);

/** Whether a job state is globally terminal (Flink's FINISHED, CANCELED, FAILED). */
export function isTerminal(state) {
  return TERMINAL.has(state);
}

/** A state as a coloured badge. */
export function badge(state) {
  const s = esc(state || 'UNKNOWN');
  return `<span class="badge state-${s.toLowerCase()}" data-testid="state">${s}</span>`;
}
