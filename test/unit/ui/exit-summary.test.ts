import { describe, expect, it } from 'vitest';
import { exitSummary } from '../../../src/ui/exit-summary.js';
import type { SessionState } from '../../../src/ui/state/session.js';

function state(patch: Partial<SessionState>): SessionState {
  return {
    connection: 'ready',
    stackName: 'kinesis-tui',
    stack: null,
    done: { deploy: false, stream: false, verify: false, cleanup: false },
    sent: { sent: 0, acknowledged: 0, failed: 0 },
    pick: {},
    ...patch,
  };
}

const aws = {
  kind: 'aws' as const,
  region: 'eu-west-1',
  profile: 'dev',
  identity: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/me' },
  description: 'AWS account 123456789012, eu-west-1',
};
const local = {
  kind: 'local' as const,
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:4566',
  dataDir: '/data/cloud',
  identity: { account: '000000000000', arn: 'arn:aws:iam::000000000000:root' },
  description: 'local cloud',
};
const stack = { name: 'kinesis-tui', status: 'CREATE_COMPLETE', outputs: {} };

describe('the lines printed when the wizard ends', () => {
  it('on AWS, says the stack is still there and costs money, and how to delete it', () => {
    const lines = exitSummary(
      state({ target: aws, stack, sent: { sent: 1200, acknowledged: 1190, failed: 10 } }),
      { kind: 'quit' },
    );
    expect(lines).toEqual([
      'kinesis-tui: quit.',
      'Stack kinesis-tui is CREATE_COMPLETE in AWS account 123456789012 (eu-west-1), where its resources cost money until deleted.',
      'This session sent 1,200 events: 1,190 acknowledged, 10 given up.',
      'Next: `kinesis-tui --aws --region eu-west-1 --profile dev` (the wizard), `kinesis-tui verify --aws --region eu-west-1 --profile dev`, or `kinesis-tui teardown --aws --region eu-west-1 --profile dev` to delete it.',
    ]);
  });

  it('on the local cloud, says where the stack is kept; with none, says so', () => {
    expect(exitSummary(state({ target: local, stack }), { kind: 'interrupt' }).slice(0, 2)).toEqual([
      'kinesis-tui: interrupted (Ctrl-C).',
      "Stack kinesis-tui is CREATE_COMPLETE in the local cloud's data dir /data/cloud (kept while the local cloud is stopped; the next run starts it again).",
    ]);
    expect(exitSummary(state({ target: local }), { kind: 'signal', signal: 'SIGTERM' })).toEqual([
      'kinesis-tui: stopped by SIGTERM.',
      "No stack kinesis-tui in the local cloud's data dir /data/cloud.",
    ]);
    // One event is one event.
    expect(
      exitSummary(state({ target: local, sent: { sent: 1, acknowledged: 1, failed: 0 } }), { kind: 'quit' }),
    ).toContain('This session sent 1 event: 1 acknowledged.');
  });

  it('after a crash, names the error and where the details are', () => {
    const lines = exitSummary(
      state({ connection: 'failed', error: 'cannot reach the endpoint', stack: undefined }),
      { kind: 'crash', message: 'boom' },
      '/state/wizard.log',
    );
    expect(lines).toEqual([
      'kinesis-tui: stopped by an unexpected error: boom.',
      'The target could not be opened: cannot reach the endpoint',
      'Details: /state/wizard.log',
    ]);
  });
});
