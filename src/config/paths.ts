// Where kinesis-tui keeps things on the user's machine: under the XDG state dir on Linux
// (~/.local/state/kinesis-tui), and the platform's equivalent elsewhere.
import { join } from 'node:path';
import envPaths from 'env-paths';

const paths = envPaths('kinesis-tui', { suffix: '' });

/** The state dir: local cloud data, producer journals, the debug log. */
export const stateDir = process.env.KINESIS_TUI_STATE_DIR ?? paths.log;

/** The embedded local cloud's default data dir. */
export const defaultLocalCloudDir = join(stateDir, 'local-cloud');
