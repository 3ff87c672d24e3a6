// The official CloudFormation resource specification, as published in `@aws-cdk/aws-service-spec`
// (built from the CloudFormation registry schemas), indexed for validation and for the local cloud's
// CloudFormation engine: properties and their types, required, create-only (replacement) and read-only
// properties, GetAtt attributes and identifiers of every resource type.
//
// The database is ~15 MB of JSON. It is read once per process, on first use, and only the resource and
// property-type entities are kept (documentation dropped): about 0.3 s and ~20 MB of heap, once (measured
// on a 2-core machine; `loadMillis` reports it). We read the file rather than calling the package's own loader because
// that loader also builds indexes over metrics, events and regions we never use (slower, ~80 MB).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import type {
  Attribute,
  Property,
  PropertyType,
  Resource,
  TypeDefinition,
} from '@aws-cdk/service-spec-types';

/** The type of a property value, resolved: nested property types are objects with their own properties. */
export type ValueType =
  | { kind: 'string'; allowedValues?: readonly string[] }
  | { kind: 'integer'; allowedValues?: readonly number[] }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'timestamp' }
  /** Free-form JSON (policy documents and the like): any value. */
  | { kind: 'json' }
  | { kind: 'list'; element: ValueType }
  | { kind: 'map'; element: ValueType }
  | ObjectType
  | { kind: 'union'; types: readonly ValueType[] };

/** A property type (`AWS::Kinesis::Stream.StreamEncryption`, or the common `Tag`). */
export interface ObjectType {
  kind: 'object';
  name: string;
  /** Resolved on first access: property types can be recursive. */
  readonly properties: ReadonlyMap<string, PropertySpec>;
}

export interface PropertySpec {
  name: string;
  type: ValueType;
  required: boolean;
  /** Whether changing it replaces the resource (`maybe`: only for some changes). */
  replacement: 'yes' | 'no' | 'maybe';
}

export interface ResourceTypeSpec {
  /** `AWS::Kinesis::Stream` */
  name: string;
  properties: ReadonlyMap<string, PropertySpec>;
  requiredProperties: readonly string[];
  /** Top-level properties whose change replaces the resource (the schema's createOnlyProperties). */
  createOnlyProperties: readonly string[];
  /** Fn::GetAtt names and their types. In the registry schemas these are exactly the read-only
   *  properties; nested ones are dotted (`Endpoint.Address`). */
  attributes: ReadonlyMap<string, ValueType>;
  readOnlyProperties: readonly string[];
  /** The schema's primaryIdentifier (Cloud Control's identifier). */
  primaryIdentifier: readonly string[];
  /** What `Ref` returns, when it differs from the primary identifier (e.g. a name vs an ARN). */
  refIdentifier: readonly string[];
  arnTemplate?: string;
  /** A Transform the template must declare to use this type (`AWS::Serverless-2016-10-31`). */
  requiredTransform?: string;
  /** Custom resources take any properties besides their ServiceToken, and any attribute. */
  openProperties: boolean;
  /** Whether `Fn::GetAtt [Resource, name]` names an attribute this type has. */
  hasAttribute(name: string): boolean;
}

export interface ResourceSpecification {
  /** The spec of a type, or undefined when CloudFormation has no such type. `Custom::Anything` is a
   *  custom resource (`AWS::CloudFormation::CustomResource`). */
  resourceType(name: string): ResourceTypeSpec | undefined;
  readonly resourceTypeNames: readonly string[];
  /** The `@aws-cdk/aws-service-spec` version the data came from. */
  readonly version: string;
  /** How long reading and indexing the database took, in milliseconds. */
  readonly loadMillis: number;
}

const require = createRequire(import.meta.url);

function databasePath(): string {
  return require.resolve('@aws-cdk/aws-service-spec/db.json.gz');
}

let loaded: ResourceSpecification | undefined;
let loading: Promise<ResourceSpecification> | undefined;

/** The specification, loaded (synchronously) on first call and kept for the life of the process. */
export function resourceSpecification(): ResourceSpecification {
  if (!loaded) {
    const started = performance.now();
    loaded = indexDatabase(gunzipSync(readFileSync(databasePath())), started);
  }
  return loaded;
}

/** Loads the specification without blocking on file I/O and decompression (parsing still takes the
 *  main thread for ~0.2 s): call it early, e.g. when a server starts, to keep the load off the first
 *  request. Resolves to the same cached object `resourceSpecification()` returns. */
export function loadResourceSpecification(): Promise<ResourceSpecification> {
  if (loaded) return Promise.resolve(loaded);
  loading ??= (async () => {
    const started = performance.now();
    const data = await promisify(gunzip)(await readFile(databasePath()));
    loaded ??= indexDatabase(data, started);
    return loaded;
  })();
  return loading;
}

interface Database {
  schema?: {
    resource?: { entities?: Record<string, Resource> };
    typeDefinition?: { entities?: Record<string, TypeDefinition> };
  };
}

function indexDatabase(json: Buffer, started: number): ResourceSpecification {
  const db = JSON.parse(json.toString('utf8')) as Database;
  const resources = db.schema?.resource?.entities;
  const definitions = db.schema?.typeDefinition?.entities;
  if (!resources || !definitions) {
    throw new Error(
      `@aws-cdk/aws-service-spec ${packageVersion()} stores its database in a shape this version of kinesis-tui does not read (no schema.resource / schema.typeDefinition)`,
    );
  }
  const byType = new Map<string, Resource>();
  for (const resource of Object.values(resources)) {
    forget(resource);
    byType.set(resource.cloudFormationType, resource);
  }
  const typeDefinitions = new Map<string, TypeDefinition>();
  for (const definition of Object.values(definitions)) {
    forget(definition);
    typeDefinitions.set(definition.$id, definition);
  }
  const resolver = new TypeResolver(typeDefinitions);
  const specs = new Map<string, ResourceTypeSpec>();
  const custom = byType.get(CUSTOM_RESOURCE);
  const names = [...byType.keys()].sort();

  return {
    resourceTypeNames: names,
    version: packageVersion(),
    loadMillis: performance.now() - started,
    resourceType(name) {
      const cached = specs.get(name);
      if (cached) return cached;
      const resource = byType.get(name) ?? (name.startsWith('Custom::') ? custom : undefined);
      if (!resource) return undefined;
      const spec = resourceTypeSpec(name, resource, resolver);
      specs.set(name, spec);
      return spec;
    },
  };
}

