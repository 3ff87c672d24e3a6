// Template validation against the official CloudFormation resource specification: what CreateStack and
// ValidateTemplate refuse (unknown types, unresolved references, bad intrinsic functions) and what would
// fail when a resource is created (unknown or mistyped properties, missing required ones), worded as
// CloudFormation words it where that is known.
import { checkParameterDeclarations, isListType } from './parameters.js';
import {
  type PropertySpec,
  type ResourceSpecification,
  resourceSpecification,
  typeName,
  type ValueType,
} from './spec.js';
import type { Template, TemplateProblem } from './types.js';

export const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
] as const;

const SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Hooks',
]);

const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
  'Version',
]);

const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);

const FUNCTIONS = [
  'Fn::Base64',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Split',
  'Fn::FindInMap',
  'Fn::Select',
  'Ref',
  'Fn::Equals',
  'Fn::If',
  'Fn::Not',
  'Condition',
  'Fn::And',
  'Fn::Or',
  'Fn::Sub',
  'Fn::Cidr',
  'Fn::Transform',
  'Fn::Length',
  'Fn::ToJsonString',
];

/** Where a value sits: what references it may make, and where CloudFormation says an unresolved one is. */
type Block = 'Resources' | 'Outputs' | 'Conditions';

// Problems are reported in the order CloudFormation finds them, so the first one is what CreateStack
// answers with: the template's form, then types, then references, then properties.
const Stage = {
  Format: 0,
  Types: 1,
  ConditionReferences: 2,
  References: 3,
  Functions: 4,
  Properties: 5,
} as const;
type Stage = (typeof Stage)[keyof typeof Stage];

/** A template problem and when CloudFormation meets it: `template` problems make CreateStack,
 *  UpdateStack, change sets and ValidateTemplate answer with a ValidationError; `resource` problems
 *  (properties) are accepted by the API and fail the resource when it is created (CREATE_FAILED, then
 *  rollback). */
export interface ValidationProblem extends TemplateProblem {
  phase: 'template' | 'resource';
}

export interface ValidateOptions {
  spec?: ResourceSpecification;
}

/** Everything wrong with a template; empty when CloudFormation would accept it and create its resources. */
export function validateTemplate(template: Template, options: ValidateOptions = {}): ValidationProblem[] {
  return new TemplateChecker(
    template as unknown as Record<string, unknown>,
    options.spec ?? resourceSpecification(),
  ).check();
}

/**
 * The message CreateStack, UpdateStack, CreateChangeSet and ValidateTemplate answer a template with
 * (as a ValidationError), or undefined when they accept it. Property problems are not among them: on
 * CloudFormation they fail the resource at creation (see `validateResourceProperties`).
 */
export function templateRejection(template: Template, options: ValidateOptions = {}): string | undefined {
  return validateTemplate(template, options).find((problem) => problem.phase === 'template')?.message;
}

/**
 * Checks one resource's properties once intrinsic functions are resolved (the CloudFormation engine calls
 * it before creating or updating the resource): unknown properties, types, required ones, allowed
 * values. Paths are relative to Properties (`StreamModeDetails/StreamMode`).
 */
export function validateResourceProperties(
  type: string,
  properties: Readonly<Record<string, unknown>> | undefined,
  options: ValidateOptions = {},
): TemplateProblem[] {
  const spec = (options.spec ?? resourceSpecification()).resourceType(type);
  if (!spec) return [{ path: '', message: `Template format error: Unrecognized resource types: [${type}]` }];
  const given: unknown = properties ?? {};
  if (!isRecord(given)) return [{ path: '', message: 'Template format error: Properties must be an object' }];
  const checker = new PropertyChecker({ listParameters: new Set(), attributeKind: () => 'any' });
  checker.object(given, spec.properties, [], spec.openProperties);
  return checker.problems;
}

/** The first problem as a CloudFormation engine reports a resource whose properties it refuses. */
export function propertiesValidationReason(problems: readonly TemplateProblem[]): string | undefined {
  const first = problems[0];
  if (!first) return undefined;
  return first.path ? `${first.message} (at ${first.path})` : first.message;
}

type ResultKind = 'scalar' | 'list' | 'any';

interface PropertyContext {
  /** Parameters whose Ref is a list (CommaDelimitedList, List<...>). */
  listParameters: ReadonlySet<string>;
  attributeKind(resource: string, attribute: string): ResultKind;
}

