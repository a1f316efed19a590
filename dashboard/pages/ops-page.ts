import type { Session } from '../auth/session-store.js';
import { escapeHtml } from './escape-html.js';

/** The operations page shell; /ops/static/ops.js fills it from /ops/api/status every 2 s. */
export function opsPage(session: Session, boardPath: string): string {
  const operator = session.role === 'operator';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>trade-sync · operations</title><link rel="stylesheet" href="/ops/static/ops.css"></head>
<body data-role="${escapeHtml(session.role)}">
<header class="bar"><strong>trade-sync</strong><nav><a href="${escapeHtml(boardPath)}">Queues (Bull Board)</a><a href="/ops" aria-current="page">Operations</a></nav>
<span class="who">${escapeHtml(session.user)} · ${escapeHtml(session.role)}</span><form method="post" action="/logout"><button class="link" type="submit">Sign out</button></form></header>
<main>
<section class="card" id="find"><h2>Find a trade</h2>
<form id="find-form" class="row"><input id="find-id" name="id" placeholder="trade id (UUID)" aria-label="trade id" size="40" maxlength="36" autocomplete="off"><button type="submit">Find</button></form>
<div id="find-result" aria-live="polite"></div></section>
<section class="card"><h2>Pipeline health</h2><div id="health" class="tiles"></div><p class="muted" id="updated"></p></section>
<section class="card"><h2>Last minutes</h2><div class="plots"><figure><figcaption>Throughput (trades/s)</figcaption><svg id="plot-throughput" viewBox="0 0 600 160" role="img" aria-label="throughput plot"></svg></figure>
<figure><figcaption>End-to-end lag (s)</figcaption><svg id="plot-lag" viewBox="0 0 600 160" role="img" aria-label="lag plot"></svg></figure></div></section>
<section class="card"><h2>Worker processes</h2>${operator ? '' : '<p class="muted">Read-only: scaling needs the operator role.</p>'}<div id="queues"></div></section>
<section class="card" id="audit"><h2>Audit trail</h2><p class="muted">Every operator action (retry, retry all, clean, scale, rolling restart, redrive from the CLI): who, role, when, what.</p><div id="audit-list"></div></section>
</main><script src="/ops/static/ops.js"></script></body></html>`;
}
