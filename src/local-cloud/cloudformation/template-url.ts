// TemplateURL: a template stored in S3 (the local one), named by a path-style or virtual-hosted URL.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Bucket and key of an S3 object URL: `http(s)://host/bucket/key` or `https://bucket.s3...amazonaws.com/key`. */
export function s3Location(url: string): { bucket: string; key: string } {
  const parsed = new URL(url);
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const hosted = /^(.+)\.s3[.-]/.exec(parsed.hostname);
  if (hosted?.[1]) return { bucket: hosted[1], key: path };
  const slash = path.indexOf('/');
  if (slash <= 0) throw new Error('the URL names no bucket and key');
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

export async function fetchTemplate(s3: S3Client, url: string): Promise<string> {
  const { bucket, key } = s3Location(url);
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString('utf8')) ?? '';
}