/** Type-directed checks of property values against the specification. */
class PropertyChecker {
  readonly problems: TemplateProblem[] = [];

  constructor(private readonly context: PropertyContext) {}

  object(
    value: Readonly<Record<string, unknown>>,
    properties: ReadonlyMap<string, PropertySpec>,
    path: string[],
    open = false,
  ) {
    for (const [name, child] of Object.entries(value)) {
      const property = properties.get(name);
      if (!property) {
        if (!open) this.add([...path, name], `Encountered unsupported property ${name}`);
        continue;
      }
      this.value(child, property.type, [...path, name], name);
    }
    for (const property of properties.values()) {
      if (property.required && mayBeAbsent(value[property.name])) {
        this.add([...path, property.name], `Property ${property.name} cannot be empty.`);
      }
    }
  }

  value(value: unknown, type: ValueType, path: string[], name: string) {
    if (value === null || value === undefined) return;
    const fn = intrinsic(value);
    if (fn) {
      this.intrinsic(fn.name, fn.argument, type, path, name);
      return;
    }
    switch (type.kind) {
      case 'json':
        return;
      case 'string':
      case 'timestamp':
        if (!isScalar(value)) return this.mismatch(path, name, type);
        if (type.kind === 'string' && type.allowedValues && !type.allowedValues.includes(String(value))) {
          this.add(path, `Value of property ${name} must be one of [${type.allowedValues.join(', ')}]`);
        }
        return;
      case 'integer':
        if (!(Number.isInteger(value) || (typeof value === 'string' && /^[+-]?\d+$/.test(value)))) {
          return this.mismatch(path, name, type);
        }
        if (type.allowedValues && !type.allowedValues.includes(Number(value))) {
          this.add(path, `Value of property ${name} must be one of [${type.allowedValues.join(', ')}]`);
        }
        return;
      case 'number':
        if (
          !(
            typeof value === 'number' ||
            (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
          )
        ) {
          this.mismatch(path, name, type);
        }
        return;
      case 'boolean':
        if (!(typeof value === 'boolean' || (typeof value === 'string' && /^(true|false)$/i.test(value)))) {
          this.mismatch(path, name, type);
        }
        return;
      case 'list':
        if (!Array.isArray(value)) return this.mismatch(path, name, type);
        value.forEach((element, index) => {
          this.value(element, type.element, [...path, String(index)], name);
        });
        return;
      case 'map':
        if (!isRecord(value)) return this.mismatch(path, name, type);
        for (const [key, element] of Object.entries(value))
          this.value(element, type.element, [...path, key], key);
        return;
      case 'object':
        if (!isRecord(value)) return this.mismatch(path, name, type);
        this.object(value, type.properties, path);
        return;
      case 'union':
        this.union(value, type.types, path, name, type);
        return;
    }
  }

  private union(
    value: unknown,
    members: readonly ValueType[],
    path: string[],
    name: string,
    type: ValueType,
  ) {
    // The value must fit one member; report the problems of the closest fit (an object for an object).
    let closest: TemplateProblem[] | undefined;
    for (const member of members) {
      const trial = new PropertyChecker(this.context);
      trial.value(value, member, path, name);
      if (trial.problems.length === 0) return;
      if (member.kind === 'object' && isRecord(value)) closest = trial.problems;
    }
    if (closest) this.problems.push(...closest);
    else this.mismatch(path, name, type);
  }

  private intrinsic(fn: string, argument: unknown, type: ValueType, path: string[], name: string) {
    if (fn === 'Fn::If') {
      // Each branch must fit the property; AWS::NoValue removes it (checked by the required rule).
      if (Array.isArray(argument) && argument.length === 3) {
        this.value(argument[1], type, path, name);
        this.value(argument[2], type, path, name);
      }
      return;
    }
    if (fn === 'Ref' && argument === 'AWS::NoValue') return;
    const kind = this.resultKind(fn, argument);
    if (!fits(kind, type)) this.mismatch(path, name, type);
  }

  private resultKind(fn: string, argument: unknown): ResultKind {
    switch (fn) {
      case 'Ref':
        return typeof argument === 'string' &&
          (this.context.listParameters.has(argument) || argument === 'AWS::NotificationARNs')
          ? 'list'
          : 'scalar';
      case 'Fn::GetAtt': {
        const [resource, attribute] = getAttTarget(argument) ?? [];
        return resource && typeof attribute === 'string'
          ? this.context.attributeKind(resource, attribute)
          : 'any';
      }
      case 'Fn::Join':
      case 'Fn::Sub':
      case 'Fn::Base64':
      case 'Fn::ImportValue':
      case 'Fn::ToJsonString':
      case 'Fn::Length':
        return 'scalar';
      case 'Fn::Split':
      case 'Fn::GetAZs':
      case 'Fn::Cidr':
        return 'list';
      default:
        return 'any';
    }
  }

  private mismatch(path: string[], name: string, type: ValueType) {
    this.add(
      path,
      type.kind === 'object' || type.kind === 'map'
        ? `Value of property ${name} must be an object`
        : `Value of property ${name} must be of type ${typeName(type)}`,
    );
  }

  private add(path: string[], message: string) {
    this.problems.push({ path: path.join('/'), message });
  }
}

function fits(kind: ResultKind, type: ValueType): boolean {
  if (kind === 'any' || type.kind === 'json') return true;
  if (type.kind === 'union') return type.types.some((member) => fits(kind, member));
  if (kind === 'list') return type.kind === 'list';
  return type.kind !== 'list' && type.kind !== 'object' && type.kind !== 'map';
}

/** A required property is missing when absent, AWS::NoValue, or a Fn::If with an AWS::NoValue branch. */
function mayBeAbsent(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  const fn = intrinsic(value);
  if (fn?.name === 'Ref') return fn.argument === 'AWS::NoValue';
  if (fn?.name === 'Fn::If' && Array.isArray(fn.argument) && fn.argument.length === 3) {
    return mayBeAbsent(fn.argument[1]) || mayBeAbsent(fn.argument[2]);
  }
  return false;
}

/** The template-wide checks: sections, names, references, intrinsic functions, then properties. */
class TemplateChecker {
  private readonly problems: Array<TemplateProblem & { stage: Stage }> = [];
  private readonly resources: Record<string, unknown>;
  private readonly parameters: Record<string, unknown>;
  private readonly conditions: Record<string, unknown>;
  private readonly mappings: Record<string, unknown>;
  private readonly unresolved = {
    Resources: new Set<string>(),
    Outputs: new Set<string>(),
    Conditions: new Set<string>(),
  };
  private readonly transforms: Set<string>;
  /** Which resources each resource needs first (Ref, Fn::GetAtt, Fn::Sub, DependsOn). */
  private readonly dependencies = new Map<string, Set<string>>();
  /** The resource whose Properties or Metadata are being walked. */
  private current: string | undefined;
  /** Inside an Fn::If branch: whether it applies is known only once conditions are evaluated. */
  private conditional = 0;

