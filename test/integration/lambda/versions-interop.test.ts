// Lambda versions and aliases through boto3, asserting what AWS answers (codes, messages, fields, statuses
// as captured from AWS in LocalStack's parity snapshots of test_lambda_api.py, and public reports).
import { describe, expect, it } from 'vitest';
import { useLocalCloud } from '../../support/local-cloud.js';
import { noBoto3, runBoto3 } from '../../support/outside-clients.js';
import { skipTitle } from '../../support/tools.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

/** Python that zips a Node.js handler answering which version ran, how it was invoked, and `word`. */
const FUNCTIONS = `
import io, zipfile
lam = client('lambda')
ROLE = 'arn:aws:iam::000000000000:role/lambda-role'

def package(word):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        z.writestr('index.js', 'exports.handler = async (e, c) => ({ word: %s, version: c.functionVersion, '
                   'arn: c.invokedFunctionArn, env: process.env.AWS_LAMBDA_FUNCTION_VERSION });' % json.dumps(word))
    return buf.getvalue()

def invoke(**params):
    r = lam.invoke(**params)
    return {'executed': r['ExecutedVersion'], 'payload': json.loads(r['Payload'].read())}

def brief(config):
    return {k: config.get(k) for k in ('FunctionArn', 'Version', 'State', 'LastUpdateStatus', 'Description')}
`;

