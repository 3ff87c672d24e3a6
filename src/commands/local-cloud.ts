// `kinesis-tui local-cloud`: the local cloud as a standalone server for the aws CLI, boto3 and other tools.
import { createLocalCloud } from '../local-cloud/cloud.js';
import { LocalCloudStartError } from '../local-cloud/data-dir.js';
import { defaultOptions, type LocalCloudOptions } from '../local-cloud/options.js';
import { EXIT } from './exit-codes.js';

export async function runLocalCloud(
  overrides: Partial<LocalCloudOptions> & Pick<LocalCloudOptions, 'dataDir'>,
): Promise<number> {
  // Signals are taken before anything starts: one that lands while starting, or the instant the ready line
  // is out, still stops the services and their children.
  let signalled: NodeJS.Signals | undefined;
  let wake: () => void = () => undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signalled ??= signal;
    wake();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    let cloud: Awaited<ReturnType<typeof createLocalCloud>>;
    try {
      cloud = await createLocalCloud(defaultOptions(overrides));
    } catch (error) {
      if (error instanceof LocalCloudStartError) {
        process.stderr.write(`kinesis-tui local-cloud: ${error.message}\n`);
        return EXIT.target;
      }
      throw error;
    }
    if (!signalled) {
      process.stdout.write(
        `local cloud ready at ${cloud.endpoint} (data dir ${overrides.dataDir}, log ${cloud.logPath})` +
          (overrides.without?.length
            ? `, without ${overrides.without.join(', ')}: CloudFormation reports their resources made and makes none, as a partial endpoint would`
            : '') +
          '; Ctrl-C stops it\n',
      );
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    process.stdout.write(`local cloud stopping (${signalled})\n`);
    await cloud.stop();
    return EXIT.ok;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}
