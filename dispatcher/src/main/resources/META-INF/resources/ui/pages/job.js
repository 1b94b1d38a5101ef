/**
 * A job's page (#/jobs/<id>[/<tab>] or #/jobs/<id>/vertices/<vertex id>): header with state and
 * times, the control buttons (cancel, savepoint, stop with savepoint), and the tabs Overview (job
 * graph, vertices, the subtasks of the selected vertex), Exceptions, Checkpoints, Configuration.
 */
import { get, optional, send } from '../api.js';
import { badge, bytes, count, duration, esc, isTerminal, percent, time } from '../format.js';
import { renderGraph } from '../graph.js';

const TABS = [['overview', 'Overview'], ['exceptions', 'Exceptions'], ['checkpoints', 'Checkpoints'], ['config', 'Configuration']];
const SAVEPOINT_POLL_MS = 1000;
const SAVEPOINT_WAIT_MS = 10 * 60 * 1000;
const plans = new Map(); // job id → plan (a job's plan does not change)

function enc(id) {
  return encodeURIComponent(id);
}

function maxOf(values) {
  const known = values.filter((v) => typeof v === 'number' && !Number.isNaN(v));
  return known.length ? Math.max(...known) : null;
}

function backpressureLevel(info) {
  return info ? (info['backpressure-level'] ?? info.backpressureLevel ?? null) : null;
}

async function loadPlan(jobId, details) {
  if (details.plan && Array.isArray(details.plan.nodes)) {
    plans.set(jobId, details.plan);
  }
  if (!plans.has(jobId)) {
    const answer = await optional(`/jobs/${enc(jobId)}/plan`);
    if (answer && answer.plan && Array.isArray(answer.plan.nodes)) {
      plans.set(jobId, answer.plan);
    }
  }
  return plans.get(jobId) || null;
}

async function loadOverview(jobId, details, params, data) {
  const vertices = details.vertices || [];
  const live = !isTerminal(details.state);
  const pressures = await Promise.all(vertices.map((v) => (live
    ? optional(`/jobs/${enc(jobId)}/vertices/${enc(v.id)}/backpressure`) : Promise.resolve(null))));
  data.backpressure = new Map(vertices.map((v, i) => [v.id, pressures[i]]));
  data.selectedId = params.vertexId || (vertices[0] && vertices[0].id) || null;
  data.vertex = data.selectedId ? await optional(`/jobs/${enc(jobId)}/vertices/${enc(data.selectedId)}`) : null;
}

function header(d) {
  const counts = d['status-counts'] || {};
  const tasks = Object.entries(counts).filter(([, n]) => n > 0).map(([s, n]) => `<span class="task-count state-${esc(s.toLowerCase())}">${esc(s)} ${n}</span>`).join(' ');
  return `<div class="job-header">
      <h2 id="job-name" data-testid="job-name">${esc(d.name)}</h2>
      <span id="job-state" data-testid="job-state" data-state="${esc(d.state)}">${badge(d.state)}</span>
    </div>
    <dl class="facts">
      <dt>Job ID</dt><dd class="mono" id="job-id" data-testid="job-id">${esc(d.jid)}</dd>
      <dt>Start Time</dt><dd>${time(d['start-time'])}</dd>
      <dt>End Time</dt><dd>${time(d['end-time'])}</dd>
      <dt>Duration</dt><dd>${duration(d.duration)}</dd>
      <dt>Tasks</dt><dd>${tasks || '-'}</dd>
    </dl>`;
}

function actionButtons(d) {
  const off = isTerminal(d.state) ? ' disabled' : '';
  return `<button type="button" id="cancel-job" data-testid="cancel-job" data-action="cancel"${off}>Cancel Job</button>
    <button type="button" id="trigger-savepoint" data-testid="trigger-savepoint" data-action="savepoint"${off}>Trigger Savepoint</button>
    <button type="button" id="stop-job" data-testid="stop-job" data-action="stop"${off}>Stop with Savepoint</button>`;
}

