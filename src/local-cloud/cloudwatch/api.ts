// CloudWatch's metric operations over decoded input (wire.ts decodes JSON 1.0, CBOR and query alike:
// numbers may come as text and times as epoch seconds, Dates or ISO text), with CloudWatch's errors.
import { ServiceError } from '../protocol/common.js';
import {
  type Aggregate,
  aggregateByPeriod,
  type Dimension,
  type MetricStore,
  type Series,
  STATISTICS,
  type Statistic,
  statisticOf,
} from './metrics.js';

type Input = Record<string, unknown>;

const invalid = (message: string) => new ServiceError('InvalidParameterValue', message);
const missing = (name: string) => new ServiceError('MissingParameter', `The parameter ${name} is required.`);
const combination = (message: string) => new ServiceError('InvalidParameterCombination', message);

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === null || value === '') throw missing(name);
  return value;
}

function text(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`The value for parameter ${name} must be a string.`);
  return value;
}

function number(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw invalid(`The value ${String(value)} for parameter ${name} is invalid.`);
  return n;
}

/** A time as epoch ms: epoch seconds (JSON, CBOR), a Date, or ISO 8601 text (query). */
function time(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') {
    const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw invalid(`The value ${String(value)} for parameter ${name} is invalid.`);
}

function list(value: unknown, name: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`The parameter ${name} must be a list.`);
  return value;
}

function dimensions(value: unknown, name: string): Dimension[] {
  const dims = list(value, name).map((d, i) => {
    const item = (d ?? {}) as Input;
    return {
      Name: required(text(item.Name, `${name}.member.${i + 1}.Name`), `${name}.member.${i + 1}.Name`),
      Value: required(text(item.Value, `${name}.member.${i + 1}.Value`), `${name}.member.${i + 1}.Value`),
    };
  });
  if (dims.length > 30) throw invalid(`The collection ${name} must not have a size greater than 30.`);
  return dims;
}

/** Periods CloudWatch takes: 1, 5, 10, 20, 30 (high resolution), or a multiple of 60. */
function period(value: unknown, name: string): number {
  const p = required(number(value, name), name);
  if (!Number.isInteger(p) || p < 1 || (p >= 60 ? p % 60 !== 0 : ![1, 5, 10, 20, 30].includes(p)))
    throw invalid(`The parameter ${name} must be 1, 5, 10, 20, 30, or a multiple of 60.`);
  return p;
}

function statistic(value: unknown, name: string): Statistic {
  const stat = required(text(value, name), name);
  if ((STATISTICS as readonly string[]).includes(stat)) return stat as Statistic;
  throw invalid(
    /^(p|tm|wm|tc|ts|PR|TM|TC|TS|WM|IQM)/.test(stat)
      ? `The statistic ${stat} is not available in the local cloud, which keeps sums, counts, minimums and maximums: use ${STATISTICS.join(', ')}.`
      : `The value ${stat} for parameter ${name} is invalid.`,
  );
}

/** Start and end as CloudWatch rounds them: start down to the minute (the second for sub-minute periods). */
function range(input: Input, periodSeconds = 60): { start: number; end: number } {
  const start = required(time(input.StartTime, 'StartTime'), 'StartTime');
  const end = required(time(input.EndTime, 'EndTime'), 'EndTime');
  if (start >= end) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
  const unit = periodSeconds < 60 ? 1000 : 60_000;
  return { start: Math.floor(start / unit) * unit, end };
}

interface MetricRef {
  namespace: string;
  name: string;
  dimensions: Dimension[];
}

/** The metric named in `value`; `prefix` is where it sits in the request (empty at the top level). */
function metricRef(value: unknown, prefix: string): MetricRef {
  const metric = (value ?? {}) as Input;
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  return {
    namespace: required(text(metric.Namespace, at('Namespace')), at('Namespace')),
    name: required(text(metric.MetricName, at('MetricName')), at('MetricName')),
    dimensions: dimensions(metric.Dimensions, at('Dimensions')),
  };
}

/** The series for a query, when it exists and has the asked unit (a unit that differs finds no data). */
function seriesFor(store: MetricStore, ref: MetricRef, unit: string | undefined): Series | undefined {
  const series = store.find(ref.namespace, ref.name, ref.dimensions);
  if (!series || (unit !== undefined && unit !== series.unit)) return undefined;
  return series;
}

