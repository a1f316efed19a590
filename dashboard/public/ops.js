// Operations page: polls /ops/api/status, draws health tiles, SVG plots and the processes per
// queue; operators get scale buttons (the server checks the role again). No inline script, no eval.
'use strict';
(function () {
  const operator = document.body.dataset.role === 'operator';
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  };
  const fmt = (n) => Number(n).toLocaleString('en-US');
  const duration = (s) => (s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

  function tile(label, value, cls) {
    return el('div', { class: 'tile', 'data-tile': label }, el('div', { class: 'label' }, label), el('div', { class: `value ${cls || ''}` }, value));
  }

  // The last scheduled reconcile (trade-sync reconcile --every): its window and what differed.
  function reconcileTile(r) {
    if (!r) return tile('Reconcile', 'not run yet', '');
    const when = `${r.windowFrom.slice(11, 16)}–${r.windowTo.slice(11, 16)} UTC`;
    const text = !r.ok ? `failed: ${r.error}` : r.match ? `match · ${when}` : `${fmt(r.missing)} missing, ${fmt(r.extra)} extra, ${fmt(r.different)} different · ${when}`;
    return tile('Reconcile', text, !r.ok ? 'warn' : r.missing > 0 || r.different > 0 ? 'bad' : r.match ? 'ok' : 'warn');
  }

  function plot(svg, points, pick, unit) {
    const W = 600, H = 160, L = 44, B = 18, T = 8;
    svg.replaceChildren();
    const ns = 'http://www.w3.org/2000/svg';
    const add = (tag, attrs, text) => {
      const n = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text !== undefined) n.textContent = text;
      svg.append(n);
    };
    const values = points.map(pick);
    const max = Math.max(1, ...values) * 1.15;
    for (let i = 0; i <= 3; i++) {
      const y = T + ((H - T - B) * i) / 3;
      add('line', { class: 'grid', x1: L, x2: W, y1: y, y2: y });
      add('text', { x: 4, y: y + 4 }, fmt(Math.round((max * (3 - i)) / 3 * 10) / 10) + unit);
    }
    if (points.length < 2) {
      add('text', { x: L + 8, y: H / 2 }, 'no data yet');
      return;
    }
    const t0 = points[0].t, t1 = points[points.length - 1].t;
    const x = (t) => L + ((W - L - 4) * (t - t0)) / Math.max(1, t1 - t0);
    const y = (v) => T + (H - T - B) * (1 - v / max);
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
    add('path', { class: 'area', d: `${d} L${x(t1).toFixed(1)},${H - B} L${L},${H - B} Z` });
    add('path', { class: 'line', d });
    add('text', { x: L, y: H - 4 }, `${Math.round((t1 - t0) / 60000) || '<1'} min ago`);
    add('text', { x: W - 30, y: H - 4 }, 'now');
  }

  async function scale(queue, processes) {
    const res = await fetch('/ops/api/scale', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queue, processes }), credentials: 'same-origin' });
    if (!res.ok) alert(`scale failed: ${(await res.json().catch(() => ({}))).error || res.status}`);
    await refresh();
  }

  // With several partitions: one line for the trades queue as a whole (totals; scale every partition at once).
  function partitionsSummary(queues) {
    const sinks = queues.filter((q) => q.partition !== null && q.partition !== undefined);
    if (sinks.length < 2) return [];
    const sum = (k) => sinks.reduce((n, q) => n + (q.counts[k] || 0), 0);
    const desired = Math.max(...sinks.map((q) => q.desired));
    const name = sinks[0].queue;
    const head = el('div', { class: 'queue-head', 'data-queue-total': name },
      el('h3', {}, `${name} (${sinks.length} partitions)`),
      el('span', {}, `waiting ${fmt(sum('waiting'))} · active ${fmt(sum('active'))} · failed ${fmt(sum('failed'))} in all`),
    );
    if (operator) {
      head.append(
        el('button', { class: 'secondary', 'data-scale-down': name, 'aria-label': `scale every partition of ${name} down`, onclick: () => scale(name, Math.max(0, desired - 1)) }, '− all'),
        el('button', { class: 'secondary', 'data-scale-up': name, 'aria-label': `scale every partition of ${name} up`, onclick: () => scale(name, desired + 1) }, '+ all'),
      );
    }
    return [el('div', { class: 'queue' }, head)];
  }

  function renderQueues(queues) {
    const box = $('queues');
    box.replaceChildren(
      ...partitionsSummary(queues),
      ...queues.map((q) => {
        const current = q.processes.filter((p) => p.freshness === 'current');
        const unsupervised = current.filter((p) => !p.supervised).length;
        const old = q.processes.length - current.length;
        const running = `running ${current.length}` + (unsupervised ? ` (${unsupervised} not run by a supervisor)` : '') + (old ? ` · ${old} stale or gone` : '');
        const head = el('div', { class: 'queue-head' },
          el('h3', {}, q.name),
          el('span', { class: 'badge' }, q.role),
          ...(q.partition === null || q.partition === undefined ? [] : [el('span', { class: 'badge', 'data-partition': q.partition }, `partition ${q.partition}`)]),
          el('span', { 'data-desired': q.name }, q.supervisors ? `desired ${q.desired} per host (${q.supervisors} supervisor${q.supervisors === 1 ? '' : 's'})` : 'no supervisor running: nothing keeps a desired count'),
          el('span', { 'data-running': q.name }, running),
          el('span', { class: 'muted' }, `waiting ${fmt(q.counts.waiting || 0)} · active ${fmt(q.counts.active || 0)} · failed ${fmt(q.counts.failed || 0)}`),
        );
        if (q.crashLoop) head.append(el('span', { class: 'badge bad' }, `crash loop (${q.restarts} restarts)`));
        else if (q.restarts) head.append(el('span', { class: 'muted' }, `${q.restarts} restarts`));
        if (operator) {
          head.append(
            el('button', { class: 'secondary', 'data-scale-down': q.name, 'aria-label': `scale ${q.name} down`, onclick: () => scale(q.name, Math.max(0, q.desired - 1)) }, '−'),
            el('button', { class: 'secondary', 'data-scale-up': q.name, 'aria-label': `scale ${q.name} up`, onclick: () => scale(q.name, q.desired + 1) }, '+'),
          );
        }
        const heard = (p) => p.freshness === 'gone' ? `GONE (not running; last report ${p.lastHeardSeconds} s ago)` : p.freshness === 'stale' ? `STALE (${p.lastHeardSeconds} s ago)` : `${p.lastHeardSeconds} s ago`;
        const rows = q.processes.map((p) =>
          el('tr', { 'data-process': `${q.name}:${p.pid}`, 'data-freshness': p.freshness, class: p.freshness === 'current' ? '' : 'stale' },
            el('td', {}, p.host), el('td', {}, p.pid), el('td', {}, p.role), el('td', {}, fmt(p.concurrency)), el('td', {}, duration(p.uptimeSeconds)), el('td', {}, p.circuit),
            el('td', {}, q.role === 'redrive' ? '-' : fmt(p.spillBacklog) + (p.freshness === 'current' ? '' : ' (old)')),
            el('td', {}, p.supervised ? p.generation : 'not supervised'), el('td', {}, heard(p))),
        );
        const table = el('table', {}, el('thead', {}, el('tr', {}, ...['host', 'pid', 'role', 'concurrency', 'uptime', 'circuit', 'spill', 'generation', 'last heard'].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows));
        return el('div', { class: 'queue', 'data-queue': q.name }, head, q.processes.length ? table : el('p', { class: 'muted' }, 'no process running'));
      }),
    );
  }

  function renderAudit(entries) {
    const rows = entries.map((e) => el('tr', { 'data-audit': e.action }, el('td', {}, e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')), el('td', {}, e.user), el('td', {}, e.role), el('td', {}, e.via), el('td', {}, e.action), el('td', {}, e.target), el('td', {}, e.detail)));
    $('audit-list').replaceChildren(entries.length
      ? el('table', {}, el('thead', {}, el('tr', {}, ...['when (UTC)', 'who', 'role', 'via', 'action', 'on', 'detail'].map((h) => el('th', {}, h)))), el('tbody', {}, ...rows))
      : el('p', { class: 'muted' }, 'no operator action recorded yet'));
  }

  async function refresh() {
    try {
      const res = await fetch('/ops/api/status', { credentials: 'same-origin' });
      if (res.status === 401) return void (location.href = '/login?next=/ops');
      const s = await res.json();
      const h = s.health;
      $('health').replaceChildren(
        tile('Circuit', h.circuit, h.circuit === 'closed' ? 'ok' : h.circuit === 'open' ? 'bad' : 'warn'),
        tile('ClickHouse', h.clickhouse.reachable ? 'reachable' : 'unreachable', h.clickhouse.reachable ? 'ok' : 'bad'),
        tile('Spill backlog', `${fmt(h.spillBacklog)} rows`, h.spillBacklog ? 'warn' : 'ok'),
        tile('Dead letters', fmt(h.dlqDepth), h.dlqDepth ? 'warn' : 'ok'),
        tile('Throughput', h.throughput === null ? 'no data' : `${fmt(h.throughput)} /s`, h.throughput === null ? 'muted' : ''),
        tile('Lag', h.lagMs === null ? 'no data' : `${(h.lagMs / 1000).toFixed(1)} s`, h.lagMs === null ? 'muted' : h.lagMs > 60000 ? 'bad' : ''),
        reconcileTile(s.reconcile),
      );
      $('updated').textContent = `updated ${new Date(s.at).toLocaleTimeString()} · ${s.supervisors.length} supervisor(s)`;
      plot($('plot-throughput'), s.history, (p) => p.throughput, '');
      plot($('plot-lag'), s.history.filter((p) => p.lagMs !== null), (p) => p.lagMs / 1000, '');
      renderQueues(s.queues);
      renderAudit(s.audit || []);
    } catch (err) {
      $('updated').textContent = `cannot load status: ${err}`;
    }
  }

  const LABEL = { 'trades-queue': 'in the trades queue', 'dead-letter': 'dead letter', spill: 'in the spill', clickhouse: 'in ClickHouse' };
  const fieldsTable = (fields) => el('table', { class: 'fields' }, el('tbody', {}, ...Object.entries(fields).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v === null ? '—' : String(v))))));
  $('find-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = $('find-id').value.trim();
    const out = $('find-result');
    out.replaceChildren(el('p', { class: 'muted' }, 'searching…'));
    const res = await fetch(`/ops/api/trades/${encodeURIComponent(id)}`, { credentials: 'same-origin' });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) return void out.replaceChildren(el('p', { class: 'error' }, body.error || `error ${res.status}`));
    const parts = [el('p', { class: `verdict ${body.status}`, 'data-status': body.status }, body.summary)];
    const rows = body.locations.map((l) => {
      const detail = l.where === 'trades-queue' ? `job ${l.jobId}: ${l.state}${l.failedReason ? ` (${l.failedReason})` : ''}`
        : l.where === 'dead-letter' ? `${l.code}: ${l.message} · attempts ${l.attempts} · ${l.failedAt} · job ${l.jobId}`
        : l.where === 'spill' ? `${l.file} since ${l.spilledAt}`
        : `${l.database}.trades · ${l.symbol} · ${l.timeUtc} · inserted ${l.insertedAt}`;
      return el('tr', { 'data-where': l.where }, el('td', {}, LABEL[l.where] || l.where), el('td', {}, detail));
    });
    if (rows.length) parts.push(el('h3', {}, 'Where it is'), el('table', {}, el('tbody', {}, ...rows)));
    if (body.trade) parts.push(el('h3', {}, body.tradeSource === 'clickhouse' ? 'The trade as stored' : 'The trade as queued (dead letter)'), fieldsTable(body.trade));
    if (body.history.length) {
      parts.push(el('h3', {}, 'History'), el('table', { class: 'history' }, el('tbody', {}, ...body.history.map((e) => el('tr', { 'data-event': e.event }, el('td', {}, e.at), el('td', {}, e.event), el('td', {}, e.detail))))));
    }
    for (const u of body.unavailable) parts.push(el('p', { class: 'warn' }, `${u.where} could not be searched: ${u.error}`));
    out.replaceChildren(...parts);
  });

  refresh();
  setInterval(refresh, 2000);
})();
