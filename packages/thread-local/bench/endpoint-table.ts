// The thread-local object of the benchmark, loaded by main and every worker: a worker's view of a
// cluster's endpoints. Each snapshot is applied as a load balancer would take it in: one pass over
// every endpoint (healthy count and total weight), whichever the encoding.
import {
  defineThreadLocal,
  SharedTable,
  type SharedTableData,
  type ThreadLocalObject,
} from '@nuncio/thread-local';

export const endpointSchema = {
  address: 'string',
  port: 'u16',
  weight: 'u32',
  health: 'u8',
} as const;
export type EndpointSchema = typeof endpointSchema;

/** An endpoint as plain data, the structured-clone encoding's element. */
export interface Endpoint {
  address: string;
  port: number;
  weight: number;
  health: number;
}

/** The two encodings of the same membership. */
export type EndpointSnapshot =
  | { encoding: 'clone'; endpoints: Endpoint[] }
  | { encoding: 'shared'; table: SharedTableData<EndpointSchema> };

export class EndpointTable implements ThreadLocalObject<EndpointSnapshot> {
  healthy = 0;
  totalWeight = 0;
  /** The shared table of the current snapshot, wrapped once per snapshot. */
  table: SharedTable<EndpointSchema> | null = null;

  onSnapshot(snapshot: EndpointSnapshot): void {
    let healthy = 0;
    let totalWeight = 0;
    if (snapshot.encoding === 'clone') {
      this.table = null;
      for (const endpoint of snapshot.endpoints) {
        if (endpoint.health === 1) {
          healthy++;
          totalWeight += endpoint.weight;
        }
      }
    } else {
      const table = SharedTable.from(snapshot.table);
      this.table = table;
      const health = table.column('health');
      const weight = table.column('weight');
      for (let i = 0; i < table.length; i++) {
        if (health[i] === 1) {
          healthy++;
          totalWeight += weight[i] as number;
        }
      }
    }
    this.healthy = healthy;
    this.totalWeight = totalWeight;
  }
}

export const endpointTable = defineThreadLocal(
  import.meta.url,
  'endpointTable',
  () => new EndpointTable(),
);

/** `count` endpoints, one in ten unhealthy. */
export function makeEndpoints(count: number): Endpoint[] {
  return Array.from({ length: count }, (_, i) => ({
    address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    port: 8000 + (i % 1000),
    weight: 1 + (i % 5),
    health: i % 10 === 0 ? 0 : 1,
  }));
}
