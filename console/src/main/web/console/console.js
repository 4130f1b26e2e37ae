// The retention console: reads the public REST API at the same origin (Envoy serves both) and
// draws it. Every panel loads on its own, so one failing call shows its error in its panel and
// the others still render. Each chart container carries data-points="N" once drawn with N points.
'use strict';

const REFRESH_MILLIS = 30_000;
const OVER_TIME_HOURS = 48;
const RISKIEST_ROWS = 15;
const RISKIEST_SCAN = 200;
const RISK_BUCKETS = 20;

const COLORS = {
  blue: '#2563eb',
  blueFill: 'rgba(37, 99, 235, 0.55)',
  red: '#dc2626',
  redFill: 'rgba(220, 38, 38, 0.55)',
  amber: '#d97706',
  green: '#16a34a',
  grey: '#6b7280',
  greyFill: 'rgba(107, 114, 128, 0.45)',
};

const BAND_NAMES = {
  RISK_BAND_LOW: 'Low',
  RISK_BAND_MEDIUM: 'Medium',
  RISK_BAND_HIGH: 'High',
};

const LEVEL_NAMES = {
  DRIFT_LEVEL_NO_OBSERVATIONS: 'no observations',
  DRIFT_LEVEL_NONE: 'none',
  DRIFT_LEVEL_MODERATE: 'moderate',
  DRIFT_LEVEL_DRIFTED: 'drifted',
};

/** An error answer of the REST API (a google.rpc.Status body), or a failure to reach it. */
class ApiError extends Error {
  constructor(path, httpStatus, code, message) {
    super(`${path}: ${message} (HTTP ${httpStatus}${code === undefined ? '' : `, code ${code}`})`);
    this.httpStatus = httpStatus;
    this.code = code;
  }
}

/** The page is not served where the REST API is (opened on the metrics port, not through Envoy). */
class NotTheApiError extends Error {}

/** Calls the REST API; resolves with the JSON body, rejects with an ApiError or NotTheApiError. */
async function api(path, init = {}) {
  let response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { accept: 'application/json', ...(init.headers || {}) },
      cache: 'no-store',
    });
  } catch (failure) {
    throw new NotTheApiError(`${path}: ${failure.message}`);
  }
  const type = response.headers.get('content-type') || '';
  if (!type.startsWith('application/json')) {
    throw new NotTheApiError(`${path} answered HTTP ${response.status} with ${type || 'no content type'}`);
  }
  const body = await response.json();
  if (!response.ok) {
    throw new ApiError(path, response.status, body.code, body.message || response.statusText);
  }
  return body;
}

// ---- formatting -----------------------------------------------------------------------------

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const decimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 3, maximumFractionDigits: 3 });

/** proto3 JSON writes 64-bit integers as strings and leaves zero-valued optionals out. */
function count(value) {
  return value === undefined || value === null ? 0 : Number(value);
}

function formatTime(rfc3339) {
  return rfc3339 ? new Date(rfc3339).toLocaleString() : '–';
}

function formatShortTime(rfc3339) {
  return rfc3339
    ? new Date(rfc3339).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
    : '–';
}

function formatOptional(value, format) {
  return value === undefined || value === null ? '–' : format.format(value);
}

function enumLabel(value, prefix) {
  if (!value || value.endsWith('_UNSPECIFIED')) {
    return '–';
  }
  const name = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  return name.charAt(0) + name.slice(1).toLowerCase().replaceAll('_', ' ');
}

function formatDuration(protoDuration) {
  if (!protoDuration) {
    return '–';
  }
  const seconds = Number.parseFloat(protoDuration);
  const days = seconds / 86_400;
  return Number.isInteger(days) ? `${days} days` : `${Math.round(seconds / 3600)} hours`;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) {
    node.textContent = text;
  }
  if (className) {
    node.className = className;
  }
  return node;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    if (cell instanceof Node) {
      td.append(cell);
    } else {
      td.textContent = cell;
    }
    tr.append(td);
  }
  return tr;
}

// ---- panels ---------------------------------------------------------------------------------

/** One section of the page: its error line and empty-state text. */
class Panel {
  constructor(id) {
    this.root = document.getElementById(id);
    this.error = this.root.querySelector(':scope > .error');
    this.empty = this.root.querySelector(':scope > .empty');
  }

