/**
 * A written reason (or justification): every decision in the console carries
 * one, kept with the operation and shown to auditors. Says how many
 * characters are still missing instead of failing on submit.
 */
import { Textarea, type TextareaProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export const hasReason = (text: string, min: number): boolean => text.trim().length >= min;

export function ReasonField({ value, onChange, min, ...rest }: Omit<TextareaProps, 'value' | 'onChange' | 'error'> & { value: string; onChange: (v: string) => void; min: number }) {
  const { t } = useTranslation('reason');
  return (
    <Textarea
      autosize
      minRows={2}
      maxRows={6}
      maxLength={2000}
      {...rest}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={value.length > 0 && !hasReason(value, min) ? t('tooShort', { min, typed: value.trim().length }) : undefined}
    />
  );
}
