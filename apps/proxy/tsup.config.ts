import { packageBuild } from '../../tsup.shared.ts';

// main.ts is the `nuncio` bin (its `#!/usr/bin/env node` line is kept, and the file made
// executable); proxy-worker.ts is loaded by every worker thread, so it is an entry of its own.
export default packageBuild(['src/index.ts', 'src/main.ts', 'src/proxy-worker.ts']);
