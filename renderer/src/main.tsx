import '@mantine/core/styles.css';
import '@mantine/charts/styles.css';
import '@mantine/notifications/styles.css';
import '@fontsource/noto-sans-sc/chinese-simplified-400.css';
import '@fontsource/noto-sans-sc/chinese-simplified-700.css';
import './i18n';
import { createTheme, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { PageErrorBoundary } from './components/PageErrorBoundary';

const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  // Latin text in the system face; Chinese in Noto Sans SC, bundled, so every workstation shows the same glyphs offline.
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans SC", sans-serif',
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

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queries}>
        <GuardedApp />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
