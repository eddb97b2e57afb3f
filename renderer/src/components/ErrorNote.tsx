import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { errorText } from '../i18n/errorText';

/** A failed call or action: what went wrong in a title (by default what kind of refusal it was), the message below. */
export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation('errors');
  if (!error) return null;
  const heading = title ?? (error instanceof ApiError ? t(`code.${error.code}`) : t('somethingWrong'));
  return (
    <Alert color="red" title={heading} role="alert">
      {errorText(error)}
    </Alert>
  );
}