  constructor(
    private readonly template: Record<string, unknown>,
    private readonly spec: ResourceSpecification,
  ) {
    this.resources = recordOr(template.Resources);
    this.parameters = recordOr(template.Parameters);
    this.conditions = recordOr(template.Conditions);
    this.mappings = recordOr(template.Mappings);
    const transform = template.Transform;
    this.transforms = new Set(
      (Array.isArray(transform) ? transform : [transform]).filter((t) => typeof t === 'string'),
    );
  }

  check(): ValidationProblem[] {
    this.sections();
    for (const problem of checkParameterDeclarations(this.template.Parameters))
      this.add(Stage.Format, problem.path, problem.message);
    this.conditionsSection();
    this.resourcesSection();
    this.outputsSection();
    const blocks = ['Conditions', 'Resources', 'Outputs'] as const;
    for (const block of blocks) {
      const names = [...this.unresolved[block]];
      if (names.length === 0) continue;
      const message =
        block === 'Conditions'
          ? `Template format error: Unresolved dependencies [${names.join(', ')}]. Cannot reference resources in the Conditions block of the template`
          : `Template format error: Unresolved resource dependencies [${names.join(', ')}] in the ${block} block of the template`;
      this.add(block === 'Conditions' ? Stage.ConditionReferences : Stage.References, block, message);
    }
    this.cycles();
    this.resourceProperties();
    return this.problems
      .map((problem, index) => ({ problem, index }))
      .sort((a, b) => a.problem.stage - b.problem.stage || a.index - b.index)
      .map(({ problem }) => ({
        path: problem.path,
        message: problem.message,
        phase: problem.stage === Stage.Properties ? ('resource' as const) : ('template' as const),
      }));
  }

