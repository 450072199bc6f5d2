import { packageBuild } from '../../tsup.shared.ts';

// Workers load `worker-module` by URL (see `threadLocalWorkerModule`), so it is an entry of its own.
export default packageBuild(['src/index.ts', 'src/worker-module.ts']);
