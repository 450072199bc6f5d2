// `/` and `/help`: Envoy's home page and command list, built from the registered endpoints.
import type { FastifyInstance } from 'fastify';
import type { AdminEndpoint } from '../admin-endpoint.ts';
import { type AdminResponse, ContentType, text } from '../admin-response.ts';
import { type RouteContext, registerEndpoint } from '../route-kit.ts';

/**
 * Registers `/` (HTML for a browser, which asks for `text/html`; Envoy's command list for anything
 * else, such as curl) and `/help`. Register them last: they list what was registered before.
 */
export function registerIndexRoutes(fastify: FastifyInstance, context: RouteContext): void {
  registerEndpoint(fastify, context, {
    path: '/',
    help: 'Admin home page',
    description:
      'An HTML page listing every endpoint (links for reads, forms for the POST-only ones) when the client accepts `text/html`; else the same text as `/help`.',
    mutates: false,
    params: [],
    operationId: 'home',
    responses: {
      200: { description: 'The home page or the command list.', html: true, text: true },
    },
    handle: (_query, request) => {
      const accept = request.headers.accept ?? '';
      return accept.includes('text/html')
        ? homePage(context.endpoints)
        : text(helpText(context.endpoints));
    },
  });
  registerEndpoint(fastify, context, {
    path: '/help',
    help: 'print out list of admin commands',
    mutates: false,
    params: [],
    operationId: 'help',
    responses: {
      200: { description: '`admin commands are:` and one line per endpoint.', text: true },
    },
    handle: () => text(helpText(context.endpoints)),
  });
}

function sorted(endpoints: readonly AdminEndpoint[]): AdminEndpoint[] {
  return [...endpoints].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Envoy's `getHelp`: every endpoint in path order, `(POST)` after the mutating ones, its params. */
export function helpText(endpoints: readonly AdminEndpoint[]): string {
  let out = 'admin commands are:\n';
  for (const endpoint of sorted(endpoints)) {
    out += `  ${endpoint.path}${endpoint.mutates ? ' (POST)' : ''}: ${endpoint.help}\n`;
    for (const param of endpoint.params) {
      out += `      ${param.name}: ${param.help}`;
      if (param.choices !== undefined) out += `; One of (${param.choices.join(', ')})`;
      out += '\n';
    }
  }
  return out;
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// Reads navigate; POST-only endpoints are sent with fetch (their parameters go in the query, as
// Envoy takes them) and the answer is shown below the table. Empty fields are left out.
const SCRIPT =
  'function go(f,post){const q=new URLSearchParams();for(const[k,v]of new FormData(f))if(v!=="")q.append(k,v);' +
  'const u=f.dataset.path+(q.size?"?"+q:"");if(!post){location.href=u;return false;}' +
  'fetch(u,{method:"POST"}).then(r=>r.text()).then(t=>{document.getElementById("out").textContent=t;});return false;}';

function homePage(endpoints: readonly AdminEndpoint[]): AdminResponse {
  let rows = '';
  for (const endpoint of sorted(endpoints)) {
    const path = escapeHtml(endpoint.path);
    const inputs = endpoint.params
      .map((param) => {
        const name = escapeHtml(param.name);
        const title = escapeHtml(param.help);
        if (param.choices === undefined) {
          return `<label title="${title}">${name} <input name="${name}" size="12"></label>`;
        }
        const options = ['', ...param.choices]
          .map((choice) => `<option>${escapeHtml(choice)}</option>`)
          .join('');
        return `<label title="${title}">${name} <select name="${name}">${options}</select></label>`;
      })
      .join(' ');
    const post = endpoint.mutates;
    rows +=
      `<tr><td><form data-path="${path}" onsubmit="return go(this,${post})">` +
      `<button type="submit">${path}</button> ${inputs}</form></td>` +
      `<td>${post ? '(POST) ' : ''}${escapeHtml(endpoint.help)}</td></tr>\n`;
  }
  const body =
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Nuncio admin</title>' +
    '<style>body{font-family:sans-serif}td{padding:2px 8px;vertical-align:top}form{margin:0}</style>' +
    `<script>${SCRIPT}</script></head><body><h1>Nuncio admin</h1>\n<table>\n` +
    `${rows}</table><pre id="out"></pre></body></html>\n`;
  return { status: 200, contentType: ContentType.Html, body };
}
