/** The cluster overview: TaskManagers, slots, job counts (GET /overview) and the job lists. */
import { get } from '../api.js';
import { esc } from '../format.js';
import { completed, jobsTable, loadJobs, running } from './joblist.js';

function card(id, label, value) {
  return `<div class="card" id="${id}" data-testid="${id}"><div class="card-value">${esc(value ?? '-')}</div><div class="card-label">${esc(label)}</div></div>`;
}

export default {
  title() {
    return 'Overview';
  },
  shell() {
    return `<section class="cards" data-region="cards"></section>
      <h2>Running Jobs</h2><section data-region="running"></section>
      <h2>Completed Jobs</h2><section data-region="completed"></section>`;
  },
  async load() {
    const [overview, jobs] = await Promise.all([get('/overview'), loadJobs()]);
    return { overview, jobs };
  },
  regions({ overview, jobs }) {
    const o = overview;
    return {
      cards: card('overview-taskmanagers', 'Task Managers', o.taskmanagers)
        + card('overview-slots-total', 'Total Task Slots', o['slots-total'])
        + card('overview-slots-available', 'Available Task Slots', o['slots-available'])
        + card('overview-jobs-running', 'Running Jobs', o['jobs-running'])
        + card('overview-jobs-finished', 'Finished Jobs', o['jobs-finished'])
        + card('overview-jobs-cancelled', 'Canceled Jobs', o['jobs-cancelled'])
        + card('overview-jobs-failed', 'Failed Jobs', o['jobs-failed']),
      running: jobsTable(running(jobs), 'running-jobs', 'No running jobs.'),
      completed: jobsTable(completed(jobs), 'completed-jobs', 'No completed jobs.'),
    };
  },
};
