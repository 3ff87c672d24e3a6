// Who owns every bucket and object: the local account, shown as S3 shows owners.
import { createHash } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../options.js';

/** The local account's canonical user id (S3's are 64 hex digits). */
export const CANONICAL_USER_ID = createHash('sha256').update(`local-cloud/${LOCAL_ACCOUNT_ID}`).digest('hex');

export const OWNER = { ID: CANONICAL_USER_ID, DisplayName: 'local-cloud' };