  private sections() {
    const unknown = Object.keys(this.template).filter((key) => !SECTIONS.has(key));
    if (unknown.length > 0) {
      this.add(
        Stage.Format,
        '',
        `Template format error: Invalid template property or properties [${unknown.join(', ')}]`,
      );
    }
    const version = this.template.AWSTemplateFormatVersion;
    // Unquoted in YAML, the version reads as a date.
    const versionText = version instanceof Date ? version.toISOString().slice(0, 10) : version;
    if (version !== undefined && versionText !== '2010-09-09') {
      this.add(
        Stage.Format,
        'AWSTemplateFormatVersion',
        'Template format error: unsupported value for AWSTemplateFormatVersion.',
      );
    }
    if (this.template.Resources !== undefined && !isRecord(this.template.Resources)) {
      this.add(Stage.Format, 'Resources', 'Template format error: Resources must be an object');
    } else if (Object.keys(this.resources).length === 0) {
      this.add(
        Stage.Format,
        'Resources',
        'Template format error: At least one Resources member must be defined.',
      );
    }
    for (const name of Object.keys(this.resources)) {
      if (Object.hasOwn(this.parameters, name)) {
        this.add(
          Stage.Format,
          `Resources/${name}`,
          `Template format error: All resources and parameters must have unique names. Common name(s): [${name}]`,
        );
      }
    }
  }

  private conditionsSection() {
    for (const [name, condition] of Object.entries(this.conditions)) {
      const path = ['Conditions', name];
      const fn = intrinsic(condition);
      if (!fn || !['Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not', 'Condition'].includes(fn.name)) {
        this.add(
          Stage.Format,
          path.join('/'),
          `Template format error: Conditions can only be boolean operations on parameters and other conditions`,
        );
        continue;
      }
      this.walk(condition, path, 'Conditions');
    }
  }

  private resourcesSection() {
    const unknownTypes = new Set<string>();
    for (const [name, resource] of Object.entries(this.resources)) {
      const path = `Resources/${name}`;
      if (!isRecord(resource)) {
        this.add(Stage.Format, path, 'Template format error: Any Resources member must be an object.');
        continue;
      }
      for (const key of Object.keys(resource)) {
        if (!RESOURCE_KEYS.has(key))
          this.add(
            Stage.Format,
            `${path}/${key}`,
            `Template format error: Invalid template resource property '${key}'`,
          );
      }
      const type = resource.Type;
      if (typeof type !== 'string' || type === '') {
        this.add(
          Stage.Format,
          path,
          'Template format error: Every Resources object must contain a Type member.',
        );
      } else {
        const spec = this.spec.resourceType(type);
        if (!spec || (spec.requiredTransform && !this.transforms.has(spec.requiredTransform)))
          unknownTypes.add(type);
      }
      if (resource.Properties !== undefined && !isRecord(resource.Properties)) {
        this.add(Stage.Format, `${path}/Properties`, 'Template format error: Properties must be an object');
      }
      this.dependsOn(name, resource.DependsOn, `${path}/DependsOn`);
      this.conditionName(resource.Condition, `${path}/Condition`, 'Resources');
      for (const key of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
        const policy = resource[key];
        if (policy !== undefined && !(typeof policy === 'string' && DELETION_POLICIES.has(policy))) {
          this.add(
            Stage.Format,
            `${path}/${key}`,
            `Template format error: Unrecognized ${key} ${String(policy)} for resource ${name}`,
          );
        }
      }
      this.current = name;
      this.walk(resource.Properties, [path, 'Properties'], 'Resources');
      this.walk(resource.Metadata, [path, 'Metadata'], 'Resources');
      this.current = undefined;
    }
    if (unknownTypes.size > 0) {
      this.add(
        Stage.Types,
        'Resources',
        `Template format error: Unrecognized resource types: [${[...unknownTypes].join(', ')}]`,
      );
    }
  }

