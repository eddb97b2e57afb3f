import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/notifications/styles.css';
import '@fontsource/noto-sans-sc/chinese-simplified-400.css';
import '@fontsource/noto-sans-sc/chinese-simplified-700.css';
import './i18n';
import { Anchor, createTheme, MantineProvider, type CSSVariablesResolver } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { PageErrorBoundary } from './components/PageErrorBoundary';
import { keepFocusAfterDialogs } from './focusReturn';

/**
 * WCAG 2.1 AA contrast (axe-core checks every page in the end-to-end run):
 * links, buttons and badges in shade 8 of their colour, text on a filled
 * colour black or white by the colour's luminance (a yellow badge gets dark
 * text), and "dimmed" text in gray 7 rather than Mantine's gray 6 (3.3:1 on white).
 */
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 8, dark: 6 },
  autoContrast: true,
  // Black text above relative luminance 0.179, white below: either way at least 4.5:1.
  luminanceThreshold: 0.179,
  // A link inside a sentence is told apart by more than its colour.
  components: { Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }) },
  defaultRadius: 'sm',
  // Latin text in the system face; Chinese in Noto Sans SC, bundled, so every workstation shows the same glyphs offline.
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans SC", sans-serif',
  // Headings and code have stacks of their own in Mantine: without the bundled face a workstation with no Chinese system font shows empty boxes there.
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans SC", sans-serif' },
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Monaco, Consolas, "Liberation Mono", "Courier New", monospace, "Noto Sans SC"',
});

const contrast: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    // Light badges and alerts write in shade 9, too pale for yellow, orange, lime and green on their tint.
    '--mantine-color-yellow-light-color': '#7a4a00',
    '--mantine-color-orange-light-color': '#a13a06',
    '--mantine-color-lime-light-color': '#3b6a0a',
    '--mantine-color-green-light-color': '#1f6b30',
    '--mantine-color-teal-light-color': '#066649',
    // Warning and success text on white: Mantine's orange and teal shades stay under 4.5:1.
    '--credence-warning-text': '#a13a06',
    '--credence-ok-text': '#066649',
  },
  dark: {},
});

const queries = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 } } });

/** The hash route: a page that failed is left behind when the user navigates. */
function useHashRoute(): string {
  return useSyncExternalStore(
    (notify) => {
      window.addEventListener('hashchange', notify);
      return () => window.removeEventListener('hashchange', notify);
    },
    () => window.location.hash,
  );
}

function GuardedApp() {
  return (
    <PageErrorBoundary resetKey={useHashRoute()}>
      <App />
    </PageErrorBoundary>
  );
}

keepFocusAfterDialogs();
/*
 * The console is drawn once both weights of the bundled Chinese face are
 * loaded (a local file: milliseconds), never before: on a machine without a
 * system CJK font, text laid out before its face arrived stayed empty boxes
 * (the bold page titles in the end-to-end screenshots). A face that cannot
 * load does not hold the console back longer than 3 s.
 */
const chineseFaces = Promise.all([400, 700].map((weight) => document.fonts.load(`${weight} 16px "Noto Sans SC"`, '信用'))).catch(() => undefined);
void Promise.race([chineseFaces, new Promise((resolve) => setTimeout(resolve, 3000))]).then(render);

function render(): void {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={contrast}>
        <Notifications position="top-right" />
        <QueryClientProvider client={queries}>
          <GuardedApp />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
