import type { IncomingHttpHeaders } from 'node:http';

export interface SigningScope {
  accessKeyId: string;
  region: string;
  service: string;
}

// Credential = <access key>/<yyyymmdd>/<region>/<service>/aws4_request
const CREDENTIAL = /^([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request$/;

function parseCredential(credential: string | null | undefined): SigningScope | undefined {
  const match = credential ? CREDENTIAL.exec(credential.trim()) : null;
  if (!match) return undefined;
  const [, accessKeyId = '', region = '', service = ''] = match;
  return { accessKeyId, region, service };
}

/**
 * The SigV4 scope of a request, from the Authorization header or a presigned URL's X-Amz-Credential.
 * Signatures are not verified: any credentials are accepted, as the design asks.
 */
export function signingScope(headers: IncomingHttpHeaders, url: URL): SigningScope | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('AWS4-HMAC-SHA256')) {
    const credential = /Credential=([^,\s]+)/.exec(authorization)?.[1];
    return parseCredential(credential);
  }
  return parseCredential(url.searchParams.get('X-Amz-Credential'));
}
