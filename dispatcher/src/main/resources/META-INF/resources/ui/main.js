/**
 * The single-page application: hash routing, polling every 2 s, and the unreachable-dispatcher banner.
 *
 * Each page module exports { title(params), shell(params), load(params), regions(data, params),
 * bind?(root, params, app) }: the shell is rendered once per route; every poll loads the page's
 * data and re-renders only the regions (`[data-region=name]`) whose HTML changed, so that forms,
 * selections and focus survive the refresh. When a poll fails the last data stays on screen and a
 * banner says why; the next successful poll removes it.
 */
import { ApiError, dispatcherName } from './api.js';
import { esc, time } from './format.js';
import overview from './pages/overview.js';
import jobs from './pages/jobs.js';
import job from './pages/job.js';
import taskmanagers from './pages/taskmanagers.js';
import submit from './pages/submit.js';

export const POLL_INTERVAL_MS = 2000;

const content = document.getElementById('content');
const banner = document.getElementById('error-banner');
const title = document.getElementById('page-title');
const lastUpdated = document.getElementById('last-updated');

/** The route of a hash: the page module, its parameters, and the nav entry to highlight. */
function route(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p.length > 0).map(decodeURIComponent);
  if (parts[0] === 'jobs' && parts[1] === 'running') {
    return { page: jobs, params: { which: 'running' }, nav: 'nav-running' };
  }
  if (parts[0] === 'jobs' && parts[1] === 'completed') {
    return { page: jobs, params: { which: 'completed' }, nav: 'nav-completed' };
  }
  if (parts[0] === 'jobs' && parts[1]) {
    const params = { jobId: parts[1], tab: 'overview', vertexId: null };
    if (parts[2] === 'vertices' && parts[3]) {
      params.vertexId = parts[3];
    } else if (parts[2]) {
      params.tab = parts[2];
    }
    return { page: job, params, nav: 'nav-running' };
  }
  if (parts[0] === 'taskmanagers') {
    return { page: taskmanagers, params: {}, nav: 'nav-taskmanagers' };
  }
  if (parts[0] === 'submit') {
    return { page: submit, params: {}, nav: 'nav-submit' };
  }
  return { page: overview, params: {}, nav: 'nav-overview' };
}

let current = null; // { page, params, key, regionsHtml, hasData }
let generation = 0;
let timer = null;
let lastSuccess = null;

function showError(error) {
  const when = lastSuccess ? `Showing the data of ${time(lastSuccess)}.` : 'No data yet.';
  let text;
  if (error instanceof ApiError && error.kind === 'unreachable') {
    text = `The dispatcher is unreachable: ${error.message}. ${when} Retrying every ${POLL_INTERVAL_MS / 1000} s.`;
    banner.dataset.kind = 'unreachable';
  } else if (error instanceof ApiError) {
    text = `The dispatcher answered with an error: ${error.message}. ${when} Retrying every ${POLL_INTERVAL_MS / 1000} s.`;
    banner.dataset.kind = 'http';
  } else {
    text = `The page failed to render: ${error && error.message ? error.message : error}. ${when}`;
    banner.dataset.kind = 'ui';
    console.error(error);
  }
  banner.textContent = text;
  banner.hidden = false;
  document.body.classList.add('stale');
}

function clearError() {
  banner.hidden = true;
  banner.textContent = '';
  delete banner.dataset.kind;
  document.body.classList.remove('stale');
}

function renderRegions(html) {
  for (const [name, markup] of Object.entries(html)) {
    if (current.regionsHtml[name] === markup) {
      continue;
    }
    const el = current.root.querySelector(`[data-region="${name}"]`);
    if (el) {
      el.innerHTML = markup;
      current.regionsHtml[name] = markup;
    }
  }
}

let inFlight = false;
let again = false;

/** Loads the current page's data and renders it; schedules the next poll (one poll at a time). */
async function poll() {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  clearTimeout(timer);
  const gen = generation;
  const { page, params } = current;
  try {
    const data = await page.load(params);
    if (gen === generation) {
      renderRegions(page.regions(data, params));
      current.hasData = true;
      lastSuccess = Date.now();
      lastUpdated.textContent = `Updated ${time(lastSuccess)}`;
      clearError();
    }
  } catch (e) {
    if (gen === generation) {
      showError(e);
      if (!current.hasData) {
        for (const el of current.root.querySelectorAll('[data-region]')) {
          el.innerHTML = `<p class="empty" data-testid="no-data">No data: ${esc(e.message || e)}</p>`;
        }
      }
    }
  } finally {
    inFlight = false;
  }
  if (again || gen !== generation) {
    again = false;
    poll();
  } else {
    timer = setTimeout(poll, POLL_INTERVAL_MS);
  }
}

/** Renders the page of the current hash and starts polling it. */
function navigate() {
  const r = route(window.location.hash);
  generation++;
  clearTimeout(timer);
  current = { page: r.page, params: r.params, regionsHtml: {}, hasData: false };
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.id === r.nav);
  }
  title.textContent = r.page.title(r.params);
  // a fresh root per route: listeners that a page binds die with it
  const root = document.createElement('div');
  root.className = 'page';
  root.innerHTML = r.page.shell(r.params);
  content.replaceChildren(root);
  current.root = root;
  for (const el of root.querySelectorAll('[data-region]')) {
    el.innerHTML = '<p class="empty">Loading…</p>';
  }
  if (r.page.bind) {
    r.page.bind(root, r.params, app);
  }
  poll();
}

/** What pages may call: refresh now, go to a hash, where the dispatcher is. */
const app = {
  refresh() {
    if (current) {
      poll();
    }
  },
  go(hash) {
    window.location.hash = hash;
  },
  dispatcherName,
};

window.addEventListener('hashchange', navigate);
navigate();
