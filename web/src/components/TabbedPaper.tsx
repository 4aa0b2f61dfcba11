/** A bordered card of tabs, as the settings, users and project pages use. */
import { Paper, Tabs } from '@mantine/core';
import type { ReactNode } from 'react';

export interface TabSpec {
  value: string;
  label: string;
  icon?: ReactNode;
  panel: ReactNode;
}

export function TabbedPaper({ tabs, value, onChange, keepMounted = true }: { tabs: TabSpec[]; value?: string | null; onChange?(v: string): void; keepMounted?: boolean }) {
  return (
    <Paper withBorder radius="md" p={0}>
      <Tabs
        {...(value !== undefined ? { value } : { defaultValue: tabs[0]?.value ?? null })}
        onChange={(v) => v && onChange?.(v)}
        keepMounted={keepMounted}
      >
        <Tabs.List px="md" pt="xs">
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} leftSection={t.icon}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((t) => (
          <Tabs.Panel key={t.value} value={t.value} p="md">
            {t.panel}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Paper>
  );
}
