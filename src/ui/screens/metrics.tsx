// The graphs view, opened from Stream and Verify with g: what CloudWatch shows for the pipeline (records
// into the stream and throttled writes, per shard once shard-level metrics are on, Firehose in and
// delivered, freshness), from GetMetricData, read again every so often while the view is open.
import { Box, Text } from 'ink';
import { useEffect } from 'react';
import { Lines, wrapped } from '../components/lines.js';
import { metricsLines } from '../components/metrics.js';
import { clock } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { useStore } from '../hooks/use-store.js';
import type { KeyHint } from '../keys.js';
import type { MetricsController } from '../state/metrics.js';
import { tone } from '../theme.js';
import type { ScreenProps } from './props.js';

export function MetricsScreen({ session, width, height, onClose }: ScreenProps & { onClose: () => void }) {
  const controller = session.metrics();
  useEffect(() => {
    controller?.start();
    return () => controller?.stop();
  }, [controller]);
  if (!controller)
    return <Text color={tone('muted')}>Deploy the stack first: there is nothing to graph.</Text>;
  return <Graphs controller={controller} width={width} height={height} onClose={onClose} />;
}

function Graphs({
  controller,
  width,
  height,
  onClose,
}: {
  controller: MetricsController;
  width: number;
  height: number;
  onClose: () => void;
}) {
  const view = useStore(controller.store);
  const shardLevel = view.metrics?.shardLevel ?? false;
  const hints: KeyHint[] = [
    ...(shardLevel ? [] : [{ keys: 'e', does: 'per-shard metrics' }]),
    { keys: 'r', does: 'read now' },
    { keys: 'Esc', does: 'back' },
  ];
  useScreenKeys((input, key) => {
    if (key.escape) onClose();
    else if (input === 'e') void controller.enableShardMetrics();
    else if (input === 'r') void controller.refresh();
    else return false;
    return true;
  }, hints);

  const status = view.enabling
    ? 'turning shard-level metrics on…'
    : view.error
      ? `reading CloudWatch failed: ${view.error} (tried again)`
      : view.updatedAt
        ? `read ${clock(view.updatedAt)}; CloudWatch's periods are a minute, so the newest bar fills as it goes`
        : 'reading CloudWatch…';
  const lines = view.metrics ? metricsLines(view.metrics, width, Math.max(1, height - 8)) : [];
  return (
    <Box flexDirection="column">
      <Lines lines={lines} />
      <Lines lines={wrapped(status, width, view.error ? 'bad' : 'muted', '  ')} />
    </Box>
  );
}