  showError(failure) {
    this.error.textContent = failure instanceof ApiError || failure instanceof NotTheApiError
      ? failure.message
      : `the console could not show this: ${failure.message}`;
    this.error.hidden = false;
    this.root.dataset.state = 'error';
  }

  showEmpty(isEmpty) {
    this.error.hidden = true;
    if (this.empty) {
      this.empty.hidden = !isEmpty;
    }
    this.root.dataset.state = isEmpty ? 'empty' : 'ready';
  }
}

/** A Chart.js chart in a container that records how many points it drew. */
class ChartBox {
  constructor(id, config) {
    this.box = document.getElementById(id);
    this.canvas = this.box.querySelector('canvas');
    this.empty = this.box.querySelector('.empty');
    this.config = config;
    this.chart = null;
  }

  /** Draws {labels, datasets}; points counts the data points of the measured series. */
  draw(labels, datasets, points) {
    if (this.chart === null) {
      this.chart = new Chart(this.canvas, { ...this.config, data: { labels, datasets } });
    } else {
      this.chart.data.labels = labels;
      this.chart.data.datasets = datasets;
      this.chart.update('none');
    }
    this.box.dataset.points = String(points);
    this.canvas.hidden = points === 0;
    if (this.empty) {
      this.empty.hidden = points !== 0;
    }
  }

  clear() {
    this.draw([], [], 0);
  }
}

function barOptions(yTitle, extra = {}) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { display: true, position: 'bottom' } },
    scales: {
      y: { beginAtZero: true, title: { display: true, text: yTitle } },
    },
    ...extra,
  };
}

const charts = {};

function createCharts() {
  charts.risk = new ChartBox('chart-risk', {
    type: 'bar',
    options: barOptions('predictions', {
      scales: {
        x: { stacked: true, title: { display: true, text: 'churn probability' } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'predictions' } },
      },
    }),
  });
  charts.overTime = new ChartBox('chart-over-time', {
    type: 'line',
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom' } },
      scales: {
        rate: { type: 'linear', position: 'left', min: 0, max: 1, title: { display: true, text: 'predicted churn rate' },
          ticks: { callback: (value) => percent.format(value) } },
        count: { type: 'linear', position: 'right', beginAtZero: true, grid: { drawOnChartArea: false },
          title: { display: true, text: 'predictions' } },
      },
    },
  });
  charts.reliability = new ChartBox('chart-reliability', {
    type: 'scatter',
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: 'bottom' } },
      scales: {
        x: { min: 0, max: 1, title: { display: true, text: 'mean predicted probability' } },
        y: { min: 0, max: 1, title: { display: true, text: 'observed churn rate' } },
      },
    },
  });
  charts.psi = new ChartBox('chart-psi', {
    type: 'bar',
    options: barOptions('PSI', { plugins: { legend: { position: 'bottom' } } }),
  });
  charts.feature = new ChartBox('chart-feature', {
    type: 'bar',
    options: barOptions('share', {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'share' },
        ticks: { callback: (value) => percent.format(value) } } },
    }),
  });
}

// ---- the served model -----------------------------------------------------------------------

const originBanner = () => document.getElementById('origin-banner');

async function loadModel() {
  const target = document.getElementById('model');
  try {
    const { model } = await api('/v1/model');
    originBanner().hidden = true;
    target.textContent = '';
    target.append(
      'Serving ', element('strong', model.version, 'version'),
      ` · ${model.algorithm || 'unknown algorithm'} · decision threshold `,
      element('strong', decimal.format(model.decision_threshold ?? 0), 'threshold'),
      ` · trained ${formatTime(model.trained_at)} on ${integer.format(count(model.training_rows))} rows`);
    target.dataset.state = 'ready';
    return true;
  } catch (failure) {
    if (failure instanceof NotTheApiError) {
      originBanner().hidden = false;
      target.textContent = 'The REST API is not reachable from this page.';
      target.dataset.state = 'unreachable';
      return false;
    }
    target.textContent = `The served model could not be read: ${failure.message}`;
    target.dataset.state = 'error';
    return true;
  }
}

// ---- statistics -----------------------------------------------------------------------------

