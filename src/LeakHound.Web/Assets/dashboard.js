// Live dashboard: loads /api/targets and each /api/series/{id}, then follows /events (server-sent events).
(function () {
  'use strict';
  const token = new URLSearchParams(location.search).get('token');
  const withToken = path => token ? path + (path.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : path;
  const state = { ready: false, updates: 0, charts: [], explanations: 0 };
  window.leakhoundDashboard = state;
  const byId = new Map();
  let marks = []; // a resumed watch's gaps and restarts, from /api/targets
  const drawMarks = u => {
    const ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
    if (marks.length) state.marksDrawn = (state.marksDrawn || 0) + 1;
    ctx.save();
    for (const m of marks) {
      const x0 = Math.round(u.valToPos(m.at_seconds, 'x', true));
      if (m.kind === 'gap') {
        ctx.fillStyle = 'rgba(120,120,120,.18)';
        ctx.fillRect(x0, top, Math.max(1, Math.round(u.valToPos(m.at_seconds + m.seconds, 'x', true)) - x0), height);
      } else {
        ctx.strokeStyle = '#6a1b9a'; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(x0, top); ctx.lineTo(x0, top + height); ctx.stroke();
      }
    }
    ctx.restore();
  };
  const maxPoints = 1800;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  const fmt = (unit, v) => {
    if (v == null || !isFinite(v)) return '–';
    if (unit !== 'bytes') return String(Math.round(v * 100) / 100);
    let x = Math.abs(v), u = 0; while (x >= 1024 && u < units.length - 1) { x /= 1024; u++; }
    return (v < 0 ? '-' : '') + (u ? x.toFixed(x < 10 ? 2 : 1) : x.toFixed(0)) + ' ' + units[u];
  };
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; };

  function verdictView(c, v) {
    c.verdict = v ? v.verdict : 'insufficient';
    c.badge.className = 'badge ' + c.verdict; c.badge.textContent = c.verdict;
    c.facts.textContent = v ? `rate ${v.rate} · time to limit ${v.time_to_limit} · ${v.reason}` : '';
  }

  async function addSeries(targetBox, s) {
    const data = await (await fetch(withToken('/api/series/' + s.id))).json();
    const box = el('div', 'series'); const h = el('h3'); const badge = el('span', 'badge'); h.appendChild(badge); h.append(' ' + s.name);
    const facts = el('div', 'facts'); const holder = el('div');
    box.append(h, facts, holder); targetBox.appendChild(box);
    const c = { id: s.id, name: s.name, unit: data.unit, t: data.t, v: data.v, badge, facts, box, verdict: null, points: 0 };
    c.plot = new uPlot({
      width: Math.max(300, holder.clientWidth || 420), height: 160, legend: { show: false },
      scales: { x: { time: false } },
      axes: [{ values: (u, vals) => vals.map(x => x + 's') }, { size: 80, values: (u, vals) => vals.map(x => fmt(c.unit, x)) }],
      series: [{}, { stroke: '#1565c0', width: 1.5, spanGaps: true, points: { show: false } }],
      hooks: { draw: [drawMarks] },
    }, [c.t, c.v], holder);
    c.points = c.t.length;
    verdictView(c, data.verdict);
    byId.set(s.id, c); state.charts.push(c);
  }

  // What grows in each explained target (a heap diff, Node sites and snapshots, Go goroutines), as the report shows it.
  function showExplanations(tables) {
    const section = document.getElementById('explanations');
    section.replaceChildren();
    for (const t of tables) {
      section.appendChild(el('h2', null, t.title));
      const table = el('table', 'explanation');
      const head = el('tr');
      ['What grew', 'Before', 'After', 'Bytes grown', 'Held by'].forEach(h => head.appendChild(el('th', null, h)));
      table.appendChild(head);
      for (const r of t.rows) {
        const tr = el('tr');
        [r.what, String(r.count_before), String(r.count_after), r.bytes_growth ? fmt('bytes', r.bytes_growth) : '–', r.held_by || '–'].forEach(c => tr.appendChild(el('td', null, c)));
        table.appendChild(tr);
      }
      section.appendChild(table);
    }
    state.explanations = tables.length;
  }

  async function load() {
    const doc = await (await fetch(withToken('/api/targets'))).json();
    const targets = doc.targets;
    marks = doc.timeline_marks || []; state.marks = marks.length;
    showExplanations(doc.explanations || []);
    document.getElementById('timeline').textContent = marks.map(m => m.kind === 'gap'
      ? `gap of ${m.seconds.toFixed(1)}s at ${m.at_seconds.toFixed(1)}s` : `new process at ${m.at_seconds.toFixed(1)}s`).join(' · ');
    const container = document.getElementById('targets');
    for (const t of targets) {
      let box = document.getElementById('target-' + t.id);
      if (!box) { box = el('section', 'target'); box.id = 'target-' + t.id; box.appendChild(el('h2', null, t.label + (t.pid ? ` (PID ${t.pid})` : ''))); container.appendChild(box); }
      for (const s of t.series) if (!byId.has(s.id)) await addSeries(box, s);
    }
  }

  function onRound(round) {
    let unknown = false;
    for (const [id, t, v] of round.points) {
      const c = byId.get(id);
      if (!c) { unknown = true; continue; }
      c.t.push(t); c.v.push(v);
      if (c.t.length > maxPoints) { c.t.shift(); c.v.shift(); }
      c.points = c.t.length;
    }
    for (const v of round.verdicts) { const c = byId.get(v.id); if (c) verdictView(c, v); }
    for (const ch of round.changes) {
      const c = byId.get(ch.id);
      if (c) { c.box.classList.remove('changed'); void c.box.offsetWidth; c.box.classList.add('changed'); }
      const line = el('div', null, `${ch.at_seconds.toFixed(1)}s · ${ch.target} · ${ch.series}: ${ch.from} → ${ch.to}`);
      document.getElementById('changes').prepend(line);
    }
    if (round.explanations) showExplanations(round.explanations);
    byId.forEach(c => c.plot.setData([c.t, c.v]));
    state.updates++;
    document.getElementById('status').textContent = `live · ${state.updates} updates · ${byId.size} signals`;
    if (unknown) load();
  }

  load().then(() => {
    const events = new EventSource(withToken('/events'));
    events.onmessage = e => onRound(JSON.parse(e.data));
    events.onerror = () => { document.getElementById('status').textContent = 'disconnected (the watch may have ended)'; };
    state.ready = true;
  });
})();