function graphNodes(plan, details, backpressure) {
  const byId = new Map((details.vertices || []).map((v) => [v.id, v]));
  const planNodes = plan ? plan.nodes : (details.vertices || []).map((v) => ({ id: v.id, inputs: [] }));
  return planNodes.map((n) => {
    const v = byId.get(n.id) || {};
    const m = v.metrics || {};
    const bp = backpressure.get(n.id);
    const subtasks = bp && Array.isArray(bp.subtasks) ? bp.subtasks : [];
    return {
      id: n.id,
      name: v.name || n.description || n.operator || n.id,
      parallelism: v.parallelism ?? n.parallelism,
      inputs: n.inputs || [],
      recordsIn: m['read-records'],
      recordsOut: m['write-records'],
      busy: maxOf(subtasks.map((s) => s.busyRatio)),
      backpressure: maxOf(subtasks.map((s) => s.ratio)),
      backpressureLevel: backpressureLevel(bp),
    };
  });
}

function verticesTable(details, backpressure, selectedId) {
  const rows = (details.vertices || []).map((v) => {
    const m = v.metrics || {};
    const bp = backpressure.get(v.id);
    const subtasks = bp && Array.isArray(bp.subtasks) ? bp.subtasks : [];
    const selected = v.id === selectedId ? ' class="selected"' : '';
    return `<tr${selected} data-testid="vertex-row" data-vertex-id="${esc(v.id)}">
      <td><a href="#/jobs/${esc(details.jid)}/vertices/${esc(v.id)}">${esc(v.name)}</a></td>
      <td>${badge(v.status)}</td>
      <td>${v.parallelism ?? '-'}</td>
      <td>${count(m['read-records'])}</td><td>${count(m['write-records'])}</td>
      <td>${bytes(m['read-bytes'])}</td><td>${bytes(m['write-bytes'])}</td>
      <td>${percent(maxOf(subtasks.map((s) => s.busyRatio)))}</td>
      <td>${percent(maxOf(subtasks.map((s) => s.ratio)))}</td>
      <td>${time(v['start-time'])}</td><td>${duration(v.duration)}</td>
    </tr>`;
  }).join('');
  return `<table class="grid" id="vertices-table" data-testid="vertices-table">
    <thead><tr><th>Name</th><th>Status</th><th>Parallelism</th><th>Records Received</th><th>Records Sent</th>
      <th>Bytes Received</th><th>Bytes Sent</th><th>Busy (max)</th><th>Backpressured (max)</th><th>Start Time</th><th>Duration</th></tr></thead>
    <tbody>${rows}</tbody></table>`;
}

function subtasksTable(vertex, bp) {
  if (!vertex) {
    return '<p class="empty">Select a vertex in the graph to see its subtasks.</p>';
  }
  const pressure = new Map((bp && Array.isArray(bp.subtasks) ? bp.subtasks : []).map((s) => [s.subtask, s]));
  const rows = (vertex.subtasks || []).map((s) => {
    const m = s.metrics || {};
    const p = pressure.get(s.subtask) || {};
    return `<tr data-testid="subtask-row" data-subtask="${esc(s.subtask)}">
      <td>${esc(s.subtask)}</td><td>${badge(s.status)}</td><td>${esc(s.attempt ?? '-')}</td>
      <td class="mono">${esc(s.endpoint ?? s.host ?? '-')}</td><td class="mono">${esc(s['taskmanager-id'] ?? '-')}</td>
      <td>${count(m['read-records'])}</td><td>${count(m['write-records'])}</td>
      <td>${percent(p.busyRatio)}</td><td>${percent(p.ratio)}</td>
      <td>${time(s['start-time'])}</td><td>${duration(s.duration)}</td>
    </tr>`;
  }).join('');
  return `<h3>Subtasks of <span data-testid="subtasks-vertex-name">${esc(vertex.name)}</span></h3>
    <table class="grid" id="subtasks-table" data-testid="subtasks-table">
    <thead><tr><th>Subtask</th><th>Status</th><th>Attempt</th><th>Endpoint</th><th>TaskManager</th><th>Records Received</th>
      <th>Records Sent</th><th>Busy</th><th>Backpressured</th><th>Start Time</th><th>Duration</th></tr></thead>
    <tbody>${rows}</tbody></table>`;
}

