import { Box, Text } from 'ink';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { tone } from '../theme.js';

interface Props {
  children: ReactNode;
  logPath?: string | undefined;
  onError?: (error: Error, info: ErrorInfo) => void;
}

/** A bug in a screen shows as a readable message (the stack goes to the debug log), not a stack dump. */
export class ErrorBoundary extends Component<Props, { error: Error | undefined }> {
  override state = { error: undefined as Error | undefined };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    this.props.onError?.(error, info);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <Box flexDirection="column" borderStyle="round" paddingX={1}>
        <Text bold color={tone('bad')}>
          Something went wrong in the wizard: {error.message || error.name}
        </Text>
        <Text>
          This is a bug in kinesis-tui, not in your pipeline. Press q to quit; the commands (kinesis-tui
          --help) still work.
        </Text>
        {this.props.logPath ? <Text color={tone('muted')}>Details: {this.props.logPath}</Text> : null}
      </Box>
    );
  }
}
