// /listeners: Envoy's ListenersHandler (listing), text and JSON, over a ListenerManagerView.
import type { FastifyInstance } from 'fastify';
import { json, prettyProtoJson, text } from '../admin-response.ts';
import type { ListenerManagerView, ListenerStatus } from '../listener-manager-view.ts';
import { addressAsJson, addressAsString } from '../network-address.ts';
import { type RouteContext, registerEndpoint } from '../route-kit.ts';
import { listenersSchema } from './schemas.ts';

/** Registers `/listeners` over `view`. */
export function registerListenersRoute(
  fastify: FastifyInstance,
  context: RouteContext,
  view: ListenerManagerView,
): void {
  registerEndpoint(fastify, context, {
    path: '/listeners',
    help: 'print listener info',
    description:
      "Every active listener: one text line `<name>::<address>` per address it listens on, or with `format=json` Envoy's `envoy.admin.v3.Listeners`.",
    mutates: false,
    params: [{ name: 'format', help: 'File format to use', choices: ['text', 'json'] }],
    operationId: 'listeners',
    responses: { 200: { description: 'The listeners.', text: true, json: listenersSchema } },
    handle: (query) => {
      const listeners = view.listeners();
      if (query.format === 'json') {
        return json(prettyProtoJson({ listener_statuses: listeners.map(listenerJson) }));
      }
      let out = '';
      for (const listener of listeners) {
        for (const address of listener.localAddresses) {
          out += `${listener.name}::${addressAsString(address)}\n`;
        }
      }
      return text(out);
    },
  });
}

function listenerJson(listener: ListenerStatus): Record<string, unknown> {
  const [first, ...rest] = listener.localAddresses;
  return {
    name: listener.name,
    ...(first === undefined ? {} : { local_address: addressAsJson(first) }),
    ...(rest.length === 0 ? {} : { additional_local_addresses: rest.map(addressAsJson) }),
  };
}
