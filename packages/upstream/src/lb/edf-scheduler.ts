/**
 * Envoy's earliest-deadline-first scheduler for weighted picks: each entry's next deadline is the
 * current time plus `1 / weight`, the pick is the earliest deadline (ties in insertion order), and
 * the picked entry goes back with its next deadline. Over time each entry is picked in proportion
 * to its weight, spread out rather than in bursts. A binary heap: O(log n) per pick.
 */
export class EdfScheduler<T> {
  private readonly items: T[];
  private readonly weights: Float64Array;
  private readonly deadlines: Float64Array;
  private readonly order: Float64Array;
  /** Heap of indices into the arrays above. */
  private readonly heap: Int32Array;
  private currentTime: number;
  private sequence: number;

  constructor(items: readonly T[], weights: readonly number[]) {
    const n = items.length;
    this.items = [...items];
    this.weights = Float64Array.from(weights);
    this.deadlines = new Float64Array(n);
    this.order = new Float64Array(n);
    this.heap = new Int32Array(n);
    this.currentTime = 0;
    this.sequence = 0;
    for (let i = 0; i < n; i++) {
      this.deadlines[i] = 1 / (this.weights[i] as number);
      this.order[i] = this.sequence++;
      this.heap[i] = i;
    }
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** How many entries the scheduler holds. */
  get size(): number {
    return this.items.length;
  }

  /** Picks the entry with the earliest deadline and schedules its next turn. */
  pick(): T | undefined {
    if (this.items.length === 0) return undefined;
    const top = this.heap[0] as number;
    this.currentTime = this.deadlines[top] as number;
    this.deadlines[top] = this.currentTime + 1 / (this.weights[top] as number);
    this.order[top] = this.sequence++;
    this.siftDown(0);
    return this.items[top];
  }

  private less(a: number, b: number): boolean {
    const da = this.deadlines[a] as number;
    const db = this.deadlines[b] as number;
    return da < db || (da === db && (this.order[a] as number) < (this.order[b] as number));
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const n = heap.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      let smallest = left;
      if (right < n && this.less(heap[right] as number, heap[left] as number)) smallest = right;
      if (!this.less(heap[smallest] as number, heap[i] as number)) return;
      const tmp = heap[i] as number;
      heap[i] = heap[smallest] as number;
      heap[smallest] = tmp;
      i = smallest;
    }
  }
}