function setStat(id, text, value) {
  const target = document.getElementById(id);
  target.textContent = text;
  target.dataset.value = value === undefined ? '' : String(value);
}

async function loadOverview() {
  const panel = new Panel('overview');
  try {
    const stats = await api('/v1/stats');
    const overall = stats.overall || {};
    const total = count(overall.prediction_count);
    setStat('stat-predictions', integer.format(total), total);
    setStat('stat-churn-rate', percent.format(overall.predicted_churn_rate ?? 0), overall.predicted_churn_rate ?? 0);
    setStat('stat-mean-probability', percent.format(overall.mean_churn_probability ?? 0), overall.mean_churn_probability ?? 0);
    setStat('stat-last', formatTime(stats.last_predict_time), stats.last_predict_time);
    const body = document.querySelector('#bands tbody');
    body.replaceChildren(...(stats.risk_bands || []).map((band) => {
      const summary = band.summary || {};
      const predictions = count(summary.prediction_count);
      const tr = row([
        BAND_NAMES[band.risk_band] || enumLabel(band.risk_band, 'RISK_BAND_'),
        integer.format(predictions),
        total === 0 ? '–' : percent.format(predictions / total),
        percent.format(summary.predicted_churn_rate ?? 0),
        percent.format(summary.mean_churn_probability ?? 0),
      ]);
      tr.dataset.band = band.risk_band;
      tr.dataset.predictions = String(predictions);
      return tr;
    }));
    panel.showEmpty(total === 0);
  } catch (failure) {
    panel.showError(failure);
  }
}

async function loadRiskDistribution() {
  const panel = new Panel('risk');
  try {
    const distribution = await api(`/v1/stats:riskDistribution?bucket_count=${RISK_BUCKETS}`);
    const buckets = distribution.buckets || [];
    const total = count(distribution.prediction_count);
    const labels = buckets.map((bucket) => `${percent.format(bucket.lower_bound ?? 0)}–${percent.format(bucket.upper_bound ?? 0)}`);
    const churners = buckets.map((bucket) => count(bucket.predicted_churn_count));
    const stayers = buckets.map((bucket) => count(bucket.prediction_count) - count(bucket.predicted_churn_count));
    charts.risk.draw(labels, [
      { label: 'predicted to stay', data: stayers, backgroundColor: COLORS.blueFill },
      { label: 'predicted to churn', data: churners, backgroundColor: COLORS.redFill },
    ], total === 0 ? 0 : buckets.length);
    panel.showEmpty(false);
  } catch (failure) {
    charts.risk.clear();
    panel.showError(failure);
  }
}

async function loadChurnOverTime() {
  const panel = new Panel('over-time');
  try {
    const start = new Date(Date.now() - OVER_TIME_HOURS * 3_600_000);
    start.setUTCMinutes(0, 0, 0);
    const answer = await api(`/v1/stats:churnOverTime?granularity=TIME_GRANULARITY_HOUR&start_time=${encodeURIComponent(start.toISOString())}`);
    const buckets = answer.buckets || [];
    const labels = buckets.map((bucket) => formatShortTime(bucket.start_time));
    // An hour without predictions has no churn rate: a gap in the rate lines, not a zero.
    const rate = (bucket, field) => (count(bucket.summary?.prediction_count) === 0 ? null : bucket.summary[field] ?? 0);
    charts.overTime.draw(labels, [
      { label: 'predicted churn rate', yAxisID: 'rate', data: buckets.map((b) => rate(b, 'predicted_churn_rate')),
        borderColor: COLORS.red, backgroundColor: COLORS.red, tension: 0.2 },
      { label: 'mean churn probability', yAxisID: 'rate', data: buckets.map((b) => rate(b, 'mean_churn_probability')),
        borderColor: COLORS.amber, backgroundColor: COLORS.amber, borderDash: [4, 4], tension: 0.2 },
      { label: 'predictions', yAxisID: 'count', data: buckets.map((b) => count(b.summary?.prediction_count)),
        borderColor: COLORS.blue, backgroundColor: COLORS.blue, tension: 0.2 },
    ], buckets.length);
    panel.showEmpty(false);
  } catch (failure) {
    charts.overTime.clear();
    panel.showError(failure);
  }
}

// ---- riskiest customers and explanations ----------------------------------------------------

