// What Firehose publishes to CloudWatch (AWS/Firehose, dimension DeliveryStreamName), with AWS's names and
// units ("Monitor Amazon Data Firehose with CloudWatch metrics"): data read or put in, the transform's
// invocations and records, delivery to S3 and how fresh it is.
import type { MetricPublisher } from '../cloudwatch/metrics.js';

export const NAMESPACE = 'AWS/Firehose';

export class DeliveryMetrics {
  private readonly dimensions;

  constructor(
    private readonly metrics: MetricPublisher,
    deliveryStreamName: string,
  ) {
    this.dimensions = [{ Name: 'DeliveryStreamName', Value: deliveryStreamName }];
  }

  private put(name: string, value: number, unit: string): void {
    this.metrics.put(NAMESPACE, name, this.dimensions, value, unit);
  }

  /** Records taken in: from the source stream (GetRecords) or put directly (PutRecord, PutRecordBatch). */
  incoming(records: number, bytes: number, from: 'kinesis' | 'direct-put'): void {
    if (records === 0) return;
    this.put('IncomingRecords', records, 'Count');
    this.put('IncomingBytes', bytes, 'Bytes');
    if (from === 'kinesis') {
      this.put('DataReadFromKinesisStream.Records', records, 'Count');
      this.put('DataReadFromKinesisStream.Bytes', bytes, 'Bytes');
    }
  }

  /** One invocation of the transform: how long it took and whether it answered as the contract asks. */
  invocation(durationMs: number, succeeded: boolean): void {
    this.put('ExecuteProcessing.Duration', durationMs, 'Milliseconds');
    this.put('ExecuteProcessing.Success', succeeded ? 1 : 0, 'Count');
  }

  /** Records the transform returned Ok or Dropped (successfully processed), and their bytes. */
  processed(records: number, bytes: number): void {
    if (records === 0) return;
    this.put('SucceedProcessing.Records', records, 'Count');
    this.put('SucceedProcessing.Bytes', bytes, 'Bytes');
  }

  /** One S3 put of delivered records: written, or failed (and to be retried). */
  delivery(records: number, bytes: number, succeeded: boolean): void {
    this.put('DeliveryToS3.Success', succeeded ? 1 : 0, 'Count');
    if (!succeeded) return;
    this.put('DeliveryToS3.Records', records, 'Count');
    this.put('DeliveryToS3.Bytes', bytes, 'Bytes');
    this.put('DeliveryToS3.ObjectCount', 1, 'Count');
  }

  /** The age of the oldest record Firehose holds, seconds (0 when it holds none). */
  freshness(seconds: number): void {
    this.put('DeliveryToS3.DataFreshness', seconds, 'Seconds');
  }
}
