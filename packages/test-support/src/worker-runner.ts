// Worker entry of runInWorker: imports the module, calls the export, posts the outcome back.
import { parentPort, workerData } from 'node:worker_threads';

const { moduleUrl, exportName, args } = workerData as {
  moduleUrl: string;
  exportName: string;
  args: unknown[];
};

try {
  const module = (await import(moduleUrl)) as Record<string, unknown>;
  const fn = module[exportName];
  if (typeof fn !== 'function') {
    throw new Error(`runInWorker: ${moduleUrl} has no exported function "${exportName}"`);
  }
  const value = await fn(...args);
  parentPort?.postMessage({ ok: true, value });
} catch (error) {
  parentPort?.postMessage({ ok: false, error });
}
