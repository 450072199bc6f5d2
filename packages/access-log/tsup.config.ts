import { packageBuild } from '../../tsup.shared.ts';

// The flush thread's entry is loaded by URL from the manager, so it is built as an entry of its own.
export default packageBuild(['src/index.ts', 'src/flush-thread.ts']);
