/**
 * Redeeming an invitation link (`/invite#token=…`: the token is in the fragment, so it never
 * reaches a server log). A new person chooses their own password here; someone who already has
 * an account signs in first and accepts as themselves — the invitation never touches a password.
 */
import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError, client, unwrap } from '../api/client';
import { keys } from '../api/keys';
import { ErrorAlert } from '../components/common';
import { Logo } from '../components/Shell';
import { useSession } from '../session';

export function InvitePage() {
  const { me, checking, signIn, signOut, selectWorkspace } = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const token = useMemo(() => new URLSearchParams(location.hash.replace(/^#/, '')).get('token') ?? '', [location.hash]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const accept = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await unwrap(client.POST('/api/v1/invitations/accept', { body: me ? { token } : { token, password, ...(name ? { name } : {}) } }));
      if (me) await qc.refetchQueries({ queryKey: keys.me() });
      else await signIn(r.email, password);
      selectWorkspace(r.workspaceId);
      navigate('/projects', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const needsSignIn = error instanceof ApiError && error.code === 'unauthenticated';
  let body;
  if (!token) body = <Alert color="red">This link has no invitation in it. Open the exact link you were sent.</Alert>;
  else if (checking) body = <Text c="dimmed">Loading…</Text>;
  else if (me)
    body = (
      <Stack>
        <Text size="sm">
          You are signed in as <b>{me.user.email}</b>. Accepting adds this account to the workspace that invited you.
        </Text>
        <ErrorAlert error={error} title="Could not accept" />
        <Button onClick={() => void accept()} loading={busy}>
          Accept invitation
        </Button>
        <Button variant="subtle" onClick={() => void signOut()}>
          Not you? Sign out
        </Button>
      </Stack>
    );
  else
    body = (
      <form onSubmit={accept} aria-label="Accept invitation">
        <Stack>
          <Text size="sm">Choose the password you will sign in with.</Text>
          {needsSignIn ? (
            <Alert color="blue" title="You already have an account">
              Sign in with it, then open this link again to accept. <Link to="/login" state={{ from: `/invite${location.hash}` }}>Sign in</Link>
            </Alert>
          ) : (
            <ErrorAlert error={error} title="Could not accept" />
          )}
          <TextInput label="Your name" value={name} onChange={(e) => setName(e.currentTarget.value)} autoComplete="name" />
          <PasswordInput label="Password" description="At least 8 characters" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" />
          <Button type="submit" loading={busy} fullWidth>
            Join workspace
          </Button>
          <Text size="xs" c="dimmed">
            Already have an Atrium account? <Link to="/login" state={{ from: `/invite${location.hash}` }}>Sign in first</Link>.
          </Text>
        </Stack>
      </form>
    );

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Box w="100%" maw={420}>
        <Center mb="lg">
          <Logo size="lg" />
        </Center>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Stack>
            <Title order={3}>You are invited</Title>
            {body}
          </Stack>
        </Paper>
      </Box>
    </Center>
  );
}
