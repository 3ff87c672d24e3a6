// `npm start`: the wizard (or a command: `npm start -- deploy`), compiled first only when an input of the
// build changed since the last `npm run build` (`npm ci` builds), so a start after install is immediate.
// The CLI runs in this process: a second Node start would cost another ~0.1 s before the first frame.
import { build, buildIsCurrent } from './build.mjs';

if (!buildIsCurrent()) {
  console.error('kinesis-tui: the sources changed since the last build; building first (npm run build)');
  build();
}
await import('../dist/src/cli.js');
