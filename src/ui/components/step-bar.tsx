import { Box, Text } from 'ink';
import type { StepId, StepState } from '../steps.js';
import { SYMBOLS, tone } from '../theme.js';

/** Deploy > Stream > Verify > Cleanup: done steps ticked, the current one bracketed, unreachable ones dim. */
export function StepBar({ steps, current }: { steps: StepState[]; current: StepId }) {
  return (
    <Box>
      {steps.map((step, i) => {
        const isCurrent = step.id === current;
        const mark = step.done ? `${SYMBOLS.done} ` : '';
        const text = `${step.number} ${mark}${step.label}`;
        return (
          <Text key={step.id}>
            {i > 0 ? <Text color={tone('muted')}>{' > '}</Text> : null}
            <Text
              bold={isCurrent}
              {...(isCurrent
                ? { color: tone('accent') }
                : step.done
                  ? { color: tone('ok') }
                  : !step.reachable
                    ? { color: tone('muted'), dimColor: true }
                    : {})}
            >
              {isCurrent ? `[${text}]` : ` ${text} `}
            </Text>
          </Text>
        );
      })}
    </Box>
  );
}