async function loadRiskiest() {
  const panel = new Panel('riskiest');
  try {
    const answer = await api(`/v1/predictions?risk_band=RISK_BAND_HIGH&page_size=${RISKIEST_SCAN}`);
    // Most recent first: the first record seen of a customer is their latest prediction.
    const latest = new Map();
    for (const record of answer.predictions || []) {
      if (!latest.has(record.customer_id)) {
        latest.set(record.customer_id, record);
      }
    }
    const riskiest = [...latest.values()]
      .sort((a, b) => (b.churn_probability ?? 0) - (a.churn_probability ?? 0))
      .slice(0, RISKIEST_ROWS);
    const body = document.querySelector('#riskiest-table tbody');
    body.replaceChildren(...riskiest.map((record) => {
      const features = record.features || {};
      const explain = element('button', 'Explain', 'explain');
      explain.type = 'button';
      explain.addEventListener('click', () => explainCustomer(record, explain));
      const tr = row([
        record.customer_id || '(no customer id)',
        percent.format(record.churn_probability ?? 0),
        formatShortTime(record.predict_time),
        features.tenure_in_months === undefined ? '–' : `${features.tenure_in_months} mo`,
        enumLabel(features.contract, 'CONTRACT_'),
        features.satisfaction_score ?? '–',
        explain,
      ]);
      tr.dataset.customer = record.customer_id || '';
      return tr;
    }));
    panel.showEmpty(riskiest.length === 0);
  } catch (failure) {
    panel.showError(failure);
  }
}

/** The stored features as a Predict request body, leaving out values that were never set. */
function predictRequest(record) {
  const request = { customer_id: record.customer_id || '', explain: true };
  for (const [name, value] of Object.entries(record.features || {})) {
    if (typeof value === 'string' && value.endsWith('_UNSPECIFIED')) {
      continue;
    }
    request[name] = value;
  }
  return request;
}

async function explainCustomer(record, button) {
  const target = document.getElementById('explanation');
  target.dataset.state = 'loading';
  target.replaceChildren(element('h3', `Why ${record.customer_id || 'this customer'}?`), element('p', 'Scoring…', 'placeholder'));
  button.disabled = true;
  try {
    const answer = await api('/v1/customers:predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(predictRequest(record)),
    });
    const prediction = answer.prediction || {};
    const factors = prediction.top_factors || [];
    const scale = prediction.contribution_scale === 'CONTRIBUTION_SCALE_LOG_ODDS' ? 'log-odds' : 'probability';
    const largest = Math.max(...factors.map((factor) => Math.abs(factor.contribution ?? 0)), 1e-12);
    const list = element('ol', undefined, 'factors');
    for (const factor of factors) {
      const contribution = factor.contribution ?? 0;
      const item = element('li');
      const bar = element('span', undefined, contribution >= 0 ? 'bar up' : 'bar down');
      bar.style.width = `${Math.round((Math.abs(contribution) / largest) * 100)}%`;
      item.append(
        element('span', factor.feature, 'feature'),
        element('span', factor.value, 'feature-value'),
        element('span', `${contribution >= 0 ? '+' : '−'}${decimal.format(Math.abs(contribution))}`, 'contribution'),
        element('span', undefined, 'bar-track'));
      item.lastChild.append(bar);
      list.append(item);
    }
    target.replaceChildren(
      element('h3', `Why ${record.customer_id || 'this customer'}?`),
      element('p', `Churn probability ${percent.format(prediction.churn_probability ?? 0)} (${BAND_NAMES[prediction.risk_band] || '–'} risk) `
        + `with model ${prediction.model_version || '–'}; contributions on the ${scale} scale from a base of `
        + `${decimal.format(prediction.contribution_base ?? 0)}. Positive factors push towards churn.`, 'summary'),
      factors.length === 0 ? element('p', 'The model gave no factors for this prediction.', 'placeholder') : list);
    target.dataset.state = factors.length === 0 ? 'empty' : 'ready';
  } catch (failure) {
    target.replaceChildren(element('h3', `Why ${record.customer_id || 'this customer'}?`), element('p', failure.message, 'error'));
    target.dataset.state = 'error';
  } finally {
    button.disabled = false;
  }
}

