// The delivery streams of this local cloud, persisted in the service's data dir so a restart keeps them.
import { join } from 'node:path';
import { JsonState } from '../state.js';
import type { DeliveryStream } from './model.js';

interface StoredState {
  /** By `<region>/<name>`: names are unique per account and region. */
  streams: Record<string, DeliveryStream & { region: string }>;
}

export type StoredDeliveryStream = DeliveryStream & { region: string };

function key(region: string, name: string): string {
  return `${region}/${name}`;
}

export class DeliveryStreamStore {
  private readonly state: JsonState<StoredState>;

  constructor(dataDir: string) {
    this.state = new JsonState<StoredState>(join(dataDir, 'delivery-streams.json'), { streams: {} });
  }

  get(region: string, name: string): StoredDeliveryStream | undefined {
    return this.state.get().streams[key(region, name)];
  }

  /** Every stream of a region, in name order (the order ListDeliveryStreams pages in). */
  list(region: string): StoredDeliveryStream[] {
    return Object.values(this.state.get().streams)
      .filter((s) => s.region === region)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  all(): StoredDeliveryStream[] {
    return Object.values(this.state.get().streams);
  }

  put(stream: StoredDeliveryStream): Promise<void> {
    return this.state.update((s) => ({
      streams: { ...s.streams, [key(stream.region, stream.name)]: stream },
    }));
  }

  remove(region: string, name: string): Promise<void> {
    return this.state.update((s) => {
      const streams = { ...s.streams };
      delete streams[key(region, name)];
      return { streams };
    });
  }
}
