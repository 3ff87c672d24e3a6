// The transform Lambda's handler, in process: records/s through it with Firehose-shaped events of
// producer-made records (the batch size a 1 MiB processor buffer holds).
import type { FirehoseTransformationEvent } from '../../lambda/contract.js';
import { handler } from '../../lambda/index.js';
import { createEventSource } from '../../src/pipeline/events.js';
import type { Scenario } from '../scenario.js';

function firehoseEvent(size: number): FirehoseTransformationEvent {
  const source = createEventSource({ seed: 3 });
  const now = Date.now();
  const records = Array.from({ length: size }, (_, i) => {
    const event = source.next();
    return {
      recordId: `49546986683135544286507457936321625675700192471156785154${String(i).padStart(6, '0')}`,
      approximateArrivalTimestamp: now,
      data: Buffer.from(JSON.stringify(event)).toString('base64'),
      kinesisRecordMetadata: {
        shardId: 'shardId-000000000000',
        partitionKey: event.user_id,
        approximateArrivalTimestamp: now,
        sequenceNumber: '49546986683135544286507457936321625675700192471156785154',
        subsequenceNumber: 0,
      },
    };
  });
  return {
    invocationId: '00540a87-5050-496a-84e4-e7d92bbaf5e2',
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/bench',
    sourceKinesisStreamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/bench',
    region: 'us-east-1',
    records,
  };
}

export const transformScenario: Scenario = {
  id: 'transform',
  title: 'Transform (Lambda handler in process)',
  figures: [
    {
      id: 'recordsPerCpuSecond',
      label: 'records/s of one core (per CPU second of the process)',
      unit: 'records/s',
      target: { op: '>=', value: 100_000 },
    },
    {
      id: 'recordsPerSecond',
      label: 'records/s, wall clock (lower when the machine is busy)',
      unit: 'records/s',
    },
  ],
  async run(context) {
    // About what a 1 MiB Lambda processor buffer holds of these ~230-byte events.
    const event = firehoseEvent(4_000);
    const check = await handler(event);
    if (check.records.some((r) => r.result !== 'Ok'))
      throw new Error('the transform refused a well-formed event');
    for (let i = 0; i < 20; i++) await handler(event);
    const phaseMs = 2000 * context.scale;
    for (let run = 0; run < context.runs; run++) {
      let records = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      while (performance.now() - started < phaseMs) {
        const result = await handler(event);
        records += result.records.length;
      }
      const perSecond = records / ((performance.now() - started) / 1000);
      const used = process.cpuUsage(cpu);
      const perCpuSecond = records / ((used.user + used.system) / 1e6);
      context.record('recordsPerSecond', perSecond);
      context.record('recordsPerCpuSecond', perCpuSecond);
      context.log(
        `run ${run + 1}: ${perSecond.toFixed(0)} records/s, ${perCpuSecond.toFixed(0)} per CPU second`,
      );
    }
    context.note(
      `batches of ${event.records.length} records, ${(phaseMs / 1000).toFixed(1)} s a run; the target is held ` +
        'against CPU time, which other work on the machine does not inflate',
    );
  },
};
