import { escapeHtml } from './escape-html.js';

/** The login form. Holds no secret: the form posts user name and password to /login. */
export function loginPage(options: { next: string; error?: string; user?: string }): string {
  const error = options.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(options.error)}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>trade-sync · sign in</title><link rel="stylesheet" href="/ops/static/ops.css"></head>
<body class="login"><main class="card login-card">
<h1>trade-sync</h1><p class="muted">Operator dashboard</p>${error}
<form method="post" action="/login">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<label>User <input name="user" autocomplete="username" required maxlength="64" value="${escapeHtml(options.user ?? '')}" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}
