import { request } from 'node:http';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Every key in a bucket (under a prefix), following ListObjectsV2 pages. */
export async function listAllKeys(s3: S3Client, bucket: string, prefix?: string, pageSize?: number) {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        ...(prefix ? { Prefix: prefix } : {}),
        ...(pageSize ? { MaxKeys: pageSize } : {}),
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Puts small objects (body = key), a few at a time. */
export async function putKeys(s3: S3Client, bucket: string, keys: readonly string[], concurrency = 16) {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export interface RawS3Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * A request straight to the local cloud's S3, for what an SDK would not send: a wrong checksum, a
 * hand-set Host header. It carries an Authorization header with an S3 scope (the edge routes by the
 * scope and checks no signature).
 */
export function rawS3Request(
  endpoint: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: Buffer; region?: string },
): Promise<RawS3Answer> {
  const url = new URL(endpoint);
  const region = options.region ?? 'us-east-1';
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: {
          authorization: `AWS4-HMAC-SHA256 Credential=ANYKEY/20261126/${region}/s3/aws4_request, SignedHeaders=host, Signature=00`,
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
          ...options.headers,
        },
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (c: Buffer) => parts.push(c));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(parts).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
