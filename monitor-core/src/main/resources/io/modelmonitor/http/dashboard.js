// ModelMonitor dashboard: polls the JSON API and draws it with Chart.js.
// Every value from the API reaches the page through textContent or Chart.js (which draws text
// on a canvas), never as markup. A bearer token is read from the URL fragment
// (#token=...) and sent as an Authorization header; fragments never leave the browser.
'use strict';

(function () {
  const REFRESH_MS = 5000;
  const HISTORY = 120; // points kept per time series, client-side
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
  const STATUS_COLORS = { NO_DATA: '#9e9e9e', OK: '#2e7d32', WARN: '#f9a825', ALERT: '#c62828' };

  const errorsEl = document.getElementById('errors');
  function reportError(message) {
    errorsEl.textContent += String(message) + '\n';
  }
  window.addEventListener('error', (e) => reportError('error: ' + e.message));
  window.addEventListener('unhandledrejection', (e) => reportError('error: ' + e.reason));
  document.addEventListener('securitypolicyviolation',
      (e) => reportError('content security policy blocked ' + e.blockedURI));
  const consoleError = console.error.bind(console);
  console.error = function (...args) {
    reportError(args.map(String).join(' '));
    consoleError(...args);
  };

  if (typeof Chart === 'undefined') {
    reportError('Chart.js did not load');
    return;
  }

  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (token && history.replaceState) { // keep the token out of the address bar and history
    history.replaceState(null, '', location.pathname + location.search);
  }
  const modelSelect = document.getElementById('model');
  const statusEl = document.getElementById('status');

  async function getJson(path) {
    const headers = { Accept: 'application/json' };
    if (token) {
      headers.Authorization = 'Bearer ' + token;
    }
    const response = await fetch(path, { headers: headers, cache: 'no-store' });
    if (response.status === 401) {
      throw new Error(path + ': 401 unauthorized; open the dashboard as /#token=<token>');
    }
    if (!response.ok) {
      throw new Error(path + ': HTTP ' + response.status);
    }
    return response.json();
  }

  // ---- charts

  function lineChart(id, yTitle, y1Title) {
    const scales = { y: { beginAtZero: true, title: { display: true, text: yTitle } } };
    if (y1Title) {
      scales.y1 = { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false },
        title: { display: true, text: y1Title } };
    }
    return new Chart(document.getElementById(id), {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: { animation: false, maintainAspectRatio: false, spanGaps: true,
        elements: { point: { radius: 0 } }, scales: scales,
        plugins: { legend: { labels: { boxWidth: 12 } } } },
    });
  }

  function barChart(id, yTitle) {
    return new Chart(document.getElementById(id), {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: { animation: false, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } },
        plugins: { legend: { labels: { boxWidth: 12 } } } },
    });
  }

  const charts = {
    latency: lineChart('latency', 'milliseconds'),
    throughput: lineChart('throughput', 'calls per second', 'errors per second'),
    scores: barChart('scores', 'share of scores'),
    drift: barChart('drift', 'primary statistic'),
    resources: lineChart('resources', 'heap MiB', 'process CPU %'),
  };

  // Time series: labels shared by every series of a chart; series keyed by name.
  const timeline = { labels: [], series: new Map() };

  function push(name, value) {
    let points = timeline.series.get(name);
    if (!points) {
      // a series that appears later starts with gaps
      points = new Array(timeline.labels.length - 1).fill(null);
      timeline.series.set(name, points);
    }
    points.push(value === undefined ? null : value);
  }

  function trim() {
    while (timeline.labels.length > HISTORY) {
      timeline.labels.shift();
      timeline.series.forEach((points) => points.shift());
    }
    timeline.series.forEach((points) => {
      while (points.length < timeline.labels.length) {
        points.push(null); // a model that disappeared
      }
    });
  }

  function dataset(name, label, index, axis, dashed) {
    return { label: label, data: timeline.series.get(name) || [], yAxisID: axis || 'y',
      borderColor: COLORS[index % COLORS.length], backgroundColor: COLORS[index % COLORS.length],
      borderDash: dashed ? [6, 3] : [], borderWidth: 2 };
  }

  function ms(seconds) {
    return seconds === null ? null : seconds * 1e3;
  }

  function perSecond(count, windowSeconds) {
    return windowSeconds ? count / windowSeconds : null;
  }

  function drawSeries(models, proc) {
    timeline.labels.push(new Date().toLocaleTimeString());
    models.forEach((m) => {
      push('p50:' + m.name, ms(m.p50_seconds));
      push('p99:' + m.name, ms(m.p99_seconds));
      push('calls:' + m.name, perSecond(m.window_calls, m.window_seconds));
      push('errors:' + m.name, m.window_error_rate === null ? null
          : perSecond(m.window_calls * m.window_error_rate, m.window_seconds));
    });
    push('heap', proc.heap_used_bytes / 1048576);
    push('heapMax', proc.heap_max_bytes === null ? null : proc.heap_max_bytes / 1048576);
    push('cpu', proc.process_cpu_load === null ? null : proc.process_cpu_load * 100);
    trim();

    const latency = [];
    const throughput = [];
    models.forEach((m, i) => {
      latency.push(dataset('p50:' + m.name, m.name + ' p50', i));
      latency.push(dataset('p99:' + m.name, m.name + ' p99', i, 'y', true));
      throughput.push(dataset('calls:' + m.name, m.name + ' calls/s', i));
      throughput.push(dataset('errors:' + m.name, m.name + ' errors/s', i, 'y1', true));
    });
    setData(charts.latency, timeline.labels, latency);
    setData(charts.throughput, timeline.labels, throughput);
    setData(charts.resources, timeline.labels, [
      dataset('heap', 'heap used', 0),
      dataset('heapMax', 'heap max', 0, 'y', true),
      dataset('cpu', 'process CPU', 1, 'y1'),
    ]);
  }

  function setData(chart, labels, datasets) {
    chart.data.labels = labels.slice();
    chart.data.datasets = datasets.map((d) => Object.assign({}, d, { data: d.data.slice() }));
    chart.update();
  }

  function drawScores(snapshot) {
    const report = snapshot.window_drift || {};
    const s = report.scores;
    const note = document.getElementById('score-summary');
    if (!s) {
      setData(charts.scores, [], []);
      note.textContent = 'No score distribution: the model has no score prediction spec.';
      return;
    }
    setData(charts.scores, ['below baseline p1', 'above baseline p99', 'repeated score'], [
      { label: 'live window', data: [s.below_baseline_p1, s.above_baseline_p99, s.repeat_share],
        backgroundColor: COLORS[0] },
      { label: 'baseline', data: [0.01, 0.01, null], backgroundColor: '#9e9e9e', reference: true },
    ]);
    const p = report.prediction;
    note.textContent = s.samples + ' scores in the window: mean ' + fmt(s.mean) + ', std '
        + fmt(s.std) + ', p50 ' + fmt(s.p50) + ', p90 ' + fmt(s.p90) + ', p99 ' + fmt(s.p99)
        + (p ? '; prediction drift ' + p.primary + ' ' + fmt(p.statistics[p.primary])
            + ' (' + p.status + ')' : '');
  }

  function drawDrift(snapshot) {
    const report = snapshot.window_drift || {};
    const features = (report.features || []).slice();
    if (report.prediction) {
      features.push(report.prediction);
    }
    setData(charts.drift,
        features.map((f) => f.feature + ' ' + f.primary + ' (' + f.status + ')'),
        [{ label: 'window', data: features.map((f) => {
          const v = f.statistics ? f.statistics[f.primary] : undefined;
          return v === undefined ? null : v;
        }), backgroundColor: features.map((f) => STATUS_COLORS[f.status] || '#9e9e9e') }]);
  }

  // ---- tables (textContent only)

  function fmt(v) {
    if (v === null || v === undefined) {
      return '–';
    }
    return typeof v === 'number' ? Number(v.toPrecision(4)).toString() : String(v);
  }

  function fillTable(id, rows, emptyText) {
    const body = document.querySelector('#' + id + ' tbody');
    const columns = document.querySelectorAll('#' + id + ' thead th').length;
    body.replaceChildren();
    if (rows.length === 0) {
      const td = document.createElement('td');
      td.colSpan = columns;
      td.className = 'empty';
      td.textContent = emptyText;
      body.appendChild(document.createElement('tr')).appendChild(td);
      return;
    }
    rows.forEach((cells) => {
      const tr = document.createElement('tr');
      cells.forEach((cell) => {
        const td = document.createElement('td');
        if (cell && typeof cell === 'object') {
          td.textContent = fmt(cell.text);
          td.className = cell.cls;
        } else {
          td.textContent = fmt(cell);
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function drawModels(models) {
    fillTable('models', models.map((m) => [m.name, m.version, m.window_calls,
      m.window_error_rate, ms(m.p50_seconds), ms(m.p99_seconds), m.window_invalid_inputs,
      { text: m.drift_status, cls: m.drift_status }, m.firing_alerts]), 'No models yet.');
  }

  function drawViolations(snapshot) {
    const window = (snapshot.window_violations || {}).by_feature || {};
    const total = (snapshot.total_violations || {}).by_feature || {};
    const rows = [];
    Object.keys(total).sort().forEach((feature) => {
      Object.keys(total[feature]).sort().forEach((kind) => {
        rows.push([feature, kind, (window[feature] || {})[kind] || 0, total[feature][kind]]);
      });
    });
    fillTable('violations', rows, 'No schema violations.');
  }

  function drawAlerts(alerts) {
    fillTable('alerts', alerts.active.filter((a) => a.state === 'FIRING').map((a) => [a.rule,
      a.model, { text: a.severity, cls: a.severity.toLowerCase() }, a.value, a.threshold,
      a.starts_at, a.description]), 'No firing alerts.');
  }

  function syncModels(models) {
    const names = models.map((m) => m.name);
    const current = modelSelect.value;
    const existing = Array.from(modelSelect.options).map((o) => o.value);
    if (names.join('\n') !== existing.join('\n')) {
      modelSelect.replaceChildren(...names.map((n) => {
        const option = document.createElement('option');
        option.value = n;
        option.textContent = n;
        return option;
      }));
      if (names.includes(current)) {
        modelSelect.value = current;
      }
    }
    return modelSelect.value;
  }

  // a chart counts as drawn when a dataset fed by live data (not a constant reference such as
  // the baseline's expected shares) holds a value
  function countRendered() {
    return Object.values(charts).filter((c) => c.data.datasets.some(
        (d) => !d.reference && d.data.some((v) => v !== null && v !== undefined))).length;
  }

  let refreshes = 0;
  async function refresh() {
    try {
      const [models, alerts, proc] = await Promise.all([getJson('api/models'),
        getJson('api/alerts'), getJson('api/process')]);
      drawModels(models);
      drawAlerts(alerts);
      drawSeries(models, proc);
      const selected = syncModels(models);
      if (selected) {
        const snapshot = await getJson('api/models/' + encodeURIComponent(selected));
        drawScores(snapshot);
        drawDrift(snapshot);
        drawViolations(snapshot);
      }
      refreshes++;
      document.body.dataset.refreshes = String(refreshes);
      document.body.dataset.rendered = String(countRendered());
      statusEl.textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      reportError(e && e.message ? e.message : e);
      statusEl.textContent = 'update failed';
    }
  }

  modelSelect.addEventListener('change', refresh);
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
