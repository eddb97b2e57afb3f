/** The citizen's disclosure (PDF) and subject-access export (JSON); each download is recorded in the access log. */
import { errorText } from '../../i18n/errorText';
import { Button, Group, Select, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, LANGUAGE_NAMES } from '../../../../shared/language';
import { call } from '../../api';
import { base64ToBytes, saveFile } from '../../download';

export function ExportButtons({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('citizen');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // 'citizen': the language on the citizen's record (English when it has none).
  const [language, setLanguage] = useState<string>('citizen');
  const run = async (what: 'disclosure' | 'subjectExport') => {
    setBusy(what);
    setError(null);
    try {
      if (what === 'disclosure') {
        const r = await call('disclosure', { citizenId, ...(isLanguage(language) && { language }) });
        saveFile(r.filename, base64ToBytes(r.base64), 'application/pdf');
      } else {
        const r = await call('subjectExport', { citizenId });
        saveFile(r.filename, r.json, 'application/json');
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Group gap="xs">
      <Select
        size="xs"
        w={160}
        aria-label={t('disclosure:languageLabel')}
        data={[
          { value: 'citizen', label: t('disclosure:citizenLanguage') },
          { value: 'en', label: LANGUAGE_NAMES.en },
          { value: 'zh-CN', label: LANGUAGE_NAMES['zh-CN'] },
        ]}
        value={language}
        onChange={(v) => setLanguage(v ?? 'citizen')}
        allowDeselect={false}
        data-testid="disclosure-language"
      />
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
