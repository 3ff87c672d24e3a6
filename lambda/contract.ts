// Kinesis Data Firehose's data-transformation contract (event in, response out), as AWS documents it.
// The local cloud's Firehose builds these events and checks these responses, so both sides share the types.

export interface FirehoseKinesisRecordMetadata {
  shardId: string;
  partitionKey: string;
  approximateArrivalTimestamp: number;
  sequenceNumber: string;
  subsequenceNumber: number;
}

export interface FirehoseTransformationRecord {
  recordId: string;
  /** Epoch milliseconds. */
  approximateArrivalTimestamp: number;
  /** Base64 of the record's bytes. */
  data: string;
  /** Present when the delivery stream's source is a Kinesis stream. */
  kinesisRecordMetadata?: FirehoseKinesisRecordMetadata;
}

export interface FirehoseTransformationEvent {
  invocationId: string;
  deliveryStreamArn: string;
  sourceKinesisStreamArn?: string;
  region: string;
  records: FirehoseTransformationRecord[];
}

export type FirehoseTransformationResultStatus = 'Ok' | 'Dropped' | 'ProcessingFailed';

export interface FirehoseTransformationResultRecord {
  recordId: string;
  result: FirehoseTransformationResultStatus;
  /** Base64 of the output bytes. */
  data: string;
}

export interface FirehoseTransformationResult {
  records: FirehoseTransformationResultRecord[];
}