export function getMetricData(store: MetricStore, input: Input) {
  const queries = list(input.MetricDataQueries, 'MetricDataQueries');
  if (queries.length === 0) throw missing('MetricDataQueries');
  if (queries.length > 500)
    throw invalid('The collection MetricDataQueries must not have a size greater than 500.');
  const scanBy = text(input.ScanBy, 'ScanBy') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending')
    throw invalid(`The value ${scanBy} for parameter ScanBy is invalid.`);
  const maxDatapoints = number(input.MaxDatapoints, 'MaxDatapoints') ?? 100_800;
  const ids = new Set<string>();
  const parsed = queries.map((q, i) => {
    const query = (q ?? {}) as Input;
    const at = `MetricDataQueries.member.${i + 1}`;
    const id = required(text(query.Id, `${at}.Id`), `${at}.Id`);
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(id))
      throw invalid(
        `The value ${id} for parameter ${at}.Id is invalid: it starts with a lower-case letter and holds letters, digits and underscores.`,
      );
    if (ids.has(id)) throw invalid(`The value ${id} for parameter ${at}.Id is not unique.`);
    ids.add(id);
    if (query.Expression !== undefined)
      throw invalid(
        `${at}.Expression: metric math and SEARCH expressions are not available in the local cloud; query each metric with MetricStat.`,
      );
    if (query.MetricStat === undefined)
      throw combination(`Exactly one of ${at}.MetricStat and ${at}.Expression must be specified.`);
    const stat = query.MetricStat as Input;
    return {
      id,
      label: text(query.Label, `${at}.Label`),
      returnData:
        query.ReturnData === undefined ? true : query.ReturnData === true || query.ReturnData === 'true',
      metric: metricRef(stat.Metric, `${at}.MetricStat.Metric`),
      period: period(stat.Period, `${at}.MetricStat.Period`),
      stat: statistic(stat.Stat, `${at}.MetricStat.Stat`),
      unit: text(stat.Unit, `${at}.MetricStat.Unit`),
    };
  });
  const { start, end } = range(input, Math.min(...parsed.map((q) => q.period)));
  const results = parsed
    .filter((q) => q.returnData)
    .map((q) => {
      const series = seriesFor(store, q.metric, q.unit);
      const points = series ? aggregateByPeriod(series, start, end, q.period) : [];
      if (scanBy === 'TimestampDescending') points.reverse();
      const kept = points.slice(0, maxDatapoints);
      return {
        Id: q.id,
        Label: q.label ?? q.metric.name,
        Timestamps: kept.map((p) => new Date(p.time)),
        Values: kept.map((p) => statisticOf(p.aggregate, q.stat)),
        StatusCode: points.length > kept.length ? 'PartialData' : 'Complete',
      };
    });
  return { MetricDataResults: results, Messages: [] };
}

