/**
 * A decision that needs a written reason: says what will happen, takes the
 * reason (or the citizen's statement), runs the action and stays open with
 * the server's message if it refuses.
 */
import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../ErrorNote';

interface Props {
  title: string;
  /** What confirming does, in the user's words. */
  children: ReactNode;
  label?: string;
  description?: string;
  placeholder?: string;
  minLength?: number;
  maxLength?: number;
  confirmLabel: string;
  confirmColor?: string;
  testId: string;
  onClose: () => void;
  onConfirm: (text: string) => Promise<unknown>;
}

export function ReasonModal({ title, children, label, description, placeholder, minLength = 5, maxLength = 2000, confirmLabel, confirmColor, testId, onClose, onConfirm }: Props) {
  const { t } = useTranslation('citizen');
  const [text, setText] = useState('');
  const action = useMutation({ mutationFn: () => onConfirm(text.trim()), onSuccess: onClose });
  const short = text.trim().length < minLength;
  return (
    <Modal opened onClose={onClose} title={<Text fw={700}>{title}</Text>} size="lg" data-testid={`${testId}-modal`}>
      <Stack gap="sm">
        {children}
        <Textarea
          label={label ?? t('reasonModal.reason')}
          description={description}
          placeholder={placeholder}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          autosize
          minRows={3}
          maxRows={8}
          maxLength={maxLength}
          required
          data-autofocus
          error={text.length > 0 && short ? t('reasonModal.tooShort', { count: minLength, typed: text.trim().length }) : undefined}
          data-testid={`${testId}-reason`}
        />
        <ErrorNote error={action.error} title={t('reasonModal.notDone')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('reasonModal.cancel')}
          </Button>
          <Button color={confirmColor} disabled={short} loading={action.isPending} onClick={() => action.mutate()} data-testid={`${testId}-confirm`}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
