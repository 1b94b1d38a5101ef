/**
 * The job lists (running and completed), from GET /jobs/overview; each job's parallelism (the
 * highest of its vertices) from GET /jobs/:jobid, fetched again for live jobs only.
 */
import { get, optional } from '../api.js';
import { badge, duration, esc, isTerminal, time } from '../format.js';

const MAX_DETAILS_PER_POLL = 50;
const parallelismOfTerminalJobs = new Map();

function parallelismOf(details) {
  if (!details) {
    return null;
  }
  if (Array.isArray(details.vertices) && details.vertices.length > 0) {
    return Math.max(...details.vertices.map((v) => v.parallelism ?? 0));
  }
  return details.parallelism ?? null;
}

/** Every job of /jobs/overview, newest first, each with `parallelism` (null when unknown). */
export async function loadJobs() {
  const overview = await get('/jobs/overview');
  const list = (overview.jobs || []).slice().sort((a, b) => (b['start-time'] ?? 0) - (a['start-time'] ?? 0));
  let fetched = 0;
  await Promise.all(list.map(async (job) => {
    if (parallelismOfTerminalJobs.has(job.jid)) {
      job.parallelism = parallelismOfTerminalJobs.get(job.jid);
      return;
    }
    if (fetched++ >= MAX_DETAILS_PER_POLL) {
      job.parallelism = null;
      return;
    }
    const details = await optional(`/jobs/${encodeURIComponent(job.jid)}`);
    job.parallelism = parallelismOf(details);
    if (isTerminal(job.state) && job.parallelism !== null) {
      parallelismOfTerminalJobs.set(job.jid, job.parallelism);
    }
  }));
  return list;
}

/** Jobs that are not globally terminal. */
export function running(jobs) {
  return jobs.filter((j) => !isTerminal(j.state));
}

/** Jobs that are FINISHED, CANCELED or FAILED. */
export function completed(jobs) {
  return jobs.filter((j) => isTerminal(j.state));
}

function tasksCell(tasks) {
  if (!tasks) {
    return '-';
  }
  const total = tasks.total ?? Object.values(tasks).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);
  const parts = ['running', 'finished', 'canceled', 'failed']
    .filter((k) => tasks[k] > 0)
    .map((k) => `<span class="task-count state-${k}" title="${k}">${tasks[k]}</span>`);
  return `${parts.join(' ')} <span class="muted">/ ${total}</span>`;
}

/** A table of jobs; each row links to the job's page. */
export function jobsTable(jobs, testId, emptyText) {
  if (jobs.length === 0) {
    return `<p class="empty" data-testid="${testId}-empty">${esc(emptyText)}</p>`;
  }
  const rows = jobs.map((j) => `
    <tr data-testid="job-row" data-job-id="${esc(j.jid)}" data-state="${esc(j.state)}">
      <td><a href="#/jobs/${esc(j.jid)}" data-testid="job-link">${esc(j.name)}</a><div class="muted mono">${esc(j.jid)}</div></td>
      <td>${badge(j.state)}</td>
      <td data-testid="job-start">${time(j['start-time'])}</td>
      <td data-testid="job-duration">${duration(j.duration)}</td>
      <td data-testid="job-end">${time(j['end-time'])}</td>
      <td data-testid="job-parallelism">${j.parallelism ?? '-'}</td>
      <td>${tasksCell(j.tasks)}</td>
    </tr>`).join('');
  return `<table class="grid" data-testid="${testId}" id="${testId}">
    <thead><tr><th>Job</th><th>Status</th><th>Start Time</th><th>Duration</th><th>End Time</th><th>Parallelism</th><th>Tasks</th></tr></thead>
    <tbody>${rows}</tbody></table>`;
}
