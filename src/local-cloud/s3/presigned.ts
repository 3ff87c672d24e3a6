// Presigned URLs: the signature is not checked (any credentials work), but the URL's lifetime is, as
// S3 checks it, and its authentication parameters never reach the backend.
import { S3Error } from './errors.js';

const AUTH_PARAMETERS = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-signedheaders',
  'x-amz-signature',
  'x-amz-security-token',
  'x-amz-user-agent',
  'x-amz-content-sha256',
  'x-amz-checksum-mode',
  'x-amz-sdk-checksum-algorithm',
]);

export function withoutPresignedAuth(query: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams();
  for (const [name, value] of query) if (!AUTH_PARAMETERS.has(name.toLowerCase())) kept.append(name, value);
  return kept;
}

const MAX_EXPIRES = 604800;

/** `yyyyMMddTHHmmssZ` */
function parseAmzDate(value: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s);
}

export function assertPresignedUrlValid(query: URLSearchParams, now = Date.now()): void {
  if (query.get('X-Amz-Algorithm') === null) return;
  const date = query.get('X-Amz-Date') ?? '';
  const expires = query.get('X-Amz-Expires') ?? '';
  const signedAt = parseAmzDate(date);
  if (Number.isNaN(signedAt)) {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
    );
  }
  if (!/^\d+$/.test(expires)) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires should be a number');
  }
  if (Number(expires) > MAX_EXPIRES) {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      'X-Amz-Expires must be less than a week (in seconds) that is 604800',
    );
  }
  const expiresAt = signedAt + Number(expires) * 1000;
  if (now > expiresAt) {
    throw new S3Error('AccessDenied', 'Request has expired', 403, {
      'X-Amz-Expires': expires,
      Expires: new Date(expiresAt).toISOString(),
      ServerTime: new Date(now).toISOString(),
    });
  }
}
