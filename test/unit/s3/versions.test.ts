import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type KeyVersions,
  listedVersions,
  NULL_VERSION,
  planDeleteMarker,
  planDeleteVersion,
  planWrite,
  type VersionStep,
} from '../../../src/local-cloud/s3/versions.js';

const NOW = '2026-01-01T00:00:00.000Z';

/** Applies a plan's steps to a pretend store of files: where each version's files are. */
function apply(
  state: KeyVersions,
  plan: { history: KeyVersions['history']; steps: VersionStep[] },
  written?: string,
) {
  let current = state.current;
  for (const step of plan.steps) {
    if (step.kind === 'archive-current' || step.kind === 'drop-current') current = undefined;
    if (step.kind === 'restore') {
      const restored = state.history.find((v) => v.storage === step.storage);
      if (!restored) throw new Error(`restored ${step.storage}, which the history did not hold`);
      current = {
        versionId: restored.versionId,
        lastModified: restored.lastModified,
        etag: restored.etag ?? '',
        size: restored.size ?? 0,
      };
    }
  }
  if (written !== undefined)
    current = { versionId: written, lastModified: NOW, etag: `"${written}"`, size: 1 };
  return { ...(current ? { current } : {}), history: plan.history };
}

/** The versions newest first, as a user sees them in ListObjectVersions. */
const seen = (state: KeyVersions) =>
  listedVersions('k', state).map(
    (v) => `${v.deleteMarker ? 'marker' : 'object'}:${v.versionId}${v.isLatest ? '*' : ''}`,
  );

describe('versions of a key', () => {
  it('keeps every write on an Enabled bucket, the newest current', () => {
    let state: KeyVersions = { history: [] };
    for (const [id, storage] of [
      ['v1', 's1'],
      ['v2', 's2'],
      ['v3', 's3'],
    ] as const) {
      state = apply(state, planWrite(state, id, storage), id);
    }
    expect(seen(state)).toEqual(['object:v3*', 'object:v2', 'object:v1']);
    expect(state.history.map((v) => v.storage)).toEqual(['s3', 's2']);
  });

  it('hides the object behind a delete marker, and brings it back when the marker goes', () => {
    let state: KeyVersions = { history: [] };
    state = apply(state, planWrite(state, 'v1', 's1'), 'v1');
    const marked = planDeleteMarker(state, 'm1', NOW, 's2');
    expect(marked.steps).toEqual([{ kind: 'archive-current', storage: 's2' }]);
    state = apply(state, marked);
    expect(seen(state)).toEqual(['marker:m1*', 'object:v1']);
    const unmarked = planDeleteVersion(state, 'm1');
    expect(unmarked.removed).toEqual({ versionId: 'm1', deleteMarker: true });
    expect(unmarked.steps).toEqual([{ kind: 'restore', storage: 's2' }]);
    state = apply(state, unmarked);
    expect(seen(state)).toEqual(['object:v1*']);
  });

  it('makes the next newest version current when the current one is deleted', () => {
    let state: KeyVersions = { history: [] };
    state = apply(state, planWrite(state, 'v1', 's1'), 'v1');
    state = apply(state, planWrite(state, 'v2', 's2'), 'v2');
    const deleted = planDeleteVersion(state, 'v2');
    expect(deleted.steps).toEqual([{ kind: 'drop-current' }, { kind: 'restore', storage: 's2' }]);
    state = apply(state, deleted);
    expect(seen(state)).toEqual(['object:v1*']);
    expect(planDeleteVersion(state, 'nope').removed).toBeUndefined();
  });

  it('replaces the null version while suspended, keeping the versions made before', () => {
    let state: KeyVersions = { history: [] };
    state = apply(state, planWrite(state, 'v1', 's1'), 'v1');
    state = apply(state, planWrite(state, NULL_VERSION, 's2'), NULL_VERSION);
    expect(seen(state)).toEqual(['object:null*', 'object:v1']);
    const replaced = planWrite(state, NULL_VERSION, 's3');
    expect(replaced.steps).toEqual([]); // the write overwrites the null object in place
    state = apply(state, replaced, NULL_VERSION);
    expect(seen(state)).toEqual(['object:null*', 'object:v1']);
    const marker = planDeleteMarker(state, NULL_VERSION, NOW, 's4');
    expect(marker.steps).toEqual([{ kind: 'drop-current' }]);
    state = apply(state, marker);
    expect(seen(state)).toEqual(['marker:null*', 'object:v1']);
  });

  // A model of S3's rules in a few lines: the versions, newest first; a "null" write or marker replaces
  // the null version wherever it is. The plans, with their file steps, must always agree with it.
  it('agrees with a plain model of the rules over any sequence of writes and deletes', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), null: fc.boolean() }),
      fc.record({ kind: fc.constant('marker' as const), null: fc.boolean() }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(10) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 25 }), (operations) => {
        let state: KeyVersions = { history: [] };
        let model: Array<{ id: string; marker: boolean }> = [];
        let next = 0;
        for (const op of operations) {
          const storage = `s${next}`;
          const id = op.kind !== 'delete' && op.null ? NULL_VERSION : `v${next}`;
          next++;
          if (op.kind === 'write') {
            state = apply(state, planWrite(state, id, storage), id);
            model = [
              { id, marker: false },
              ...model.filter((v) => id !== NULL_VERSION || v.id !== NULL_VERSION),
            ];
          } else if (op.kind === 'marker') {
            state = apply(state, planDeleteMarker(state, id, NOW, storage));
            model = [
              { id, marker: true },
              ...model.filter((v) => id !== NULL_VERSION || v.id !== NULL_VERSION),
            ];
          } else {
            const victim = model[op.pick % Math.max(1, model.length)]?.id ?? 'absent';
            const plan = planDeleteVersion(state, victim);
            expect(plan.removed !== undefined).toBe(model.some((v) => v.id === victim));
            state = apply(state, plan);
            model = model.filter((v) => v.id !== victim);
          }
          expect(seen(state)).toEqual(
            model.map((v, i) => `${v.marker ? 'marker' : 'object'}:${v.id}${i === 0 ? '*' : ''}`),
          );
          // Every noncurrent object keeps its files somewhere; no two share a place.
          const stored = state.history.filter((v) => !v.deleteMarker).map((v) => v.storage);
          expect(stored.every((s) => s !== undefined)).toBe(true);
          expect(new Set(stored).size).toBe(stored.length);
        }
      }),
    );
  });
});
