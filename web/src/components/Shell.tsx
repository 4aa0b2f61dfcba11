/** The signed-in frame: header (workspace, user), navigation (collapses to a drawer on tablets). */
import { AppShell, Avatar, Burger, Group, Menu, NavLink, ScrollArea, Select, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBuildingWarehouse, IconChevronDown, IconDatabase, IconFileText, IconFolders, IconKey, IconLogout, IconPlugConnected, IconUsersGroup } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useSession, useWorkspace } from '../session';

export function Logo({ size = 'md' }: { size?: 'md' | 'lg' }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={size === 'lg' ? 36 : 28} radius="md" variant="gradient" gradient={{ from: 'indigo', to: 'cyan', deg: 135 }} aria-hidden>
        <IconBuildingWarehouse size={size === 'lg' ? 22 : 18} />
      </ThemeIcon>
      <Text fw={700} size={size === 'lg' ? 'xl' : 'lg'}>
        Atrium
      </Text>
    </Group>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { me, can, signOut, selectWorkspace } = useSession();
  const ws = useWorkspace();
  const location = useLocation();
  const navigate = useNavigate();
  const at = (p: string) => location.pathname === p || location.pathname.startsWith(`${p}/`);

  const nav = (to: string, label: string, icon: ReactNode) => (
    <NavLink component={Link} to={to} label={label} leftSection={icon} active={at(to)} onClick={close} />
  );

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 248, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />
            <UnstyledButton component={Link} to="/projects" aria-label="Atrium home">
              <Logo />
            </UnstyledButton>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {me && me.workspaces.length > 1 ? (
              <Select
                aria-label="Workspace"
                size="xs"
                w={180}
                data={me.workspaces.map((w) => ({ value: w.id, label: w.name }))}
                value={ws.id}
                onChange={(v) => {
                  if (v) {
                    selectWorkspace(v);
                    navigate('/projects');
                  }
                }}
                allowDeselect={false}
              />
            ) : (
              <Text size="sm" c="dimmed" visibleFrom="sm">
                {ws.name} · <span style={{ textTransform: 'capitalize' }}>{ws.plan}</span>
              </Text>
            )}
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label="Account menu">
                  <Group gap={6} wrap="nowrap">
                    <Avatar size={30} radius="xl" color="indigo">
                      {(me?.user.name ?? '?').slice(0, 1).toUpperCase()}
                    </Avatar>
                    <div style={{ lineHeight: 1.1 }} className="atrium-user">
                      <Text size="sm" fw={500} visibleFrom="sm">
                        {me?.user.name}
                      </Text>
                      <Text size="xs" c="dimmed" visibleFrom="sm" tt="capitalize">
                        {ws.role}
                      </Text>
                    </div>
                    <IconChevronDown size={14} />
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me?.user.email}</Menu.Label>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void signOut().then(() => navigate('/login'))}>
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          {nav('/projects', 'Projects', <IconFolders size={18} />)}
          <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" mt="md" mb={4}>
            Settings › Workspace
          </Text>
          {nav('/settings/workspace/data-sources', 'Data sources', <IconDatabase size={18} />)}
          {nav('/settings/workspace/secrets', 'Secrets', <IconKey size={18} />)}
          {nav('/settings/workspace/integrations', 'Integrations', <IconPlugConnected size={18} />)}
          {can('view_members') && nav('/settings/users', 'Users and groups', <IconUsersGroup size={18} />)}
          {can('read_audit') && nav('/audit', 'Audit log', <IconFileText size={18} />)}
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0">{children}</AppShell.Main>
    </AppShell>
  );
}