export function getMetricStatistics(store: MetricStore, input: Input) {
  const ref = metricRef(input, '');
  const p = period(input.Period, 'Period');
  const { start, end } = range(input, p);
  const statistics = list(input.Statistics, 'Statistics').map((s, i) =>
    statistic(s, `Statistics.member.${i + 1}`),
  );
  if (
    input.ExtendedStatistics !== undefined &&
    list(input.ExtendedStatistics, 'ExtendedStatistics').length > 0
  )
    throw invalid(
      'ExtendedStatistics (percentiles) are not available in the local cloud, which keeps sums, counts, minimums and maximums.',
    );
  if (statistics.length === 0) throw missing('Statistics');
  const unit = text(input.Unit, 'Unit');
  const series = seriesFor(store, ref, unit);
  const points = series ? aggregateByPeriod(series, start, end, p) : [];
  if (points.length > 1440)
    throw invalid(
      `You have requested up to ${points.length} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  return {
    Label: ref.name,
    Datapoints: points.map(({ time: at, aggregate }) =>
      datapoint(at, aggregate, statistics, series?.unit ?? 'None'),
    ),
  };
}

function datapoint(at: number, aggregate: Aggregate, statistics: Statistic[], unit: string) {
  const point: Record<string, unknown> = { Timestamp: new Date(at) };
  for (const s of statistics) point[s] = statisticOf(aggregate, s);
  point.Unit = unit;
  return point;
}

export function listMetrics(store: MetricStore, input: Input) {
  const namespace = text(input.Namespace, 'Namespace');
  const name = text(input.MetricName, 'MetricName');
  const filters = list(input.Dimensions, 'Dimensions').map((d, i) => {
    const item = (d ?? {}) as Input;
    return {
      Name: required(text(item.Name, `Dimensions.member.${i + 1}.Name`), `Dimensions.member.${i + 1}.Name`),
      Value: text(item.Value, `Dimensions.member.${i + 1}.Value`),
    };
  });
  const recent = text(input.RecentlyActive, 'RecentlyActive');
  if (recent !== undefined && recent !== 'PT3H')
    throw invalid(`The value ${recent} for parameter RecentlyActive is invalid.`);
  const since = recent ? Date.now() - 3 * 3_600_000 : 0;
  const metrics = [...store.all()]
    .filter(
      (s) =>
        (namespace === undefined || s.namespace === namespace) &&
        (name === undefined || s.name === name) &&
        s.lastPublished >= since &&
        filters.every((f) =>
          s.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)),
        ),
    )
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
    .map((s) => ({ Namespace: s.namespace, MetricName: s.name, Dimensions: s.dimensions }));
  // 500 a page, as CloudWatch pages them; the token is where the next page starts.
  const from = Number(text(input.NextToken, 'NextToken') ?? 0);
  if (!Number.isInteger(from) || from < 0 || from > metrics.length)
    throw new ServiceError('InvalidNextToken', 'The service returned an invalid NextToken.');
  const page = metrics.slice(from, from + 500);
  return { Metrics: page, ...(from + 500 < metrics.length ? { NextToken: String(from + 500) } : {}) };
}

const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

export function putMetricData(store: MetricStore, input: Input): undefined {
  const namespace = required(text(input.Namespace, 'Namespace'), 'Namespace');
  if (namespace.startsWith('AWS/') || namespace.includes(':'))
    throw invalid(`The value ${namespace} for parameter Namespace is invalid.`);
  const data = list(input.MetricData, 'MetricData');
  if (data.length === 0) throw missing('MetricData');
  if (data.length > 1000) throw invalid('The collection MetricData must not have a size greater than 1000.');
  for (const [i, d] of data.entries()) {
    const item = (d ?? {}) as Input;
    const at = `MetricData.member.${i + 1}`;
    const name = required(text(item.MetricName, `${at}.MetricName`), `${at}.MetricName`);
    const dims = dimensions(item.Dimensions, `${at}.Dimensions`);
    const unit = text(item.Unit, `${at}.Unit`) ?? 'None';
    if (!UNITS.has(unit)) throw invalid(`The value ${unit} for parameter ${at}.Unit is invalid.`);
    const resolution = number(item.StorageResolution, `${at}.StorageResolution`) ?? 60;
    if (resolution !== 1 && resolution !== 60)
      throw invalid(`The value ${resolution} for parameter ${at}.StorageResolution is invalid.`);
    const when = time(item.Timestamp, `${at}.Timestamp`) ?? Date.now();
    const value = number(item.Value, `${at}.Value`);
    const values = list(item.Values, `${at}.Values`).map((v, j) =>
      required(number(v, `${at}.Values.member.${j + 1}`), `${at}.Values.member.${j + 1}`),
    );
    const counts = list(item.Counts, `${at}.Counts`).map((v, j) =>
      required(number(v, `${at}.Counts.member.${j + 1}`), `${at}.Counts.member.${j + 1}`),
    );
    const set = item.StatisticValues as Input | undefined;
    const given = [value !== undefined, values.length > 0, set !== undefined].filter(Boolean).length;
    if (given !== 1)
      throw combination(
        `The parameters ${at}.Value, ${at}.Values and ${at}.StatisticValues are mutually exclusive and one is required.`,
      );
    if (counts.length > 0 && counts.length !== values.length)
      throw invalid(`The parameters ${at}.Values and ${at}.Counts must be of the same size.`);
    let aggregate: Aggregate;
    if (set) {
      const stat = (k: string) =>
        required(number(set[k], `${at}.StatisticValues.${k}`), `${at}.StatisticValues.${k}`);
      aggregate = {
        count: stat('SampleCount'),
        sum: stat('Sum'),
        min: stat('Minimum'),
        max: stat('Maximum'),
      };
    } else if (values.length > 0) {
      aggregate = { count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
      values.forEach((v, j) => {
        const c = counts[j] ?? 1;
        aggregate.count += c;
        aggregate.sum += v * c;
        aggregate.min = Math.min(aggregate.min, v);
        aggregate.max = Math.max(aggregate.max, v);
      });
    } else {
      const v = value as number;
      aggregate = { count: 1, sum: v, min: v, max: v };
    }
    store.putAggregate(namespace, name, dims, aggregate, unit, resolution, when);
  }
  return undefined;
}

export const OPERATIONS: Record<string, (store: MetricStore, input: Input) => unknown> = {
  GetMetricData: getMetricData,
  GetMetricStatistics: getMetricStatistics,
  ListMetrics: listMetrics,
  PutMetricData: putMetricData,
};