/** Drops the documentation text (most of the database's bytes) so the heap keeps only what we use. */
function forget(entity: {
  documentation?: string;
  properties: Record<string, Property>;
  attributes?: Record<string, Attribute>;
}) {
  delete entity.documentation;
  for (const property of Object.values(entity.properties)) delete property.documentation;
  for (const attribute of Object.values(entity.attributes ?? {})) delete attribute.documentation;
}

function packageVersion(): string {
  return (require('@aws-cdk/aws-service-spec/package.json') as { version: string }).version;
}

const CUSTOM_RESOURCE = 'AWS::CloudFormation::CustomResource';
const NESTED_STACK = 'AWS::CloudFormation::Stack';

function resourceTypeSpec(name: string, resource: Resource, resolver: TypeResolver): ResourceTypeSpec {
  const properties = resolver.properties(resource.properties);
  const attributes = new Map(
    Object.entries(resource.attributes).map(
      ([attribute, spec]) => [attribute, resolver.type(spec.type)] as const,
    ),
  );
  const open = resource.cloudFormationType === CUSTOM_RESOURCE;
  const primaryIdentifier = resource.primaryIdentifier ?? [];
  return {
    name,
    properties,
    requiredProperties: [...properties.values()].filter((p) => p.required).map((p) => p.name),
    createOnlyProperties: [...properties.values()].filter((p) => p.replacement === 'yes').map((p) => p.name),
    attributes,
    readOnlyProperties: [...attributes.keys()],
    primaryIdentifier,
    refIdentifier: resource.cfnRefIdentifier ?? primaryIdentifier,
    ...(resource.arnTemplate ? { arnTemplate: resource.arnTemplate } : {}),
    ...(resource.cloudFormationTransform ? { requiredTransform: resource.cloudFormationTransform } : {}),
    openProperties: open,
    hasAttribute(attribute) {
      if (open) return attribute.length > 0;
      // A nested stack's outputs are `Outputs.<Name>`; the spec cannot list them.
      if (resource.cloudFormationType === NESTED_STACK && /^Outputs\.[^.]+$/.test(attribute)) return true;
      return attributes.has(attribute);
    },
  };
}

const TAG: ObjectType = {
  kind: 'object',
  name: 'Tag',
  properties: new Map([
    ['Key', { name: 'Key', type: { kind: 'string' }, required: true, replacement: 'no' }],
    ['Value', { name: 'Value', type: { kind: 'string' }, required: true, replacement: 'no' }],
  ]),
};

class TypeResolver {
  private readonly objects = new Map<string, ObjectType>();

  constructor(private readonly definitions: ReadonlyMap<string, TypeDefinition>) {}

  properties(properties: Record<string, Property>): ReadonlyMap<string, PropertySpec> {
    return new Map(
      Object.entries(properties).map(([name, property]) => [
        name,
        {
          name,
          type: this.type(property.type),
          required: property.required === true,
          replacement: property.causesReplacement ?? 'no',
        },
      ]),
    );
  }

  type(type: PropertyType): ValueType {
    switch (type.type) {
      case 'string':
        return type.allowedValues
          ? { kind: 'string', allowedValues: type.allowedValues }
          : { kind: 'string' };
      case 'integer':
        return type.allowedValues
          ? { kind: 'integer', allowedValues: type.allowedValues }
          : { kind: 'integer' };
      case 'number':
        return { kind: 'number' };
      case 'boolean':
        return { kind: 'boolean' };
      case 'date-time':
        return { kind: 'timestamp' };
      case 'json':
      case 'null':
        return { kind: 'json' };
      case 'tag':
        return TAG;
      case 'array':
        return { kind: 'list', element: this.type(type.element) };
      case 'map':
        return { kind: 'map', element: this.type(type.element) };
      case 'union':
        return { kind: 'union', types: type.types.map((member) => this.type(member)) };
      case 'ref':
        return this.object(type.reference.$ref);
    }
  }

  private object(id: string): ObjectType {
    const existing = this.objects.get(id);
    if (existing) return existing;
    const definition = this.definitions.get(id);
    if (!definition) throw new Error(`the resource specification refers to a missing property type (${id})`);
    let properties: ReadonlyMap<string, PropertySpec> | undefined;
    const resolver = this;
    const object: ObjectType = {
      kind: 'object',
      name: definition.name,
      get properties() {
        properties ??= resolver.properties(definition.properties);
        return properties;
      },
    };
    this.objects.set(id, object);
    return object;
  }
}

/** A readable name for a type, as CloudFormation's messages name them. */
export function typeName(type: ValueType): string {
  switch (type.kind) {
    case 'string':
      return 'String';
    case 'integer':
      return 'Integer';
    case 'number':
      return 'Number';
    case 'boolean':
      return 'Boolean';
    case 'timestamp':
      return 'Timestamp';
    case 'json':
      return 'Json';
    case 'list':
      return `List of ${typeName(type.element)}`;
    case 'map':
      return `Map of ${typeName(type.element)}`;
    case 'object':
      return type.name;
    case 'union':
      return type.types.map(typeName).join(' or ');
  }
}
