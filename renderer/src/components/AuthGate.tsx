/**
 * Nobody sees a record without an account: first start asks for the first
 * administrator, then everyone logs in. The console locks after 5 minutes
 * without keyboard or mouse activity (the password unlocks it) and a session
 * ends after 8 hours (enforced by the main process).
 */
import { Alert, Button, Card, Center, Loader, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useIdle } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { SessionUser } from '../../../shared/contract';
import { call, loginSession, onAuthRequired, onSessionChange } from '../api';

const IDLE_LOCK_MS = 5 * 60_000;
const CurrentUser = createContext<SessionUser | null>(null);
export const useCurrentUser = () => useContext(CurrentUser);

function Frame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Center mih="100vh" bg="gray.0">
      <Card withBorder shadow="sm" w={420} padding="xl">
        <Stack>
          <Title order={2}>Credence</Title>
          <Text fw={600}>{title}</Text>
          {children}
        </Stack>
      </Card>
    </Center>
  );
}

function useSubmit(action: () => Promise<void>) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, submit };
}

function SetupForm({ onDone }: { onDone: () => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const { error, busy, submit } = useSubmit(async () => {
    if (password !== repeat) throw new Error('the two passwords differ');
    const r = await call('setupAdmin', { username, displayName, password });
    loginSession.set(r.token);
    onDone();
  });
  return (
    <Frame title="First start: create the first administrator">
      <Text size="sm" c="dimmed">
        This account manages users and rulesets. Every action in the console is recorded under the account that made it.
      </Text>
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} required data-testid="setup-username" />
          <TextInput label="Full name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
          <PasswordInput label="Password (8 to 128 characters)" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required data-testid="setup-password" />
          <PasswordInput label="Repeat the password" value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} required data-testid="setup-repeat" />
          {error && <Alert color="red">{error}</Alert>}
          <Button type="submit" loading={busy} data-testid="setup-submit">
            Create and log in
          </Button>
        </Stack>
      </form>
    </Frame>
  );
}

function LoginForm({ onDone }: { onDone: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, submit } = useSubmit(async () => {
    const r = await call('login', { username, password });
    loginSession.set(r.token);
    onDone();
  });
  return (
    <Frame title="Log in">
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} required autoFocus data-testid="login-username" />
          <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required data-testid="login-password" />
          {error && (
            <Alert color="red" data-testid="login-error">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy} data-testid="login-submit">
            Log in
          </Button>
          <Text size="xs" c="dimmed">
            Failed attempts are recorded and slow further attempts down. Every record you open is logged with your name.
          </Text>
        </Stack>
      </form>
    </Frame>
  );
}

function UnlockForm({ user, onDone, onLogout }: { user: SessionUser; onDone: () => void; onLogout: () => void }) {
  const [password, setPassword] = useState('');
  const { error, busy, submit } = useSubmit(async () => {
    await call('unlock', { password });
    onDone();
  });
  return (
    <Frame title={`Locked: ${user.displayName} (${user.username})`}>
      <Text size="sm" c="dimmed">
        The console locked after 5 minutes without activity.
      </Text>
      <form onSubmit={submit}>
        <Stack>
          <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoFocus data-testid="unlock-password" />
          {error && <Alert color="red">{error}</Alert>}
          <Button type="submit" loading={busy} data-testid="unlock-submit">
            Unlock
          </Button>
          <Button variant="subtle" onClick={onLogout}>
            Log out instead
          </Button>
        </Stack>
      </form>
    </Frame>
  );
}

/** A password an administrator set (new account, reset) is replaced by the user's own before anything else. */
function ChangePasswordForm({ user, onDone, onLogout }: { user: SessionUser; onDone: () => void; onLogout: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const { error, busy, submit } = useSubmit(async () => {
    if (next !== repeat) throw new Error('the two new passwords differ');
    await call('changePassword', { current, next });
    onDone();
  });
  return (
    <Frame title={`Choose your own password: ${user.displayName} (${user.username})`}>
      <Text size="sm" c="dimmed">
        An administrator set your password. Replace it with one only you know before you continue.
      </Text>
      <form onSubmit={submit}>
        <Stack>
          <PasswordInput label="Current password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} required autoFocus data-testid="change-current" />
          <PasswordInput label="New password (8 to 128 characters)" value={next} onChange={(e) => setNext(e.currentTarget.value)} required data-testid="change-next" />
          <PasswordInput label="New password again" value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} required data-testid="change-repeat" />
          {error && <Alert color="red">{error}</Alert>}
          <Button type="submit" loading={busy} data-testid="change-submit">
            Change password
          </Button>
          <Button variant="subtle" onClick={onLogout}>
            Log out instead
          </Button>
        </Stack>
      </form>
    </Frame>
  );
}

export function AuthGate({ children }: { children: (user: SessionUser, logout: () => void) => ReactNode }) {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ['authStatus'], queryFn: () => call('authStatus', {}), staleTime: Infinity });
  const idle = useIdle(IDLE_LOCK_MS, { initialState: false });
  const refresh = () => {
    queryClient.clear();
    void status.refetch();
  };
  useEffect(() => onAuthRequired(() => void status.refetch()), [status]);
  // One login per browser profile: another tab logging in or out is followed here.
  useEffect(() => onSessionChange(refresh), [status]);
  useEffect(() => {
    if (idle && status.data?.user && !status.data.locked) void call('lock', {}).then(() => status.refetch());
  }, [idle, status]);
  const logout = () => {
    void call('logout', {}).finally(() => {
      loginSession.clear();
      refresh();
    });
  };
  if (status.isLoading || !status.data) {
    return (
      <Center mih="100vh">
        <Loader />
      </Center>
    );
  }
  const { needsSetup, user, locked } = status.data;
  if (needsSetup) return <SetupForm onDone={refresh} />;
  if (!user) return <LoginForm onDone={refresh} />;
  if (locked) return <UnlockForm user={user} onDone={() => void status.refetch()} onLogout={logout} />;
  if (user.mustChangePassword) return <ChangePasswordForm user={user} onDone={refresh} onLogout={logout} />;
  return <CurrentUser.Provider value={user}>{children(user, logout)}</CurrentUser.Provider>;
}
