/** The running or the completed jobs (route params.which). */
import { completed, jobsTable, loadJobs, running } from './joblist.js';

export default {
  title(params) {
    return params.which === 'running' ? 'Running Jobs' : 'Completed Jobs';
  },
  shell() {
    return '<section data-region="jobs"></section>';
  },
  async load() {
    return loadJobs();
  },
  regions(jobs, params) {
    return {
      jobs: params.which === 'running'
        ? jobsTable(running(jobs), 'running-jobs', 'No running jobs.')
        : jobsTable(completed(jobs), 'completed-jobs', 'No completed jobs.'),
    };
  },
};
