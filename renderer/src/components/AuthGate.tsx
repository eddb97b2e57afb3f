/**
 * Nobody sees a record without an account: first start asks for the first
 * administrator, then everyone logs in. The console locks after 5 minutes
 * without keyboard or mouse activity (the password unlocks it) and a session
 * ends after 8 hours (enforced by the main process).
 */
import { Alert, Button, Card, Center, Group, Loader, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useIdle } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../shared/contract';
import { call, loginSession, onAuthRequired, onSessionChange } from '../api';
import { applyLanguage, currentLanguage, takePickedBeforeLogin } from '../i18n';
import { errorText } from '../i18n/errorText';
import { LanguageSwitch } from './LanguageSwitch';

const IDLE_LOCK_MS = 5 * 60_000;
const CurrentUser = createContext<SessionUser | null>(null);
export const useCurrentUser = () => useContext(CurrentUser);

function Frame({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation('common');
  return (
    <Center mih="100vh" bg="gray.0" component="main">
      <Card withBorder shadow="sm" w={440} padding="xl">
        <Stack>
          <Group justify="space-between" align="center">
            <Title order={1} size="h2">
              {t('appName')}
            </Title>
            <LanguageSwitch saveToAccount={false} />
          </Group>
          <Text fw={600} component="h2" m={0} size="md">
            {title}
          </Text>
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
      // Wrong password, wait, locked: the server's refusal in the reader's language.
      setError(errorText(err));
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
  const { t } = useTranslation('common');
  const { error, busy, submit } = useSubmit(async () => {
    if (password !== repeat) throw new Error(t('auth.passwordsDiffer'));
    const r = await call('setupAdmin', { username, displayName, password, language: currentLanguage() });
    loginSession.set(r.token);
    onDone();
  });
  return (
    <Frame title={t('auth.setupTitle')}>
      <Text size="sm" c="dimmed">
        {t('auth.setupIntro')}
      </Text>
      <Text size="sm" c="dimmed">
        {t('auth.setupLanguage')}
      </Text>
      <form onSubmit={submit}>
        <Stack>
          <TextInput label={t('auth.username')} value={username} onChange={(e) => setUsername(e.currentTarget.value)} required data-testid="setup-username" />
          <TextInput label={t('auth.fullName')} value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
          <PasswordInput label={t('auth.passwordRange')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required data-testid="setup-password" />
          <PasswordInput label={t('auth.repeatPassword')} value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} required data-testid="setup-repeat" />
          {error && <Alert color="red">{error}</Alert>}
          <Button type="submit" loading={busy} data-testid="setup-submit">
            {t('auth.createAndLogIn')}
          </Button>
        </Stack>
      </form>
    </Frame>
  );
}

function LoginForm({ onDone }: { onDone: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { t } = useTranslation('common');
  const { error, busy, submit } = useSubmit(async () => {
    const r = await call('login', { username, password });
    loginSession.set(r.token);
    onDone();
  });
  return (
    <Frame title={t('auth.loginTitle')}>
      <form onSubmit={submit}>
        <Stack>
          <TextInput label={t('auth.username')} value={username} onChange={(e) => setUsername(e.currentTarget.value)} required autoFocus data-testid="login-username" />
          <PasswordInput label={t('auth.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required data-testid="login-password" />
          {error && (
            <Alert color="red" data-testid="login-error">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy} data-testid="login-submit">
            {t('auth.logIn')}
          </Button>
          <Text size="xs" c="dimmed">
            {t('auth.loginNotice')}
          </Text>
        </Stack>
      </form>
    </Frame>
  );
}

function UnlockForm({ user, onDone, onLogout }: { user: SessionUser; onDone: () => void; onLogout: () => void }) {
  const [password, setPassword] = useState('');
  const { t } = useTranslation('common');
  const { error, busy, submit } = useSubmit(async () => {
    await call('unlock', { password });
    onDone();
  });
  return (
    <Frame title={t('auth.lockedTitle', { displayName: user.displayName, username: user.username })}>
      <Text size="sm" c="dimmed">
        {t('auth.lockedIntro')}
      </Text>
      <form onSubmit={submit}>
        <Stack>
          <PasswordInput label={t('auth.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} required autoFocus data-testid="unlock-password" />
          {error && <Alert color="red">{error}</Alert>}
          <Button type="submit" loading={busy} data-testid="unlock-submit">
            {t('auth.unlock')}
          </Button>
          <Button variant="subtle" onClick={onLogout}>
            {t('auth.logOutInstead')}
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
  const { t } = useTranslation('common');
  const { error, busy, submit } = useSubmit(async () => {
    if (next !== repeat) throw new Error(t('auth.newPasswordsDiffer'));
    await call('changePassword', { current, next });
    onDone();
  });
  return (
    <Frame title={t('auth.changeTitle', { displayName: user.displayName, username: user.username })}>
      <Text size="sm" c="dimmed">
        {t('auth.changeIntro')}
      </Text>
      <form onSubmit={submit}>
        <Stack>
          <PasswordInput label={t('auth.currentPassword')} value={current} onChange={(e) => setCurrent(e.currentTarget.value)} required autoFocus data-testid="change-current" />
          <PasswordInput label={t('auth.newPasswordRange')} value={next} onChange={(e) => setNext(e.currentTarget.value)} required data-testid="change-next" />
          <PasswordInput label={t('auth.newPasswordAgain')} value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} required data-testid="change-repeat" />
          {error && <Alert color="red">{error}</Alert>}
          <Button type="submit" loading={busy} data-testid="change-submit">
            {t('auth.changePassword')}
          </Button>
          <Button variant="subtle" onClick={onLogout}>
            {t('auth.logOutInstead')}
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
  // A language picked on the login screen is saved to the account; otherwise the account's own applies; an account that never chose keeps the one shown.
  const user = status.data?.user;
  useEffect(() => {
    if (!user || status.data?.locked) return;
    const picked = takePickedBeforeLogin();
    if (picked && picked !== user.language) void call('setLanguage', { language: picked });
    else if (user.language) applyLanguage(user.language);
    else if (!user.mustChangePassword) void call('setLanguage', { language: currentLanguage() });
  }, [user, status.data?.locked]);
  const logout = () => {
    void call('logout', {}).finally(() => {
      loginSession.clear();
      refresh();
    });
  };
  if (status.isLoading || !status.data) {
    return (
      <Center mih="100vh">
        <Loader aria-label="…" />
      </Center>
    );
  }
  const { needsSetup, locked } = status.data;
  if (needsSetup) return <SetupForm onDone={refresh} />;
  if (!user) return <LoginForm onDone={refresh} />;
  if (locked) return <UnlockForm user={user} onDone={() => void status.refetch()} onLogout={logout} />;
  if (user.mustChangePassword) return <ChangePasswordForm user={user} onDone={refresh} onLogout={logout} />;
  return <CurrentUser.Provider value={user}>{children(user, logout)}</CurrentUser.Provider>;
}
