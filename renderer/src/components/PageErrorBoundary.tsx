/**
 * The last line of the console: a rendering error shows what happened and a
 * way back instead of a blank window. Nothing is lost by it: every change the
 * console makes is already committed in the main process, or was refused whole.
 */
import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface State {
  error: Error | null;
}

/** The words of the fallback; a function component, since a class cannot use the translation hook. */
function PageFailed({ error }: { error: Error }) {
  const { t } = useTranslation('errors');
  return (
    <Alert color="red" title={t('page.title')} m="md" role="alert">
      <Stack gap="sm">
        <Text size="sm">{t('page.body')}</Text>
        <Code block>{error.message}</Code>
        <Group>
          <Button variant="default" onClick={() => window.history.back()}>
            {t('page.back')}
          </Button>
          <Button onClick={() => window.location.reload()}>{t('page.reload')}</Button>
        </Group>
      </Stack>
    </Alert>
  );
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
    return error ? <PageFailed error={error} /> : this.props.children;
  }
}
