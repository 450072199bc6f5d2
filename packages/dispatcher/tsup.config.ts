import { packageBuild } from '../../tsup.shared.ts';

// The worker runtime's and the guard dog's thread entries are files of their own: each thread
// starts from one of them.
export default packageBuild(['src/index.ts', 'src/worker-main.ts', 'src/guard-dog-thread.ts']);
