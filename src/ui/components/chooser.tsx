// Asks which of several (streams, delivery streams) to use: ↑/↓ and Enter. Shown where discovery found
// more than one and nothing said which, as `--stream` / `--delivery-stream` say it for the commands.
import { Box, Text } from 'ink';
import { useState } from 'react';
import { clip } from '../format.js';
import { useScreenKeys } from '../hooks/use-screen-keys.js';
import { tone } from '../theme.js';

export interface Choice {
  name: string;
  /** What it is (`reads orders, writes s3://bucket/`). */
  detail?: string;
}

export function Chooser({
  title,
  choices,
  width,
  onChoose,
}: {
  title: string;
  choices: readonly Choice[];
  width: number;
  onChoose: (name: string) => void;
}) {
  const [selected, setSelected] = useState(0);
  useScreenKeys(
    (_input, key) => {
      if (key.upArrow) setSelected((i) => Math.max(0, i - 1));
      else if (key.downArrow) setSelected((i) => Math.min(choices.length - 1, i + 1));
      else if (key.return && choices[selected]) onChoose(choices[selected].name);
      else return false;
      return true;
    },
    [
      { keys: '↑/↓', does: 'choose' },
      { keys: 'Enter', does: 'use it' },
    ],
  );
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      {choices.map((c, i) => (
        <Text key={c.name} {...(i === selected ? { color: tone('accent'), bold: true } : {})} wrap="truncate">
          {i === selected ? '› ' : '  '}
          {clip(`${c.name}${c.detail ? `  ${c.detail}` : ''}`, width - 2)}
        </Text>
      ))}
    </Box>
  );
}
