// STS: who the caller is. Every caller of the local cloud is the root of its one account.
import type { ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT_ID } from '../options.js';
import { ServiceError } from '../protocol/common.js';
import { queryParams, sendQueryError, sendQueryResult } from '../protocol/query.js';
import type { EdgeRequest, Service } from '../service.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function createStsService(): Service {
  return {
    name: 'sts',
    async handle(request: EdgeRequest, response: ServerResponse) {
      const action = queryParams(request.body, request.url).get('Action');
      if (action === 'GetCallerIdentity') {
        sendQueryResult(
          response,
          action,
          {
            UserId: LOCAL_ACCOUNT_ID,
            Account: LOCAL_ACCOUNT_ID,
            Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`,
          },
          XMLNS,
        );
        return;
      }
      throw new ServiceError(
        'InvalidAction',
        `Could not find operation ${action ?? '(none)'} for version 2011-06-15`,
      );
    },
    sendError(response: ServerResponse, error: ServiceError) {
      sendQueryError(response, error, XMLNS);
    },
    // No state: every caller is the account's root.
    async reset() {},
  };
}
