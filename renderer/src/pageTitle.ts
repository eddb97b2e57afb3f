/** Each page names itself in the window title (and so in the task bar, the tab and the history). */
import { useEffect } from 'react';

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Credence`;
  }, [title]);
}