describe('Lambda versions and aliases with boto3', () => {
  const lc = useLocalCloud();

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: Publish on create and update, PublishVersion, GetFunction by Qualifier, ListVersionsByFunction, invoking a version',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `${FUNCTIONS}
created = lam.create_function(FunctionName='ver', Runtime='nodejs22.x', Role=ROLE, Handler='index.handler',
                              Code={'ZipFile': package('one')}, Publish=True)
lam.get_waiter('function_active_v2').wait(FunctionName='ver')
r = {'created': {**brief(created), 'status': status(created), 'hasLastUpdateStatus': 'LastUpdateStatus' in created}}
r['get1'] = brief(lam.get_function(FunctionName='ver', Qualifier='1')['Configuration'])
r['getLatest'] = brief(lam.get_function(FunctionName='ver', Qualifier='$LATEST')['Configuration'])
r['getUnqualified'] = brief(lam.get_function(FunctionName='ver')['Configuration'])
r['configByArn'] = brief(lam.get_function_configuration(FunctionName='${ARN}:ver:1'))
updated = lam.update_function_code(FunctionName='ver', ZipFile=package('two'), Publish=True)
r['updated'] = brief(updated)
lam.get_waiter('function_updated_v2').wait(FunctionName='ver')
latest = lam.get_function(FunctionName='ver')['Configuration']
again = lam.publish_version(FunctionName='ver', Description='ignored: nothing changed')
r['again'] = {**brief(again), 'status': status(again)}
r['latestRevisionKept'] = lam.get_function(FunctionName='ver')['Configuration']['RevisionId'] == latest['RevisionId']
r['wrongSha'] = err(lam.publish_version, FunctionName='ver', CodeSha256='not-the-sha')
r['latestSha'] = latest['CodeSha256']
r['wrongRevision'] = err(lam.publish_version, FunctionName='ver', RevisionId='not-the-revision')
lam.update_function_configuration(FunctionName='ver', Description='third')
lam.get_waiter('function_updated_v2').wait(FunctionName='ver')
before = lam.get_function(FunctionName='ver')['Configuration']['RevisionId']
third = lam.publish_version(FunctionName='ver', Description='the third')
r['third'] = brief(third)
r['publishGivesLatestNewRevision'] = lam.get_function(FunctionName='ver')['Configuration']['RevisionId'] != before
listed = lam.list_versions_by_function(FunctionName='ver')['Versions']
r['listed'] = [{k: v.get(k) for k in ('FunctionArn', 'Version', 'Description')} for v in listed]
r['listedHasState'] = any('State' in v or 'LastUpdateStatus' in v for v in listed)
page = lam.list_versions_by_function(FunctionName='ver', MaxItems=2)
r['page'] = {'versions': [v['Version'] for v in page['Versions']], 'next': page.get('NextMarker')}
r['invoke1'] = invoke(FunctionName='ver', Qualifier='1')
r['invoke2ByArn'] = invoke(FunctionName='${ARN}:ver:2')
r['invokeLatest'] = invoke(FunctionName='ver', Qualifier='$LATEST')
r['invokeUnqualified'] = invoke(FunctionName='ver')
r['missingVersion'] = err(lam.get_function, FunctionName='ver', Qualifier='7')
r['invokeMissingVersion'] = err(lam.invoke, FunctionName='ver', Qualifier='7')
r['mismatch'] = err(lam.get_function, FunctionName='${ARN}:ver:1', Qualifier='$LATEST')
r['deleteLatest'] = err(lam.delete_function, FunctionName='ver', Qualifier='$LATEST')
r['deleteAlias'] = err(lam.delete_function, FunctionName='ver', Qualifier='some-alias')
r['deleteMissingVersion'] = status(lam.delete_function(FunctionName='ver', Qualifier='99'))
r['deleteVersion1'] = status(lam.delete_function(FunctionName='ver', Qualifier='1'))
r['afterDelete'] = [v['Version'] for v in lam.list_versions_by_function(FunctionName='ver')['Versions']]
lam.update_function_configuration(FunctionName='ver', Description='fourth')
lam.get_waiter('function_updated_v2').wait(FunctionName='ver')
r['numbersNotReused'] = lam.publish_version(FunctionName='ver')['Version']
r['tagVersion'] = err(lam.tag_resource, Resource='${ARN}:ver:2', Tags={'team': 'data'})
lam.delete_function(FunctionName='ver')
r['gone'] = err(lam.get_function, FunctionName='ver', Qualifier='2')
r['deleteGoneWithQualifier'] = err(lam.delete_function, FunctionName='ver', Qualifier='2')
out(r)
`,
      );
      expect(result.created).toEqual({
        // The create answer is $LATEST's (unqualified ARN, still Pending, no LastUpdateStatus), Version "1".
        FunctionArn: `${ARN}:ver`,
        Version: '1',
        State: 'Pending',
        LastUpdateStatus: null,
        Description: '',
        status: 201,
        hasLastUpdateStatus: false,
      });
      expect(result.get1).toMatchObject({ FunctionArn: `${ARN}:ver:1`, Version: '1', State: 'Active' });
      expect(result.getLatest).toMatchObject({ FunctionArn: `${ARN}:ver:$LATEST`, Version: '$LATEST' });
      expect(result.getUnqualified).toMatchObject({ FunctionArn: `${ARN}:ver`, Version: '$LATEST' });
      expect(result.configByArn).toMatchObject({ FunctionArn: `${ARN}:ver:1`, Version: '1' });
      // Publish on UpdateFunctionCode answers the new version, Pending while $LATEST's update runs.
      expect(result.updated).toMatchObject({ FunctionArn: `${ARN}:ver:2`, Version: '2', State: 'Pending' });
      // Nothing changed since version 2: the same version comes back, its description untouched.
      expect(result.again).toEqual({
        FunctionArn: `${ARN}:ver:2`,
        Version: '2',
        State: 'Active',
        LastUpdateStatus: 'Successful',
        Description: '',
        status: 201,
      });
      expect(result.latestRevisionKept).toBe(true);
      expect(result.wrongSha).toEqual({
        code: 'InvalidParameterValueException',
        message: `CodeSHA256 (not-the-sha) is different from current CodeSHA256 in $LATEST (${result.latestSha}). Please try again with the CodeSHA256 in $LATEST.`,
        status: 400,
      });
      expect(result.wrongRevision).toEqual({
        code: 'PreconditionFailedException',
        message:
          'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
        status: 412,
      });
      expect(result.third).toMatchObject({
        FunctionArn: `${ARN}:ver:3`,
        Version: '3',
        Description: 'the third',
      });
      expect(result.publishGivesLatestNewRevision).toBe(true);
      expect(result.listed).toEqual([
        { FunctionArn: `${ARN}:ver:$LATEST`, Version: '$LATEST', Description: 'third' },
        { FunctionArn: `${ARN}:ver:1`, Version: '1', Description: '' },
        { FunctionArn: `${ARN}:ver:2`, Version: '2', Description: '' },
        { FunctionArn: `${ARN}:ver:3`, Version: '3', Description: 'the third' },
      ]);
      expect(result.listedHasState).toBe(false);
      expect(result.page).toEqual({ versions: ['$LATEST', '1'], next: '1' });
      expect(result.invoke1).toEqual({
        executed: '1',
        payload: { word: 'one', version: '1', arn: `${ARN}:ver:1`, env: '1' },
      });
      expect(result.invoke2ByArn).toEqual({
        executed: '2',
        payload: { word: 'two', version: '2', arn: `${ARN}:ver:2`, env: '2' },
      });
      expect(result.invokeLatest).toEqual({
        executed: '$LATEST',
        payload: { word: 'two', version: '$LATEST', arn: `${ARN}:ver:$LATEST`, env: '$LATEST' },
      });
      expect(result.invokeUnqualified).toMatchObject({ executed: '$LATEST', payload: { arn: `${ARN}:ver` } });
      const notFound = (arn: string) => ({
        code: 'ResourceNotFoundException',
        message: `Function not found: ${arn}`,
        status: 404,
      });
      expect(result.missingVersion).toEqual(notFound(`${ARN}:ver:7`));
      expect(result.invokeMissingVersion).toEqual(notFound(`${ARN}:ver:7`));
      expect(result.mismatch).toEqual({
        code: 'InvalidParameterValueException',
        message: 'The derived qualifier from the function name does not match the specified qualifier.',
        status: 400,
      });
      expect(result.deleteLatest).toEqual({
        code: 'InvalidParameterValueException',
        message: '$LATEST version cannot be deleted without deleting the function.',
        status: 400,
      });
      expect(result.deleteAlias).toEqual({
        code: 'InvalidParameterValueException',
        message: 'Deletion of aliases is not currently supported.',
        status: 400,
      });
      expect(result.deleteMissingVersion).toBe(204);
      expect(result.deleteVersion1).toBe(204);
      expect(result.afterDelete).toEqual(['$LATEST', '2', '3']);
      expect(result.numbersNotReused).toBe('4');
      expect(result.tagVersion).toEqual({
        code: 'InvalidParameterValueException',
        message: 'Tags on function aliases and versions are not supported. Please specify a function ARN.',
        status: 400,
      });
      expect(result.gone).toEqual(notFound(`${ARN}:ver:2`));
      expect(result.deleteGoneWithQualifier).toEqual(notFound(`${ARN}:ver`));
    },
    180_000,
  );

  it.skipIf(noBoto3)(
    skipTitle(
      'boto3: CreateAlias / GetAlias / UpdateAlias / DeleteAlias / ListAliases, their errors, invoking an alias and its routing',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `${FUNCTIONS}
lam.create_function(FunctionName='ali', Runtime='nodejs22.x', Role=ROLE, Handler='index.handler',
                    Code={'ZipFile': package('one')}, Publish=True)
lam.get_waiter('function_active_v2').wait(FunctionName='ali')
lam.update_function_code(FunctionName='ali', ZipFile=package('two'), Publish=True)
lam.get_waiter('function_updated_v2').wait(FunctionName='ali')
r = {}
created = lam.create_alias(FunctionName='ali', Name='live', FunctionVersion='1', Description='production')
r['created'] = {k: v for k, v in created.items() if k != 'ResponseMetadata'}
r['createdStatus'] = status(created)
r['got'] = {k: v for k, v in lam.get_alias(FunctionName='ali', Name='live').items() if k != 'ResponseMetadata'}
r['exists'] = err(lam.create_alias, FunctionName='ali', Name='live', FunctionVersion='2')
r['missingVersion'] = err(lam.create_alias, FunctionName='ali', Name='x', FunctionVersion='10')
r['missingRouted'] = err(lam.create_alias, FunctionName='ali', Name='x', FunctionVersion='1',
                         RoutingConfig={'AdditionalVersionWeights': {'10': 0.5}})
r['missingFunction'] = err(lam.create_alias, FunctionName='nope', Name='x', FunctionVersion='1')
r['numericName'] = err(lam.create_alias, FunctionName='ali', Name='2024', FunctionVersion='1')
r['tooMany'] = err(lam.create_alias, FunctionName='ali', Name='x', FunctionVersion='1',
                   RoutingConfig={'AdditionalVersionWeights': {'1': 0.5, '2': 0.2}})
r['sameVersion'] = err(lam.create_alias, FunctionName='ali', Name='x', FunctionVersion='1',
                       RoutingConfig={'AdditionalVersionWeights': {'1': 0.5}})
r['latestRouted'] = err(lam.create_alias, FunctionName='ali', Name='x', FunctionVersion='$LATEST',
                        RoutingConfig={'AdditionalVersionWeights': {'1': 0.5}})
unchecked = client('lambda', config=__import__('botocore.config').config.Config(parameter_validation=False))
r['tooHigh'] = err(unchecked.create_alias, FunctionName='ali', Name='x', FunctionVersion='1',
                   RoutingConfig={'AdditionalVersionWeights': {'2': 2}})
r['getMissing'] = err(lam.get_alias, FunctionName='ali', Name='nope')
r['updateMissing'] = err(lam.update_alias, FunctionName='ali', Name='nope')
r['getByAliasArn'] = brief(lam.get_function(FunctionName='${ARN}:ali:live')['Configuration'])
r['getByQualifier'] = brief(lam.get_function(FunctionName='ali', Qualifier='live')['Configuration'])
r['getMissingAlias'] = err(lam.get_function, FunctionName='ali', Qualifier='nope')
r['invokeAlias'] = invoke(FunctionName='ali', Qualifier='live')
r['invokeAliasArn'] = invoke(FunctionName='${ARN}:ali:live')
r['wrongRevision'] = err(lam.update_alias, FunctionName='ali', Name='live', RevisionId='not-it')
# All of the invocations go to version 2 at weight 1.0, none at 0.0.
routed = lam.update_alias(FunctionName='ali', Name='live', RoutingConfig={'AdditionalVersionWeights': {'2': 1.0}})
r['routed'] = {k: routed.get(k) for k in ('FunctionVersion', 'RoutingConfig', 'RevisionId')}
r['routedRevisionChanged'] = routed['RevisionId'] != created['RevisionId']
r['allToTwo'] = sorted({invoke(FunctionName='ali:live')['executed'] for _ in range(5)})
lam.update_alias(FunctionName='ali', Name='live', RoutingConfig={'AdditionalVersionWeights': {'2': 0.0}})
r['noneToTwo'] = sorted({invoke(FunctionName='ali:live')['executed'] for _ in range(5)})
cleared = lam.update_alias(FunctionName='ali', Name='live', RoutingConfig={'AdditionalVersionWeights': {}})
r['clearedHasRouting'] = 'RoutingConfig' in cleared
lam.create_alias(FunctionName='ali', Name='canary', FunctionVersion='2')
lam.create_alias(FunctionName='ali', Name='edge', FunctionVersion='$LATEST')
r['all'] = [(a['Name'], a['FunctionVersion']) for a in lam.list_aliases(FunctionName='ali')['Aliases']]
r['forVersion2'] = [a['Name'] for a in lam.list_aliases(FunctionName='ali', FunctionVersion='2')['Aliases']]
r['deleteReferenced'] = err(lam.delete_function, FunctionName='ali', Qualifier='2')
r['deleteAlias'] = status(lam.delete_alias(FunctionName='ali', Name='canary'))
r['deleteMissingAlias'] = status(lam.delete_alias(FunctionName='ali', Name='canary'))
r['deleteVersion2'] = status(lam.delete_function(FunctionName='ali', Qualifier='2'))
r['tagAlias'] = err(lam.tag_resource, Resource='${ARN}:ali:live', Tags={'team': 'data'})
out(r)
`,
      );
      expect(result.created).toEqual({
        AliasArn: `${ARN}:ali:live`,
        Name: 'live',
        FunctionVersion: '1',
        Description: 'production',
        RevisionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(result.createdStatus).toBe(201);
      expect(result.got).toEqual(result.created);
      const error = (code: string, message: string, status: number) => ({ code, message, status });
      expect(result.exists).toEqual(
        error('ResourceConflictException', `Alias already exists: ${ARN}:ali:live`, 409),
      );
      expect(result.missingVersion).toEqual(
        error('ResourceNotFoundException', `Function not found: ${ARN}:ali:10`, 404),
      );
      expect(result.missingRouted).toEqual(result.missingVersion);
      expect(result.missingFunction).toEqual(
        error('ResourceNotFoundException', `Function not found: ${ARN}:nope:1`, 404),
      );
      expect(result.numericName).toEqual(
        error(
          'ValidationException',
          "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)",
          400,
        ),
      );
      expect(result.tooMany).toEqual(
        error(
          'InvalidParameterValueException',
          'Number of items in AdditionalVersionWeights cannot be greater than 1',
          400,
        ),
      );
      expect(result.sameVersion).toEqual(
        error(
          'InvalidParameterValueException',
          'Invalid function version 1. Function version 1 is already included in routing configuration.',
          400,
        ),
      );
      expect(result.latestRouted).toEqual(
        error(
          'InvalidParameterValueException',
          '$LATEST is not supported for an alias pointing to more than 1 version',
          400,
        ),
      );
      expect(result.tooHigh).toEqual(
        error(
          'ValidationException',
          "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]",
          400,
        ),
      );
      expect(result.getMissing).toEqual(
        error('ResourceNotFoundException', `Cannot find alias arn: ${ARN}:ali:nope`, 404),
      );
      expect(result.updateMissing).toEqual(
        error('ResourceNotFoundException', `Alias not found: ${ARN}:ali:nope`, 404),
      );
      // Through an alias: its ARN, its version's number and configuration.
      expect(result.getByAliasArn).toMatchObject({ FunctionArn: `${ARN}:ali:live`, Version: '1' });
      expect(result.getByQualifier).toEqual(result.getByAliasArn);
      expect(result.getMissingAlias).toEqual(
        error('ResourceNotFoundException', `Function not found: ${ARN}:ali:nope`, 404),
      );
      expect(result.invokeAlias).toEqual({
        executed: '1',
        payload: { word: 'one', version: '1', arn: `${ARN}:ali:live`, env: '1' },
      });
      expect(result.invokeAliasArn).toEqual(result.invokeAlias);
      expect(result.wrongRevision).toEqual(
        error(
          'PreconditionFailedException',
          'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
          412,
        ),
      );
      expect(result.routed).toMatchObject({
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 1.0 } },
      });
      expect(result.routedRevisionChanged).toBe(true);
      expect(result.allToTwo).toEqual(['2']);
      expect(result.noneToTwo).toEqual(['1']);
      expect(result.clearedHasRouting).toBe(false);
      expect(result.all).toEqual([
        ['canary', '2'],
        ['edge', '$LATEST'],
        ['live', '1'],
      ]);
      expect(result.forVersion2).toEqual(['canary']);
      expect(result.deleteReferenced).toEqual(
        error(
          'ResourceConflictException',
          'Unable to delete version because the following aliases reference it: [canary]',
          409,
        ),
      );
      expect(result.deleteAlias).toBe(204);
      expect(result.deleteMissingAlias).toBe(204);
      expect(result.deleteVersion2).toBe(204);
      expect(result.tagAlias).toEqual(
        error(
          'InvalidParameterValueException',
          'Tags on function aliases and versions are not supported. Please specify a function ARN.',
          400,
        ),
      );
    },
    180_000,
  );
  it.skipIf(noBoto3)(
    skipTitle(
      'boto3 + CloudFormation: AWS::Lambda::Version and AWS::Lambda::Alias deploy, update to a new version, delete',
      noBoto3,
    ),
    async () => {
      const result = await runBoto3(
        lc().cloud.endpoint,
        `${FUNCTIONS}
cfn = client('cloudformation')

def template(word, version_id):
    return json.dumps({
        'Resources': {
            'Fn': {'Type': 'AWS::Lambda::Function', 'Properties': {
                'FunctionName': 'cfn-versioned', 'Runtime': 'nodejs22.x', 'Handler': 'index.handler', 'Role': ROLE,
                'Code': {'ZipFile': 'exports.handler = async (e, c) => ({ word: %s, version: c.functionVersion });'
                                    % json.dumps(word)}}},
            version_id: {'Type': 'AWS::Lambda::Version', 'Properties': {'FunctionName': {'Ref': 'Fn'},
                                                                         'Description': word}},
            'Live': {'Type': 'AWS::Lambda::Alias', 'Properties': {
                'FunctionName': {'Ref': 'Fn'}, 'Name': 'live',
                'FunctionVersion': {'Fn::GetAtt': [version_id, 'Version']}}},
            'Allow': {'Type': 'AWS::Lambda::Permission', 'Properties': {
                'FunctionName': {'Ref': 'Live'}, 'Action': 'lambda:InvokeFunction',
                'Principal': 'firehose.amazonaws.com'}},
        },
        'Outputs': {'VersionArn': {'Value': {'Ref': version_id}}, 'AliasArn': {'Value': {'Ref': 'Live'}}},
    })

def settle(name):
    for _ in range(600):
        stack = cfn.describe_stacks(StackName=name)['Stacks'][0]
        if not stack['StackStatus'].endswith('IN_PROGRESS'):
            return stack
        time.sleep(0.25)
    raise Exception('stack did not settle')

def outputs(stack):
    return {o['OutputKey']: o['OutputValue'] for o in stack.get('Outputs', [])}

r = {}
stack_id = cfn.create_stack(StackName='versioned', TemplateBody=template('one', 'VersionOne'))['StackId']
stack = settle(stack_id)
r['created'] = {'status': stack['StackStatus'], 'outputs': outputs(stack)}
r['invokeAlias'] = invoke(FunctionName=outputs(stack)['AliasArn'])
r['aliasPolicy'] = json.loads(lam.get_policy(FunctionName='cfn-versioned', Qualifier='live')['Policy'])['Statement'][0]['Resource']
r['functionPolicy'] = err(lam.get_policy, FunctionName='cfn-versioned')
cfn.update_stack(StackName='versioned', TemplateBody=template('two', 'VersionTwo'))
stack = settle('versioned')
r['updated'] = {'status': stack['StackStatus'], 'outputs': outputs(stack)}
r['invokeAliasAfter'] = invoke(FunctionName='cfn-versioned:live')
r['versionsAfter'] = [(v['Version'], v['Description']) for v in lam.list_versions_by_function(FunctionName='cfn-versioned')['Versions']]
cfn.delete_stack(StackName='versioned')
r['deleted'] = settle(stack_id)['StackStatus']
r['functionGone'] = err(lam.get_function, FunctionName='cfn-versioned')
out(r)
`,
      );
      expect(result.created).toEqual({
        status: 'CREATE_COMPLETE',
        outputs: { VersionArn: `${ARN}:cfn-versioned:1`, AliasArn: `${ARN}:cfn-versioned:live` },
      });
      expect(result.invokeAlias).toEqual({ executed: '1', payload: { word: 'one', version: '1' } });
      // A permission on the alias's ARN is the alias's own policy, not the function's.
      expect(result.aliasPolicy).toBe(`${ARN}:cfn-versioned:live`);
      expect(result.functionPolicy).toMatchObject({ code: 'ResourceNotFoundException', status: 404 });
      // The new Version resource publishes version 2, the alias moves to it, the old version is deleted.
      expect(result.updated).toEqual({
        status: 'UPDATE_COMPLETE',
        outputs: { VersionArn: `${ARN}:cfn-versioned:2`, AliasArn: `${ARN}:cfn-versioned:live` },
      });
      expect(result.invokeAliasAfter).toEqual({ executed: '2', payload: { word: 'two', version: '2' } });
      expect(result.versionsAfter).toEqual([
        ['$LATEST', ''],
        ['2', 'two'],
      ]);
      expect(result.deleted).toBe('DELETE_COMPLETE');
      expect(result.functionGone).toMatchObject({ code: 'ResourceNotFoundException', status: 404 });
    },
    180_000,
  );
});
