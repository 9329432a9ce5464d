import type { AsyncApiDocument } from './asyncapi-document.js';

export interface PageUrls {
  readonly script: string;
  readonly styles: string;
  readonly boot: string;
}

/**
 * The docs page: the AsyncAPI React component's standalone bundle and stylesheet, served by
 * this app from node_modules, rendering the document embedded in the page. Every URL is this
 * app's own, so the page works with no network (and its Content-Security-Policy says so).
 */
export function asyncApiPage(document: AsyncApiDocument, urls: PageUrls): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} · AsyncAPI</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(urls.styles)}">
</head>
<body>
<div id="asyncapi"></div>
<script id="asyncapi-document" type="application/json">${embedJson(document)}</script>
<script src="${escapeHtml(urls.script)}"></script>
<script src="${escapeHtml(urls.boot)}"></script>
</body>
</html>
`;
}

/** Runs in the browser: renders the embedded document (a file, so the page needs no inline script). */
export const BOOT_SCRIPT = `(function () {
  var schema = JSON.parse(document.getElementById('asyncapi-document').textContent);
  var config = { show: { sidebar: true, servers: true, operations: true, messages: true, schemas: true, errors: true } };
  AsyncApiStandalone.render({ schema: schema, config: config }, document.getElementById('asyncapi'));
})();
`;

/** A security policy that lets the page load nothing from anywhere but this app. */
export const PAGE_CSP = [
  "default-src 'none'",
  // The bundle's parser compiles JSON Schemas to functions (ajv).
  "script-src 'self' 'unsafe-eval'",
  // The component sets style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
].join('; ');

/** JSON inside <script>: `<` escaped, so no string in the document can close the element. */
function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
