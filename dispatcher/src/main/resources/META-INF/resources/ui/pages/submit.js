/**
 * Submit a job as in Flink's UI: upload a jar (POST /jars/upload, multipart field `jarfile`), pick
 * an uploaded jar (GET /jars), give the entry class, parallelism, program arguments and an optional
 * savepoint to resume from, and run it (POST /jars/:jarid/run); on success the job's page opens.
 */
import { get, postForm, send } from '../api.js';
import { esc, time } from '../format.js';

let selectedJar = null;

/** Splits program arguments on whitespace; double or single quotes keep spaces inside one argument. */
export function splitArgs(text) {
  const args = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    args.push(m[1] ?? m[2] ?? m[3]);
  }
  return args;
}

function jarIdOf(uploadAnswer) {
  const name = uploadAnswer.filename || uploadAnswer.id || '';
  return name.split('/').pop();
}

function say(root, text, kind) {
  const el = root.querySelector('#submit-status');
  el.textContent = text;
  el.dataset.kind = kind;
}

export default {
  title() {
    return 'Submit New Job';
  },
  shell() {
    return `<form id="upload-form" class="panel">
        <h3>Upload a Jar</h3>
        <input type="file" id="jar-file" data-testid="jar-file" accept=".jar" required>
        <button type="submit" id="upload-jar" data-testid="upload-jar">Upload</button>
      </form>
      <h3>Uploaded Jars</h3>
      <section data-region="jars"></section>
      <form id="run-form" class="panel">
        <h3>Run</h3>
        <label>Jar <input type="text" id="jar-id" data-testid="jar-id" size="60" required placeholder="select a jar above"></label>
        <label>Entry Class <input type="text" id="entry-class" data-testid="entry-class" size="60" placeholder="the jar's Main-Class if empty"></label>
        <label>Parallelism <input type="number" id="parallelism" data-testid="parallelism" min="1" placeholder="parallelism.default"></label>
        <label>Program Arguments <input type="text" id="program-args" data-testid="program-args" size="60"></label>
        <label>Savepoint Path <input type="text" id="savepoint-path" data-testid="savepoint-path" size="60" placeholder="s3://…/savepoint-…"></label>
        <label><input type="checkbox" id="allow-non-restored" data-testid="allow-non-restored"> Allow non-restored state</label>
        <button type="submit" id="run-job" data-testid="run-job">Submit</button>
      </form>
      <div id="submit-status" data-testid="submit-status" role="status"></div>`;
  },
  async load() {
    return get('/jars');
  },
  regions(answer) {
    const files = (answer.files || []).slice().sort((a, b) => (b.uploaded ?? 0) - (a.uploaded ?? 0));
    if (files.length === 0) {
      return { jars: '<p class="empty" data-testid="jars-empty">No jar uploaded yet.</p>' };
    }
    const rows = files.map((f) => {
      const entry = (f.entry || []).map((e) => e.name).join(', ');
      return `<tr data-testid="jar-row" data-jar-id="${esc(f.id)}">
        <td><button type="button" data-action="select-jar" data-jar-id="${esc(f.id)}" data-entry="${esc((f.entry && f.entry[0] && f.entry[0].name) || '')}">Select</button></td>
        <td>${esc(f.name)}</td><td class="mono">${esc(f.id)}</td><td>${time(f.uploaded)}</td><td class="mono">${esc(entry || '-')}</td></tr>`;
    }).join('');
    return {
      jars: `<table class="grid" id="jars-table" data-testid="jars-table"><thead><tr><th></th><th>Name</th><th>ID</th><th>Uploaded</th><th>Entry Class</th></tr></thead>
        <tbody>${rows}</tbody></table>`,
    };
  },
  bind(root, params, app) {
    const jarId = root.querySelector('#jar-id');
    const entry = root.querySelector('#entry-class');
    if (selectedJar) {
      jarId.value = selectedJar;
    }
    root.addEventListener('click', (event) => {
      const b = event.target.closest('[data-action="select-jar"]');
      if (b) {
        jarId.value = selectedJar = b.dataset.jarId;
        if (!entry.value && b.dataset.entry) {
          entry.value = b.dataset.entry;
        }
      }
    });
    root.querySelector('#upload-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const file = root.querySelector('#jar-file').files[0];
      if (!file) {
        say(root, 'Choose a jar file first.', 'error');
        return;
      }
      const form = new FormData();
      form.append('jarfile', file, file.name);
      say(root, `Uploading ${file.name}…`, 'pending');
      try {
        const answer = await postForm('/jars/upload', form);
        jarId.value = selectedJar = jarIdOf(answer);
        say(root, `Uploaded ${file.name} as ${selectedJar}.`, 'ok');
        app.refresh();
      } catch (e) {
        say(root, `Upload failed: ${e.message || e}`, 'error');
      }
    });
    root.querySelector('#run-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {};
      if (entry.value.trim()) body.entryClass = entry.value.trim();
      const p = root.querySelector('#parallelism').value.trim();
      if (p) body.parallelism = Number(p);
      const args = root.querySelector('#program-args').value;
      if (args.trim()) body.programArgsList = splitArgs(args);
      const sp = root.querySelector('#savepoint-path').value.trim();
      if (sp) {
        body.savepointPath = sp;
        body.allowNonRestoredState = root.querySelector('#allow-non-restored').checked;
      }
      say(root, `Submitting ${jarId.value}…`, 'pending');
      try {
        const answer = await send('POST', `/jars/${encodeURIComponent(jarId.value.trim())}/run`, body);
        say(root, `Submitted job ${answer.jobid}.`, 'ok');
        app.go(`#/jobs/${answer.jobid}`);
      } catch (e) {
        say(root, `Submission failed: ${e.message || e}`, 'error');
      }
    });
  },
};