  private dependsOn(resource: string, value: unknown, path: string) {
    if (value === undefined) return;
    const names = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
    if (!names || names.some((name) => typeof name !== 'string')) {
      this.add(Stage.Format, path, 'Template format error: DependsOn must be a string or list of strings.');
      return;
    }
    for (const name of names as string[]) {
      if (!Object.hasOwn(this.resources, name)) this.unresolved.Resources.add(name);
      else this.depend(resource, name);
    }
  }

  private conditionName(value: unknown, path: string, block: 'Resources' | 'Outputs') {
    if (value === undefined) return;
    if (typeof value !== 'string') {
      this.add(Stage.Format, path, 'Template format error: Every Condition member must be a string.');
    } else if (!Object.hasOwn(this.conditions, value)) {
      this.add(
        Stage.References,
        path,
        `Template format error: Unresolved condition dependency ${value} in the ${block} block of the template`,
      );
    }
  }

  private outputsSection() {
    const outputs = this.template.Outputs;
    if (outputs === undefined) return;
    if (!isRecord(outputs)) {
      this.add(Stage.Format, 'Outputs', 'Template format error: Outputs must be an object');
      return;
    }
    for (const [name, output] of Object.entries(outputs)) {
      const path = `Outputs/${name}`;
      if (!isRecord(output) || output.Value === undefined) {
        this.add(
          Stage.Format,
          path,
          'Template format error: Every Outputs member must contain a Value object',
        );
        continue;
      }
      this.conditionName(output.Condition, `${path}/Condition`, 'Outputs');
      this.walk(output.Value, [path, 'Value'], 'Outputs');
      this.walk(output.Export, [path, 'Export'], 'Outputs');
    }
  }

  /** References and intrinsic functions, wherever they sit (also inside JSON such as policy documents). */
  private walk(value: unknown, path: string[], block: Block): void {
    if (value === null) {
      this.add(
        Stage.Format,
        path.join('/'),
        `Template format error: [/${path.join('/')}] 'null' values are not allowed in templates`,
      );
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((element, index) => {
        this.walk(element, [...path, String(index)], block);
      });
      return;
    }
    if (!isRecord(value)) return;
    const keys = Object.keys(value);
    const key = keys[0];
    if (keys.length === 1 && key !== undefined && isFunctionName(key, block)) {
      this.function(key, value[key], [...path, key], block);
      return;
    }
    for (const [child, element] of Object.entries(value)) this.walk(element, [...path, child], block);
  }

  private function(name: string, argument: unknown, path: string[], block: Block) {
    const at = path.join('/');
    const malformed = (message: string) => this.add(Stage.Functions, at, `Template error: ${message}`);
    switch (name) {
      case 'Ref':
        if (typeof argument !== 'string')
          return malformed('every Ref object must have a single String value.');
        return this.reference(argument, block);
      case 'Fn::GetAtt': {
        const target = getAttTarget(argument);
        if (!target) return malformed('every Fn::GetAtt object requires two non-empty parameters.');
        const [resource, attribute] = target;
        if (typeof attribute !== 'string') this.walk(attribute, [...path, '1'], block);
        return this.getAtt(resource, attribute, at, block);
      }
      case 'Fn::Sub':
        return this.sub(argument, path, block);
      case 'Fn::If': {
        if (!Array.isArray(argument) || argument.length !== 3 || typeof argument[0] !== 'string') {
          return malformed('Fn::If requires a list argument with three elements');
        }
        if (!Object.hasOwn(this.conditions, argument[0])) {
          this.add(
            Stage.References,
            at,
            `Template error: unresolved condition dependency ${argument[0]} in Fn::If`,
          );
        }
        this.conditional += 1;
        this.walk(argument[1], [...path, '1'], block);
        this.walk(argument[2], [...path, '2'], block);
        this.conditional -= 1;
        return;
      }
      case 'Fn::Join':
        if (!Array.isArray(argument) || argument.length !== 2 || typeof argument[0] !== 'string') {
          return malformed(
            'every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
          );
        }
        return this.walk(argument[1], [...path, '1'], block);
      case 'Fn::Select':
        if (!Array.isArray(argument) || argument.length !== 2) {
          return malformed(
            'Fn::Select requires a list argument with two elements: an integer index and a list',
          );
        }
        return this.walk(argument, path, block);
      case 'Fn::Split':
        if (!Array.isArray(argument) || argument.length !== 2 || typeof argument[0] !== 'string') {
          return malformed(
            'every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.',
          );
        }
        return this.walk(argument[1], [...path, '1'], block);
      case 'Fn::FindInMap':
        return this.findInMap(argument, path, block);
      case 'Fn::Equals':
        if (!Array.isArray(argument) || argument.length !== 2)
          return malformed('every Fn::Equals object requires a list of 2 string parameters.');
        return this.walk(argument, path, block);
      case 'Fn::And':
      case 'Fn::Or':
        if (!Array.isArray(argument) || argument.length < 2 || argument.length > 10) {
          return malformed(
            `every ${name} object requires a list of at least 2 and at most 10 boolean parameters.`,
          );
        }
        return this.walk(argument, path, block);
      case 'Fn::Not':
        if (!Array.isArray(argument) || argument.length !== 1)
          return malformed('every Fn::Not object requires a list of 1 boolean parameter.');
        return this.walk(argument, path, block);
      case 'Condition':
        if (typeof argument !== 'string')
          return malformed('every Condition object must have a single String value.');
        if (!Object.hasOwn(this.conditions, argument)) {
          this.add(
            Stage.References,
            at,
            `Template format error: Unresolved condition dependency ${argument} in the Conditions block of the template`,
          );
        }
        return;
      case 'Fn::ImportValue':
        if (block === 'Conditions') return malformed('Cannot use Fn::ImportValue in Conditions');
        return this.walk(argument, path, block);
      case 'Fn::Base64':
      case 'Fn::GetAZs':
      case 'Fn::Cidr':
      case 'Fn::Transform':
      case 'Fn::Length':
      case 'Fn::ToJsonString':
        return this.walk(argument, path, block);
      default:
        return malformed(
          `Encountered unsupported function: ${name} Supported functions are: [${FUNCTIONS.join(', ')}]`,
        );
    }
  }

