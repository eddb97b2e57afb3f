/**
 * A CEL expression input that the server type-checks as the official types
 * (debounced), showing the error under the field with a caret at its column.
 */
import { Box, Group, Text, Textarea, UnstyledButton } from '@mantine/core';
import { celTypeHint } from './celHint';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import type { Ref, RefObject } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { call } from '../../api';
import { keyedMessage } from '../../i18n/serverText';

interface Props {
  label: string;
  description: string;
  value: string;
  onChange: (value: string) => void;
  eventKind: string;
  expect: 'bool' | 'number';
  testId: string;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  onFocus?: () => void;
}

/** The line holding a 1-based column of the whole text, and the column inside that line. */
export function locate(text: string, column: number): { line: number; lineText: string; col: number } {
  const lines = text.split('\n');
  let offset = Math.max(0, column - 1);
  for (let i = 0; i < lines.length; i++) {
    if (offset <= lines[i].length || i === lines.length - 1) return { line: i + 1, lineText: lines[i], col: offset + 1 };
    offset -= lines[i].length + 1;
  }
  return { line: 1, lineText: text, col: column };
}

export function ExpressionField({ label, description, value, onChange, eventKind, expect, testId, inputRef, onFocus }: Props) {
  const { t } = useTranslation('rules');
  const [checked] = useDebouncedValue(value, 300);
  const check = useQuery({
    queryKey: ['checkExpression', eventKind, expect, checked],
    queryFn: () => call('checkExpression', { eventKind, expression: checked, expect }),
    enabled: eventKind !== '' && checked.trim() !== '',
    staleTime: Infinity,
    placeholderData: (prev) => prev,
  });
  const pending = value !== checked || check.isFetching;
  const result = check.data;
  const empty = value.trim() === '';
  const error = !empty && result && !result.ok ? result.error : undefined;
  const where = error ? locate(checked, error.column) : undefined;
  const multiline = checked.includes('\n');
  const hint = error ? celTypeHint(checked, error.message) : null;

  const showInField = () => {
    const el = inputRef.current;
    if (!el || !error) return;
    el.focus();
    const at = Math.min(error.column - 1, value.length);
    el.setSelectionRange(at, Math.min(at + 1, value.length));
  };

  return (
    <Box>
      <Textarea
        ref={inputRef as Ref<HTMLTextAreaElement>}
        label={label}
        description={description}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        onFocus={onFocus}
        autosize
        minRows={1}
        maxRows={8}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        error={empty || !!error}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        data-testid={testId}
        aria-invalid={empty || !!error}
      />
      <Group gap={6} mt={4} mih={18}>
        {empty && (
          <Text size="xs" c="red" data-testid={`${testId}-error`}>
            {t('expression.required')}
          </Text>
        )}
        {!empty && pending && (
          <Text size="xs" c="dimmed">
            {t('expression.checking')}
          </Text>
        )}
        {!empty && !pending && result?.ok && (
          <Text size="xs" c="var(--credence-ok-text)" data-testid={`${testId}-ok`}>
            {t('expression.valid', { type: result.type })}
          </Text>
        )}
        {check.error && (
          <Text size="xs" c="red">
            {t('expression.couldNotCheck', { error: check.error instanceof Error ? check.error.message : String(check.error) })}
          </Text>
        )}
      </Group>
      {error && where && (
        <Box
          mt={2}
          p={6}
          role="alert"
          data-testid={`${testId}-error`}
          data-column={error.column}
          style={{ background: 'var(--mantine-color-red-0)', borderLeft: '3px solid var(--mantine-color-red-6)', borderRadius: 2, opacity: pending ? 0.6 : 1 }}
        >
          <Box component="pre" m={0} style={{ fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13, overflowX: 'auto', lineHeight: 1.35 }}>
            {where.lineText}
            {'\n'}
            <span style={{ color: 'var(--mantine-color-red-7)', fontWeight: 700 }}>{' '.repeat(where.col - 1)}^</span>
          </Box>
          <Group gap={8} justify="space-between" wrap="nowrap">
            <Text size="sm" c="red.9">
              {multiline ? t('expression.lineColumn', { line: where.line, col: where.col, message: keyedMessage(error) }) : t('expression.column', { col: error.column, message: keyedMessage(error) })}
            </Text>
            <UnstyledButton onClick={showInField} fz="xs" c="red.9" td="underline" style={{ whiteSpace: 'nowrap' }}>
              {t('expression.showInField')}
            </UnstyledButton>
          </Group>
          {hint && (
            <Group gap={8} mt={4} wrap="nowrap" data-testid={`${testId}-hint`}>
              <Text size="sm">
                <Trans i18nKey="rules:expression.hint" values={{ text: hint.text, fixed: hint.fixed }} components={{ code: <code /> }} />
              </Text>
              <UnstyledButton onClick={() => onChange(hint.fixed)} fz="xs" c="indigo.7" td="underline" style={{ whiteSpace: 'nowrap' }} data-testid={`${testId}-apply-hint`}>
                {t('expression.useThis')}
              </UnstyledButton>
            </Group>
          )}
        </Box>
      )}
    </Box>
  );
}