// ---- realised performance -------------------------------------------------------------------

async function loadPerformance() {
  const panel = new Panel('performance');
  const summary = document.getElementById('performance-summary');
  try {
    const performance = await api('/v1/monitoring/performance');
    const realised = performance.realised || {};
    const promoted = performance.promoted;
    const outcomes = count(performance.outcome_count);
    const churned = count(performance.churned_count);
    summary.textContent = `Model ${performance.model_version} at threshold ${decimal.format(performance.decision_threshold ?? 0)}: `
      + `${integer.format(outcomes)} predictions joined with an outcome (${integer.format(churned)} churned), `
      + `an outcome joining the latest prediction up to ${formatDuration(performance.outcome_horizon)} before it.`
      + (promoted ? '' : ' The registry no longer holds this version, so its promoted metrics are unknown.');
    const measures = [
      ['ROC AUC', realised.roc_auc, promoted?.roc_auc],
      ['PR AUC', realised.pr_auc, promoted?.pr_auc],
      ['Precision', realised.precision, promoted?.precision],
      ['Recall', realised.recall, promoted?.recall],
      ['F1', realised.f1, promoted?.f1],
      ['Brier score', realised.brier_score, undefined],
      ['Top-decile lift', realised.top_decile_lift, undefined],
    ];
    const body = document.querySelector('#performance-table tbody');
    body.replaceChildren(
      ...measures.map(([name, now, then]) => row([name, formatOptional(now, decimal), formatOptional(then, decimal)])),
      row(['Outcomes', integer.format(outcomes), promoted ? `${integer.format(count(promoted.evaluation_rows))} held-out rows` : '–']));
    document.getElementById('performance-table').hidden = outcomes === 0;
    drawReliability(performance.calibration || [], outcomes);
    panel.showEmpty(outcomes === 0);
  } catch (failure) {
    charts.reliability.clear();
    document.querySelector('#performance-table tbody').replaceChildren();
    panel.showError(failure);
  }
}

function drawReliability(bins, outcomes) {
  const filled = bins.filter((bin) => count(bin.outcome_count) > 0
    && bin.mean_predicted_probability !== undefined && bin.observed_churn_rate !== undefined);
  const points = filled.map((bin) => ({ x: bin.mean_predicted_probability, y: bin.observed_churn_rate, n: count(bin.outcome_count) }));
  charts.reliability.draw(undefined, [
    { label: 'observed (per probability bin)', data: points, showLine: true, borderColor: COLORS.blue,
      backgroundColor: COLORS.blue, pointRadius: points.map((p) => 3 + Math.min(6, Math.sqrt(p.n) / 2)) },
    { label: 'perfectly calibrated', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, borderColor: COLORS.grey,
      borderDash: [6, 4], pointRadius: 0 },
  ], outcomes === 0 ? 0 : points.length);
}

// ---- drift ----------------------------------------------------------------------------------

let driftFeatures = [];

