// Renders the LeakHound report from the JSON in #report-data with uPlot (bundled above). No network access.
(function () {
  'use strict';
  const report = JSON.parse(document.getElementById('report-data').textContent);
  const state = { charts: [], ready: false };
  window.leakhoundReport = state;

  const fmtDuration = s => {
    if (s == null || !isFinite(s)) return '–';
    const a = Math.abs(s), sign = s < 0 ? '-' : '';
    if (a >= 86400) return sign + (a / 86400).toFixed(1).replace(/\.0$/, '') + 'd';
    if (a >= 3600) return sign + (a / 3600).toFixed(1).replace(/\.0$/, '') + 'h';
    if (a >= 60) return sign + (a / 60).toFixed(1).replace(/\.0$/, '') + 'm';
    return sign + a.toFixed(a < 10 ? 1 : 0) + 's';
  };
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  const fmtValue = (unit, v) => {
    if (v == null || !isFinite(v)) return '–';
    if (unit !== 'bytes') return Math.abs(v) >= 1e6 ? v.toExponential(3) : String(Math.round(v * 100) / 100);
    let x = Math.abs(v), u = 0;
    while (x >= 1024 && u < units.length - 1) { x /= 1024; u++; }
    return (v < 0 ? '-' : '') + (u === 0 ? x.toFixed(0) : x.toFixed(x < 10 ? 2 : 1)) + ' ' + units[u];
  };
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text != null) e.textContent = text;
    return e;
  };

  // A resumed watch's time line: gaps (the watcher was away; no samples there) and restarts (a new process).
  const marks = report.marks || [];
  state.marks = marks.length;
  const markText = marks.map(m => m.kind === 'gap' ? `gap of ${fmtDuration(m.seconds)} at ${fmtDuration(m.t)}` : `new process at ${fmtDuration(m.t)}`);
  document.getElementById('meta').textContent =
    `${report.source} · ${report.series.length} signals · minimum span ${fmtDuration(report.min_span_seconds)} · generated ${new Date(report.generated).toISOString().replace('T', ' ').slice(0, 19)} UTC` +
    (markText.length ? ' · time line: ' + markText.join(', ') : '');
  const drawMarks = u => {
    const ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
    if (marks.length) state.marksDrawn = (state.marksDrawn || 0) + 1;
    ctx.save();
    for (const m of marks) {
      const x0 = Math.round(u.valToPos(m.t, 'x', true));
      if (m.kind === 'gap') {
        const x1 = Math.round(u.valToPos(m.t + m.seconds, 'x', true));
        ctx.fillStyle = 'rgba(120,120,120,.18)'; ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
      } else {
        ctx.strokeStyle = '#6a1b9a'; ctx.lineWidth = 2; ctx.setLineDash([]);
        ctx.beginPath(); ctx.moveTo(x0, top); ctx.lineTo(x0, top + height); ctx.stroke();
      }
    }
    ctx.restore();
  };

  // Summary table, sortable by any column.
  const tbody = document.querySelector('#summary-table tbody');
  report.series.forEach((s, i) => {
    const tr = el('tr');
    const v = s.verdict; // the verdict document, as --format json and the API give it
    tr.dataset.name = s.name; tr.dataset.verdict = v.verdict;
    tr.dataset.slope = v.slope_per_second ?? -Infinity; tr.dataset.ttl = v.time_to_limit_seconds ?? Infinity;
    tr.dataset.detected = v.detected_at_seconds ?? Infinity; tr.dataset.samples = v.samples;
    const name = el('td'); const link = el('a', { href: '#chart-' + i }, s.name); name.appendChild(link); tr.appendChild(name);
    const badge = el('td'); badge.appendChild(el('span', { class: 'badge ' + v.verdict }, v.verdict)); tr.appendChild(badge);
    tr.appendChild(el('td', {}, v.rate));
    tr.appendChild(el('td', {}, v.time_to_limit));
    tr.appendChild(el('td', {}, v.detected_at_seconds == null ? '–' : fmtDuration(v.detected_at_seconds)));
    tr.appendChild(el('td', {}, String(v.samples)));
    tbody.appendChild(tr);
  });
  document.querySelectorAll('#summary-table th').forEach(th => th.addEventListener('click', () => {
    const key = th.dataset.key, numeric = th.hasAttribute('data-numeric');
    const desc = !th.classList.contains('sorted-desc');
    document.querySelectorAll('#summary-table th').forEach(h => h.classList.remove('sorted-asc', 'sorted-desc'));
    th.classList.add(desc ? 'sorted-desc' : 'sorted-asc');
    const rows = [...tbody.rows].sort((a, b) => {
      const x = numeric ? parseFloat(a.dataset[key]) : a.dataset[key], y = numeric ? parseFloat(b.dataset[key]) : b.dataset[key];
      return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
    });
    rows.forEach(r => tbody.appendChild(r));
  }));

  // Heap diffs: which types grew between two snapshots of a .NET target.
  const diffs = document.getElementById('heapdiffs');
  (report.heap_diffs || []).forEach(d => {
    diffs.appendChild(el('h2', {}, d.title || 'Heap diff: ' + d.target));
    const table = el('table', { class: 'heapdiff' });
    const head = el('tr');
    ['Type', 'Count before', 'Count after', 'Bytes grown', 'Retained by'].forEach(h => head.appendChild(el('th', {}, h)));
    table.appendChild(head);
    d.rows.forEach(r => {
      const tr = el('tr');
      [r.type, String(r.count_before), String(r.count_after), fmtValue('bytes', r.bytes_growth), r.retention_path || '–'].forEach(c => tr.appendChild(el('td', {}, c)));
      table.appendChild(tr);
    });
    diffs.appendChild(table);
  });

  // One card and chart per series. uPlot wants one shared x array: merge the x of samples, floor and trend.
  const charts = document.getElementById('charts');
  report.series.forEach((s, i) => {
    const card = el('article', { class: 'card', id: 'chart-' + i });
    const v = s.verdict;
    const h = el('h3'); h.appendChild(el('span', { class: 'badge ' + v.verdict }, v.verdict)); h.append(' ' + s.name);
    card.appendChild(h);
    const facts = [`rate ${v.rate}`, `time to limit ${v.time_to_limit}`, `now ${fmtValue(s.unit, v.current)}`];
    if (v.detected_at_seconds != null) facts.push(`detected at ${fmtDuration(v.detected_at_seconds)}`);
    card.appendChild(el('div', { class: 'facts' }, facts.join(' · ')));
    card.appendChild(el('div', { class: 'reason' }, v.reason));
    const holder = el('div', { class: 'chart' });
    card.appendChild(holder);
    charts.appendChild(card);

    const xs = [...new Set([...s.t, ...s.floor_t, ...s.trend_t])].sort((a, b) => a - b);
    const index = new Map(xs.map((x, k) => [x, k]));
    const column = (ts, vs) => { const c = new Array(xs.length).fill(null); ts.forEach((t, k) => { c[index.get(t)] = vs[k]; }); return c; };
    const data = [xs, column(s.t, s.v), column(s.floor_t, s.floor_v), column(s.trend_t, s.trend_high), column(s.trend_t, s.trend_mid), column(s.trend_t, s.trend_low)];
    const detected = v.detected_at_seconds;
    const opts = {
      width: Math.max(280, holder.clientWidth || 800), height: 260,
      scales: { x: { time: false } },
      axes: [
        { values: (u, vals) => vals.map(fmtDuration) },
        { size: 86, values: (u, vals) => vals.map(v => fmtValue(s.unit, v)) },
      ],
      series: [
        { label: 'time', value: (u, v) => fmtDuration(v) },
        { label: 'samples', stroke: '#9e9e9e', width: 1, spanGaps: true, points: { show: false }, value: (u, v) => fmtValue(s.unit, v) },
        { label: 'floor', stroke: '#1565c0', width: 0, paths: () => null, points: { show: true, size: 5, fill: '#1565c0' }, value: (u, v) => fmtValue(s.unit, v) },
        { label: 'band high', stroke: 'rgba(198,40,40,.35)', width: 1, spanGaps: true, points: { show: false }, value: (u, v) => fmtValue(s.unit, v) },
        { label: 'trend', stroke: '#c62828', width: 2, spanGaps: true, points: { show: false }, value: (u, v) => fmtValue(s.unit, v) },
        { label: 'band low', stroke: 'rgba(198,40,40,.35)', width: 1, spanGaps: true, points: { show: false }, value: (u, v) => fmtValue(s.unit, v) },
      ],
      bands: [{ series: [3, 5], fill: 'rgba(198,40,40,.12)' }],
      hooks: {
        draw: [drawMarks, u => {
          if (detected == null) return;
          const x = Math.round(u.valToPos(detected, 'x', true));
          const ctx = u.ctx; ctx.save(); ctx.strokeStyle = '#c62828'; ctx.setLineDash([6, 4]); ctx.lineWidth = 1.5;
          ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke(); ctx.restore();
        }],
      },
    };
    const plot = new uPlot(opts, data, holder);
    state.charts.push({ name: s.name, verdict: v.verdict, points: s.t.length, floorPoints: s.floor_t.length, plot });
  });

  // Charts follow the page width (narrow screens, print preview).
  window.addEventListener('resize', () => state.charts.forEach(c => c.plot.setSize({ width: Math.max(280, c.plot.root.parentElement.clientWidth), height: 260 })));
  state.ready = true;
})();
