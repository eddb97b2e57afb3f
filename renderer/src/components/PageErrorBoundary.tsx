/**
 * The last line of the console: a rendering error shows what happened and a
 * way back instead of a blank window. Nothing is lost by it: every change the
 * console makes is already committed in the main process, or was refused whole.
 */
import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

export class PageErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('console page failed', error, info.componentStack);
  }

  override componentDidUpdate(previous: { resetKey?: string }): void {
    // Navigating to another page leaves the broken one behind.
    if (this.state.error && previous.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <Alert color="red" title="This page could not be shown" m="md" role="alert">
        <Stack gap="sm">
          <Text size="sm">
            The console met an error while drawing this page. Your data is unchanged: every change is saved whole or not at all. Go back, or reload the console; if it happens again, give IT staff the text below.
          </Text>
          <Code block>{error.message}</Code>
          <Group>
            <Button variant="default" onClick={() => window.history.back()}>Go back</Button>
            <Button onClick={() => window.location.reload()}>Reload the console</Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
}