async function loadDrift() {
  const panel = new Panel('drift');
  const summary = document.getElementById('drift-summary');
  try {
    const drift = await api('/v1/monitoring/drift');
    const thresholds = drift.thresholds || {};
    const predictions = count(drift.prediction_count);
    driftFeatures = drift.features || [];
    const verdict = drift.drifted_feature_share === undefined
      ? 'no feature had observations'
      : `${percent.format(drift.drifted_feature_share)} of the features drifted; the window is `
        + `${drift.drifted ? 'DRIFTED' : 'not drifted'} (threshold ${percent.format(thresholds.drifted_feature_share ?? 0)})`;
    summary.textContent = `Model ${drift.model_version}, ${formatTime(drift.start_time)} to ${formatTime(drift.end_time)}: `
      + `${integer.format(predictions)} predictions; ${verdict}.`;
    summary.dataset.drifted = String(Boolean(drift.drifted));
    const withPsi = driftFeatures.filter((feature) => feature.psi !== undefined);
    const moderate = thresholds.moderate_psi ?? 0.1;
    const drifted = thresholds.drifted_psi ?? 0.25;
    const labels = withPsi.map((feature) => feature.feature);
    charts.psi.draw(labels, [
      { type: 'bar', label: 'PSI', data: withPsi.map((feature) => feature.psi),
        backgroundColor: withPsi.map((feature) => levelColor(feature.level)) },
      { type: 'line', label: `moderate (${moderate})`, data: labels.map(() => moderate), borderColor: COLORS.amber,
        borderDash: [6, 4], pointRadius: 0, fill: false },
      { type: 'line', label: `drifted (${drifted})`, data: labels.map(() => drifted), borderColor: COLORS.red,
        borderDash: [6, 4], pointRadius: 0, fill: false },
    ], withPsi.length);
    const body = document.querySelector('#drift-table tbody');
    body.replaceChildren(...driftFeatures.map((feature) => {
      const level = element('span', LEVEL_NAMES[feature.level] || enumLabel(feature.level, 'DRIFT_LEVEL_'), `level ${feature.level || ''}`);
      const tr = row([
        feature.feature,
        integer.format(count(feature.observation_count)),
        formatOptional(feature.psi, decimal),
        formatOptional(feature.jensen_shannon_distance, decimal),
        level,
        integer.format(count(feature.unseen_count)),
      ]);
      tr.dataset.feature = feature.feature;
      return tr;
    }));
    fillFeaturePicker();
    drawFeature();
    panel.showEmpty(predictions === 0);
  } catch (failure) {
    driftFeatures = [];
    charts.psi.clear();
    charts.feature.clear();
    document.querySelector('#drift-table tbody').replaceChildren();
    panel.showError(failure);
  }
}

function levelColor(level) {
  switch (level) {
    case 'DRIFT_LEVEL_DRIFTED': return COLORS.redFill;
    case 'DRIFT_LEVEL_MODERATE': return 'rgba(217, 119, 6, 0.6)';
    default: return 'rgba(22, 163, 74, 0.55)';
  }
}

/** Keeps the feature chosen before a refresh; otherwise the one that drifted most. */
function fillFeaturePicker() {
  const picker = document.getElementById('drift-feature');
  const chosen = picker.value;
  picker.replaceChildren(...driftFeatures.map((feature) => {
    const option = element('option', feature.feature);
    option.value = feature.feature;
    return option;
  }));
  const names = driftFeatures.map((feature) => feature.feature);
  if (names.includes(chosen)) {
    picker.value = chosen;
  } else if (driftFeatures.length > 0) {
    const most = driftFeatures.reduce((a, b) => ((b.psi ?? -1) > (a.psi ?? -1) ? b : a));
    picker.value = most.feature;
  }
}

function drawFeature() {
  const name = document.getElementById('drift-feature').value;
  const feature = driftFeatures.find((candidate) => candidate.feature === name);
  if (!feature) {
    charts.feature.clear();
    return;
  }
  const bins = feature.bins || [];
  charts.feature.draw(bins.map((bin) => bin.label), [
    { label: 'training reference', data: bins.map((bin) => bin.reference_share ?? 0), backgroundColor: COLORS.greyFill },
    { label: `served (${integer.format(count(feature.observation_count))} values)`, data: bins.map((bin) => bin.served_share ?? 0),
      backgroundColor: COLORS.blueFill },
  ], bins.length);
}

// ---- refresh --------------------------------------------------------------------------------

let refreshing = false;

async function refresh() {
  if (refreshing) {
    return;
  }
  refreshing = true;
  try {
    const reachable = await loadModel();
    if (reachable) {
      await Promise.allSettled([
        loadOverview(), loadRiskDistribution(), loadChurnOverTime(), loadRiskiest(), loadPerformance(), loadDrift(),
      ]);
    }
    const refreshed = document.getElementById('refreshed');
    refreshed.textContent = `refreshed ${new Date().toLocaleTimeString()}`;
    refreshed.dataset.refreshes = String(Number(refreshed.dataset.refreshes || 0) + 1);
  } finally {
    refreshing = false;
  }
}

function start() {
  if (typeof Chart === 'undefined') {
    document.getElementById('model').textContent = 'Chart.js did not load; the charts cannot be drawn.';
    return;
  }
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  createCharts();
  document.getElementById('drift-feature').addEventListener('change', drawFeature);
  document.getElementById('refresh-now').addEventListener('click', refresh);
  refresh();
  setInterval(refresh, REFRESH_MILLIS);
}

document.addEventListener('DOMContentLoaded', start);
