/** The citizen's disclosure (PDF) and subject-access export (JSON); each download is recorded in the access log. */
import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api';
import { base64ToBytes, saveFile } from '../../download';

export function ExportButtons({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('citizen');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (what: 'disclosure' | 'subjectExport') => {
    setBusy(what);
    setError(null);
    try {
      if (what === 'disclosure') {
        const r = await call('disclosure', { citizenId });
        saveFile(r.filename, base64ToBytes(r.base64), 'application/pdf');
      } else {
        const r = await call('subjectExport', { citizenId });
        saveFile(r.filename, r.json, 'application/json');
      }
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Group gap="xs">
      <Button size="xs" variant="default" loading={busy === 'disclosure'} onClick={() => void run('disclosure')} data-testid="download-disclosure">
        {t('export.disclosure')}
      </Button>
      <Button size="xs" variant="default" loading={busy === 'subjectExport'} onClick={() => void run('subjectExport')} data-testid="download-subject-export">
        {t('export.subject')}
      </Button>
      {error && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
    </Group>
  );
}