  private reference(name: string, block: Block) {
    if ((PSEUDO_PARAMETERS as readonly string[]).includes(name) || Object.hasOwn(this.parameters, name))
      return;
    if (block !== 'Conditions' && Object.hasOwn(this.resources, name)) {
      if (block === 'Resources' && this.current && this.conditional === 0) this.depend(this.current, name);
      return;
    }
    this.unresolved[block].add(name);
  }

  private getAtt(resource: string, attribute: unknown, at: string, block: Block) {
    if (block === 'Conditions') {
      this.unresolved.Conditions.add(resource);
      return;
    }
    const declared = this.resources[resource];
    if (!declared) {
      this.add(
        Stage.References,
        at,
        `Template error: instance of Fn::GetAtt references undefined resource ${resource}`,
      );
      return;
    }
    if (block === 'Resources' && this.current && this.conditional === 0) this.depend(this.current, resource);
    const type = isRecord(declared) ? declared.Type : undefined;
    const spec = typeof type === 'string' ? this.spec.resourceType(type) : undefined;
    if (spec && typeof attribute === 'string' && !spec.hasAttribute(attribute)) {
      this.add(
        Stage.References,
        at,
        `Template error: resource ${resource} does not support attribute type ${attribute} in Fn::GetAtt`,
      );
    }
  }

  private sub(argument: unknown, path: string[], block: Block) {
    const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (
      typeof text !== 'string' ||
      !isRecord(variables) ||
      (Array.isArray(argument) && argument.length !== 2)
    ) {
      this.add(
        Stage.Functions,
        path.join('/'),
        "Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string",
      );
      return;
    }
    this.walk(variables, [...path, '1'], block);
    for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
      const variable = (match[1] ?? '').trim();
      if (variable.startsWith('!') || Object.hasOwn(variables, variable)) continue;
      const dot = variable.indexOf('.');
      if (dot > 0) this.getAtt(variable.slice(0, dot), variable.slice(dot + 1), path.join('/'), block);
      else this.reference(variable, block);
    }
  }

