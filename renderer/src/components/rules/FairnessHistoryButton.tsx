/** A version history row's button that opens the fairness report kept with that version. */
import { Button } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FairnessVersionModal } from './FairnessHistory';

export function FairnessHistoryButton({ version }: { version: number }) {
  const { t } = useTranslation('fairness');
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="compact-xs" variant="default" onClick={() => setOpen(true)} data-testid={`fairness-version-${version}`}>
        {t('history.button')}
      </Button>
      <FairnessVersionModal version={open ? version : null} onClose={() => setOpen(false)} />
    </>
  );
}
