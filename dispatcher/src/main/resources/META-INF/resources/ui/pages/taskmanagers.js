/** The TaskManagers (GET /taskmanagers): address, slots, memory and the age of the last heartbeat. */
import { get } from '../api.js';
import { bytes, duration, esc } from '../format.js';

/**
 * Flink's `timeSinceLastHeartbeat` is, despite its name, the time of the last heartbeat (epoch
 * milliseconds); a small value is taken as an age already.
 */
export function heartbeatAge(value, now) {
  if (value === undefined || value === null || value < 0) {
    return null;
  }
  return value > 1e12 ? Math.max(0, now - value) : value;
}

function memory(tm) {
  const h = tm.hardware || {};
  const m = tm.memoryConfiguration || {};
  const parts = [];
  if (h.physicalMemory > 0) parts.push(`physical ${bytes(h.physicalMemory)}`);
  if (h.freeMemory > 0) parts.push(`JVM heap ${bytes(h.freeMemory)}`);
  if (m.taskHeap > 0) parts.push(`task heap ${bytes(m.taskHeap)}`);
  if (h.managedMemory > 0) parts.push(`managed ${bytes(h.managedMemory)}`);
  return parts.length ? parts.join(', ') : '-';
}

export default {
  title() {
    return 'Task Managers';
  },
  shell() {
    return '<section data-region="taskmanagers"></section>';
  },
  async load() {
    const answer = await get('/taskmanagers');
    return { taskmanagers: answer.taskmanagers || [], now: Date.now() };
  },
  regions({ taskmanagers, now }) {
    if (taskmanagers.length === 0) {
      return { taskmanagers: '<p class="empty" data-testid="taskmanagers-empty">No TaskManager is registered.</p>' };
    }
    const rows = taskmanagers.map((tm) => {
      const age = heartbeatAge(tm.timeSinceLastHeartbeat, now);
      return `<tr data-testid="taskmanager-row" data-taskmanager-id="${esc(tm.id)}">
        <td class="mono">${esc(tm.id)}</td>
        <td class="mono">${esc(tm.path ?? '-')}${tm.dataPort ? ` <span class="muted">data ${esc(tm.dataPort)}</span>` : ''}</td>
        <td data-testid="tm-slots-total">${esc(tm.slotsNumber ?? '-')}</td>
        <td data-testid="tm-slots-free">${esc(tm.freeSlots ?? '-')}</td>
        <td>${esc(tm.hardware && tm.hardware.cpuCores ? tm.hardware.cpuCores : '-')}</td>
        <td>${esc(memory(tm))}</td>
        <td data-testid="tm-heartbeat-age">${age === null ? '-' : duration(age)}</td>
      </tr>`;
    }).join('');
    return {
      taskmanagers: `<table class="grid" id="taskmanagers-table" data-testid="taskmanagers-table">
        <thead><tr><th>ID</th><th>Address</th><th>Slots</th><th>Free Slots</th><th>CPU Cores</th><th>Memory</th><th>Last Heartbeat</th></tr></thead>
        <tbody>${rows}</tbody></table>`,
    };
  },
};