  private findInMap(argument: unknown, path: string[], block: Block) {
    if (!Array.isArray(argument) || argument.length < 3 || argument.length > 4) {
      this.add(
        Stage.Functions,
        path.join('/'),
        'Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value',
      );
      return;
    }
    this.walk(argument, path, block);
    const [map, top, second] = argument;
    if (typeof map !== 'string') return;
    const found = this.mappings[map];
    // With literal keys the lookup can be checked now; keys from Refs are checked when they resolve.
    const missing =
      !isRecord(found) ||
      (typeof top === 'string' &&
        (!isRecord(found[top]) ||
          (typeof second === 'string' && !Object.hasOwn(found[top] as object, second))));
    if (missing && argument.length === 3) {
      const keys = [map, top, second].map((key) => (typeof key === 'string' ? key : '...')).join('::');
      this.add(Stage.References, path.join('/'), `Template error: Unable to get mapping for ${keys}`);
    }
  }

  private depend(resource: string, on: string) {
    const needs = this.dependencies.get(resource) ?? new Set<string>();
    needs.add(on);
    this.dependencies.set(resource, needs);
  }

  /** Resources that cannot be ordered: those in a cycle and those that need them, as CloudFormation
   *  lists them. Dependencies inside Fn::If are left to the engine, which knows which branch applies. */
  private cycles() {
    const placed = new Set<string>();
    let progress = true;
    while (progress) {
      progress = false;
      for (const name of Object.keys(this.resources)) {
        if (placed.has(name)) continue;
        const needs = this.dependencies.get(name) ?? new Set();
        if ([...needs].every((other) => placed.has(other))) {
          placed.add(name);
          progress = true;
        }
      }
    }
    const stuck = Object.keys(this.resources).filter((name) => !placed.has(name));
    if (stuck.length > 0) {
      this.add(Stage.References, 'Resources', `Circular dependency between resources: [${stuck.join(', ')}]`);
    }
  }

  private resourceProperties() {
    const listParameters = new Set(
      Object.entries(this.parameters)
        .filter(
          ([, declaration]) =>
            isRecord(declaration) && typeof declaration.Type === 'string' && isListType(declaration.Type),
        )
        .map(([name]) => name),
    );
    const attributeKind = (resource: string, attribute: string): ResultKind => {
      const declared = this.resources[resource];
      const type =
        isRecord(declared) && typeof declared.Type === 'string'
          ? this.spec.resourceType(declared.Type)
          : undefined;
      const attributeType = type?.attributes.get(attribute);
      if (!attributeType) return 'any';
      if (attributeType.kind === 'list') return 'list';
      return ['string', 'integer', 'number', 'boolean', 'timestamp'].includes(attributeType.kind)
        ? 'scalar'
        : 'any';
    };
    for (const [name, resource] of Object.entries(this.resources)) {
      if (!isRecord(resource) || typeof resource.Type !== 'string') continue;
      const spec = this.spec.resourceType(resource.Type);
      if (!spec) continue;
      const properties = resource.Properties === undefined ? {} : resource.Properties;
      if (!isRecord(properties)) continue;
      const checker = new PropertyChecker({ listParameters, attributeKind });
      checker.object(properties, spec.properties, ['Resources', name, 'Properties'], spec.openProperties);
      for (const problem of checker.problems) this.add(Stage.Properties, problem.path, problem.message);
    }
  }

  private add(stage: Stage, path: string, message: string) {
    this.problems.push({ stage, path, message });
  }
}

function isFunctionName(key: string, block: Block): boolean {
  // `Condition` is a function only in the Conditions section; elsewhere it is data (IAM policy conditions).
  return key === 'Ref' || key.startsWith('Fn::') || (key === 'Condition' && block === 'Conditions');
}

function intrinsic(value: unknown): { name: string; argument: unknown } | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined || !(key === 'Ref' || key.startsWith('Fn::'))) return undefined;
  return { name: key, argument: value[key] };
}

/** `Fn::GetAtt: [Resource, Attribute]` or `Fn::GetAtt: Resource.Attribute`; the attribute may be a Ref. */
function getAttTarget(argument: unknown): [string, unknown] | undefined {
  if (typeof argument === 'string') {
    const dot = argument.indexOf('.');
    return dot > 0 && dot < argument.length - 1
      ? [argument.slice(0, dot), argument.slice(dot + 1)]
      : undefined;
  }
  if (!Array.isArray(argument) || argument.length !== 2) return undefined;
  const [resource, attribute] = argument;
  if (
    typeof resource !== 'string' ||
    resource === '' ||
    attribute === '' ||
    attribute === undefined ||
    attribute === null
  )
    return undefined;
  return [resource, attribute];
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function recordOr(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
