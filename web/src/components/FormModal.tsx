/**
 * A dialog holding one form: fields, the error of the last attempt, and Cancel + submit. Enter
 * submits; the footer can be replaced (e.g. by an impact confirmation) or extended on the left.
 */
import { Button, Group, Modal, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './common';

export interface FormModalProps {
  title: string;
  onClose(): void;
  onSubmit(): void;
  submitLabel: string;
  submitColor?: string;
  busy?: boolean;
  error?: unknown;
  errorTitle?: string;
  size?: 'sm' | 'md' | 'lg' | 'xl';
  /** A button on the left of the footer (e.g. Test connection). */
  footerStart?: ReactNode;
  /** Replaces Cancel + submit (e.g. while a change waits for confirmation). */
  footer?: ReactNode;
  children: ReactNode;
}

export function FormModal(props: FormModalProps) {
  return (
    <Modal opened onClose={props.onClose} title={props.title} size={props.size ?? 'md'}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        <Stack>
          {props.children}
          <ErrorAlert error={props.error} {...(props.errorTitle ? { title: props.errorTitle } : {})} />
          {props.footer ?? (
            <Group justify={props.footerStart ? 'space-between' : 'flex-end'}>
              {props.footerStart}
              <Group gap="sm">
                <Button variant="subtle" color="gray" onClick={props.onClose}>
                  Cancel
                </Button>
                <Button type="submit" loading={!!props.busy} {...(props.submitColor ? { color: props.submitColor } : {})}>
                  {props.submitLabel}
                </Button>
              </Group>
            </Group>
          )}
        </Stack>
      </form>
    </Modal>
  );
}
