import type { Counter, Gauge, Scope } from '@nuncio/stats';
import type { FailState } from './fail-state.ts';

/**
 * The host's stats, named as Envoy names its wasm runtime stats: `wasm.<runtime>.created` (VM
 * instances created on any thread) and `wasm.<runtime>.active` (instances alive), plus one counter
 * per failure kind, `wasm.<runtime>.<fail_state>` (`runtime_error`, `start_failed`...), a Nuncio
 * addition named after proxy-wasm's `FailState`.
 */
export class WasmHostStats {
  private readonly scope: Scope | undefined;
  private readonly prefix: string;
  private readonly created: Counter | undefined;
  private readonly active: Gauge | undefined;
  private readonly failures: Map<string, Counter>;

  constructor(scope: Scope | undefined, runtime: string) {
    this.scope = scope;
    this.prefix = `wasm.${runtime}.`;
    this.created = scope?.counterFromString(`${this.prefix}created`);
    this.active = scope?.gaugeFromString(`${this.prefix}active`, 'NeverImport');
    this.failures = new Map();
  }

  vmCreated(): void {
    this.created?.inc();
    this.active?.inc();
  }

  vmDestroyed(): void {
    this.active?.dec();
  }

  failed(state: FailState): void {
    if (this.scope === undefined) return;
    let counter = this.failures.get(state);
    if (counter === undefined) {
      counter = this.scope.counterFromString(`${this.prefix}${state}`);
      this.failures.set(state, counter);
    }
    counter.inc();
  }
}
