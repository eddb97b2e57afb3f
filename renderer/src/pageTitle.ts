/** Each page names itself in the window title (and so in the task bar, the tab and the history), in the console's language. */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

export function usePageTitle(title: string): void {
  const { t } = useTranslation('common');
  const app = t('appName');
  useEffect(() => {
    document.title = `${title} · ${app}`;
  }, [title, app]);
}