function overviewTab(data) {
  const { details, plan, backpressure, selectedId, vertex } = data;
  const nodes = graphNodes(plan, details, backpressure);
  return `<div class="graph-wrap" id="job-graph">${renderGraph(nodes, selectedId, (id) => `#/jobs/${details.jid}/vertices/${id}`)}</div>
    ${verticesTable(details, backpressure, selectedId)}
    <div id="subtasks">${subtasksTable(vertex, backpressure.get(selectedId))}</div>`;
}

function checkpointSize(c) {
  return c.checkpointed_size ?? c.state_size;
}

function latestBox(id, label, c, failed) {
  if (!c) {
    return `<div class="latest" id="${id}" data-testid="${id}"><h4>${label}</h4><p class="muted">None.</p></div>`;
  }
  const facts = failed
    ? `<dt>Failure Time</dt><dd>${time(c.failure_timestamp)}</dd><dt>Cause</dt><dd data-testid="failure-message">${esc(c.failure_message ?? '-')}</dd>`
    : `<dt>Completed</dt><dd>${time(c.latest_ack_timestamp)}</dd><dt>Duration</dt><dd>${duration(c.end_to_end_duration)}</dd>
       <dt>Size</dt><dd>${bytes(checkpointSize(c))}</dd><dt>Path</dt><dd class="mono">${esc(c.external_path ?? '-')}</dd>`;
  return `<div class="latest" id="${id}" data-testid="${id}" data-checkpoint-id="${esc(c.id)}"><h4>${label}</h4>
    <dl class="facts"><dt>ID</dt><dd>${esc(c.id)}</dd><dt>Trigger Time</dt><dd>${time(c.trigger_timestamp)}</dd>${facts}</dl></div>`;
}

function checkpointsTab(data) {
  const cp = data.checkpoints || {};
  const counts = cp.counts || {};
  const latest = cp.latest || {};
  const history = (cp.history || []).slice().sort((a, b) => b.id - a.id);
  const rows = history.map((c) => `<tr data-testid="checkpoint-row" data-checkpoint-id="${esc(c.id)}" data-status="${esc(c.status)}">
      <td>${esc(c.id)}</td><td>${badge(c.status)}</td><td>${c.is_savepoint ? 'Savepoint' : 'Checkpoint'}${c.checkpoint_type && c.checkpoint_type !== 'CHECKPOINT' ? ` <span class="muted">${esc(c.checkpoint_type)}</span>` : ''}</td>
      <td>${time(c.trigger_timestamp)}</td><td>${time(c.latest_ack_timestamp)}</td>
      <td>${duration(c.end_to_end_duration)}</td><td>${bytes(checkpointSize(c))}</td>
      <td>${esc(c.num_acknowledged_subtasks ?? '-')}/${esc(c.num_subtasks ?? '-')}</td>
      <td class="mono path">${esc(c.status === 'FAILED' ? (c.failure_message ?? '') : (c.external_path ?? ''))}</td></tr>`).join('');
  const cfgRows = plainRows(data.checkpointConfig);
  return `<div class="cards" data-testid="checkpoint-counts" id="checkpoint-counts">
      ${['completed', 'in_progress', 'failed', 'restored', 'total'].map((k) => `<div class="card" data-testid="checkpoints-${k}"><div class="card-value">${esc(counts[k] ?? '-')}</div><div class="card-label">${esc(k.replace('_', ' '))}</div></div>`).join('')}
    </div>
    <div class="latest-row">
      ${latestBox('latest-completed', 'Latest Completed Checkpoint', latest.completed, false)}
      ${latestBox('latest-failed', 'Latest Failed Checkpoint', latest.failed, true)}
      ${latestBox('latest-savepoint', 'Latest Savepoint', latest.savepoint, false)}
    </div>
    <h3>History</h3>
    ${rows ? `<table class="grid" id="checkpoint-history" data-testid="checkpoint-history">
      <thead><tr><th>ID</th><th>Status</th><th>Type</th><th>Trigger Time</th><th>Latest Acknowledgement</th><th>End to End Duration</th>
        <th>Checkpointed Data Size</th><th>Acknowledged</th><th>Path / Cause</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p class="empty" data-testid="checkpoint-history-empty">No checkpoints yet.</p>'}
    ${cfgRows ? `<h3>Checkpointing Configuration</h3><table class="grid" data-testid="checkpoint-config"><tbody>${cfgRows}</tbody></table>` : ''}`;
}

function exceptionsTab(data) {
  const ex = data.exceptions || {};
  const entries = (ex.exceptionHistory && ex.exceptionHistory.entries) || [];
  const root = ex['root-exception'];
  const history = entries.map((e) => `<details class="exception" data-testid="exception-entry">
      <summary>${time(e.timestamp)} · <strong>${esc(e.exceptionName)}</strong>${e.taskName ? ` · ${esc(e.taskName)}` : ''}${e.location || e.endpoint ? ` · <span class="mono">${esc(e.location || e.endpoint)}</span>` : ''}</summary>
      <pre>${esc(e.stacktrace)}</pre></details>`).join('');
  return `<h3>Root Exception</h3>
    ${root ? `<div id="root-exception" data-testid="root-exception"><p class="muted">${time(ex.timestamp)}</p><pre>${esc(root)}</pre></div>`
      : '<p class="empty" id="root-exception" data-testid="root-exception-none">No exception: the job has not failed.</p>'}
    <h3>Exception History</h3>
    ${history || '<p class="empty">No exceptions.</p>'}`;
}

function plainRows(object) {
  return Object.entries(object || {}).filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td class="mono">${esc(v)}</td></tr>`).join('');
}

function configTab(data) {
  const d = data.details;
  const cfg = data.config;
  const exec = (cfg && cfg['execution-config']) || {};
  const user = exec['user-config'] || {};
  const userRows = Object.keys(user).sort().map((k) => `<tr data-testid="config-row" data-key="${esc(k)}"><td class="mono">${esc(k)}</td><td class="mono">${esc(user[k])}</td></tr>`).join('');
  const checkpointing = plainRows(data.checkpointConfig);
  return `<h3>Job</h3>
    <table class="grid" id="execution-config" data-testid="execution-config"><tbody>
      <tr><td>Job ID</td><td class="mono">${esc(d.jid)}</td></tr><tr><td>Name</td><td>${esc(d.name)}</td></tr>
      ${d.maxParallelism ? `<tr><td>Max Parallelism</td><td>${esc(d.maxParallelism)}</td></tr>` : ''}${plainRows(exec)}</tbody></table>
    ${cfg ? `<h3>User Configuration</h3>
      ${userRows ? `<table class="grid" id="user-config" data-testid="user-config"><thead><tr><th>Key</th><th>Value</th></tr></thead><tbody>${userRows}</tbody></table>`
        : '<p class="empty">No user configuration.</p>'}`
      : `<p class="empty" data-testid="job-config-unavailable">This dispatcher does not serve the job's configuration (GET /jobs/${esc(d.jid)}/config).</p>`}
    ${checkpointing ? `<h3>Checkpointing</h3><table class="grid" data-testid="checkpoint-config"><tbody>${checkpointing}</tbody></table>` : ''}`;
}

function status(root, text, kind) {
  const el = root.querySelector('#action-status');
  el.textContent = text;
  el.dataset.kind = kind;
}

/** Polls an asynchronous savepoint operation (Flink's request id) until it completes or fails. */
async function followSavepoint(root, jobId, requestId, what) {
  const deadline = Date.now() + SAVEPOINT_WAIT_MS;
  while (Date.now() < deadline) {
    const s = await get(`/jobs/${enc(jobId)}/savepoints/${enc(requestId)}`);
    if (s.status && s.status.id === 'COMPLETED') {
      const op = s.operation || {};
      if (op['failure-cause']) {
        const cause = op['failure-cause'];
        const message = typeof cause === 'string' ? cause : (cause['stack-trace'] || cause.message || cause.class || JSON.stringify(cause));
        status(root, `${what} failed: ${String(message).split('\n')[0]}`, 'error');
      } else {
        status(root, `${what} completed: ${op.location ?? '(no location)'}`, 'ok');
      }
      return;
    }
    status(root, `${what} in progress (request ${requestId})…`, 'pending');
    await new Promise((r) => setTimeout(r, SAVEPOINT_POLL_MS));
  }
  status(root, `${what} did not complete within ${SAVEPOINT_WAIT_MS / 60000} minutes (request ${requestId}).`, 'error');
}

export default {
  title() {
    return 'Job';
  },
  shell(params) {
    const base = `#/jobs/${esc(params.jobId)}`;
    const tabs = TABS.map(([id, label]) => `<a href="${base}${id === 'overview' ? '' : '/' + id}" id="tab-${id}" data-testid="tab-${id}"
      class="${params.tab === id ? 'active' : ''}">${label}</a>`).join('');
    return `<section data-region="header"></section>
      <div class="actions">
        <span data-region="buttons"></span>
        <span id="cancel-confirm-box" data-testid="cancel-confirm-box" hidden>Cancel this job?
          <button type="button" id="cancel-confirm" data-testid="cancel-confirm" data-action="cancel-confirm" class="danger">Yes, cancel</button>
          <button type="button" id="cancel-abort" data-testid="cancel-abort" data-action="cancel-abort">No</button></span>
        <label>Savepoint directory <input type="text" id="savepoint-dir" data-testid="savepoint-dir" placeholder="default: execution.checkpointing.savepoint-dir" size="40"></label>
        <label><input type="checkbox" id="stop-drain" data-testid="stop-drain"> drain</label>
        <div id="action-status" data-testid="action-status" role="status"></div>
      </div>
      <nav class="tabs" id="job-tabs">${tabs}</nav>
      <section data-region="body" id="tab-${esc(params.tab)}-content" data-testid="tab-content"></section>`;
  },
  async load(params) {
    const jobId = params.jobId;
    const details = await get(`/jobs/${enc(jobId)}`);
    const data = { details, plan: await loadPlan(jobId, details) };
    switch (params.tab) {
      case 'checkpoints':
        [data.checkpoints, data.checkpointConfig] = await Promise.all([
          get(`/jobs/${enc(jobId)}/checkpoints`), optional(`/jobs/${enc(jobId)}/checkpoints/config`)]);
        break;
      case 'exceptions':
        data.exceptions = await get(`/jobs/${enc(jobId)}/exceptions`);
        break;
      case 'config':
        [data.config, data.checkpointConfig] = await Promise.all([
          optional(`/jobs/${enc(jobId)}/config`), optional(`/jobs/${enc(jobId)}/checkpoints/config`)]);
        break;
      default:
        await loadOverview(jobId, details, params, data);
    }
    return data;
  },
  regions(data, params) {
    let body;
    switch (params.tab) {
      case 'checkpoints': body = checkpointsTab(data); break;
      case 'exceptions': body = exceptionsTab(data); break;
      case 'config': body = configTab(data); break;
      case 'overview': body = overviewTab(data); break;
      default: body = `<p class="empty">No tab '${esc(params.tab)}'.</p>`;
    }
    return { header: header(data.details), buttons: actionButtons(data.details), body };
  },
  bind(root, params, app) {
    const jobId = params.jobId;
    const confirmBox = root.querySelector('#cancel-confirm-box');
    const dir = () => root.querySelector('#savepoint-dir').value.trim() || null;
    root.addEventListener('click', async (event) => {
      const button = event.target.closest('[data-action]');
      if (!button) {
        return;
      }
      const action = button.dataset.action;
      try {
        if (action === 'cancel') {
          confirmBox.hidden = false;
        } else if (action === 'cancel-abort') {
          confirmBox.hidden = true;
        } else if (action === 'cancel-confirm') {
          confirmBox.hidden = true;
          status(root, `Cancelling job ${jobId}…`, 'pending');
          await send('PATCH', `/jobs/${enc(jobId)}?mode=cancel`);
          status(root, `Cancellation of job ${jobId} requested.`, 'ok');
          app.refresh();
        } else if (action === 'savepoint') {
          status(root, 'Triggering a savepoint…', 'pending');
          const r = await send('POST', `/jobs/${enc(jobId)}/savepoints`, { 'target-directory': dir(), 'cancel-job': false });
          await followSavepoint(root, jobId, r['request-id'], 'Savepoint');
          app.refresh();
        } else if (action === 'stop') {
          const drain = root.querySelector('#stop-drain').checked;
          status(root, `Stopping job ${jobId} with a savepoint${drain ? ' (drain)' : ''}…`, 'pending');
          const r = await send('POST', `/jobs/${enc(jobId)}/stop`, { targetDirectory: dir(), drain });
          await followSavepoint(root, jobId, r['request-id'], 'Stop with savepoint');
          app.refresh();
        }
      } catch (e) {
        status(root, `Failed: ${e.message || e}`, 'error');
      }
    });
  },
};
