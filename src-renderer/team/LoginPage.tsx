/** The team server's sign-in page, in English or Arabic (the browser's language, switchable). */
import { useMemo, useState, type FormEvent } from 'react';
import { toOcmError } from '../../src-main/common/errors';
import type { AccountInfo } from '../../src-main/common/team';
import { createTranslator, TranslatorContext, type Language } from '../i18n';
import { Icon } from '../ui/primitives';
import { signIn } from './session';

/** The sign-in form; `ended` says the previous session ended. */
export function LoginPage({ onSignedIn, ended = false }: { onSignedIn(account: AccountInfo): void; ended?: boolean }) {
  const [language, setLanguage] = useState<Language>(() => (navigator.language.startsWith('ar') ? 'ar' : 'en'));
  const translator = useMemo(() => createTranslator(language), [language]);
  const { t } = translator;
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [working, setWorking] = useState(false);
  const [message, setMessage] = useState<string | undefined>(ended ? t('team.signIn.ended') : undefined);

  document.documentElement.lang = language;
  document.documentElement.dir = translator.direction;
  document.title = `${t('team.signIn.title')} · ${t('app.title')}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setWorking(true);
    setMessage(undefined);
    signIn(login, password).then(onSignedIn, (error: unknown) => {
      const failure = toOcmError(error);
      setWorking(false);
      setPassword('');
      if (failure.code === 'auth-failed') setMessage(t('team.signIn.failed'));
      else if (failure.code === 'access-denied' && failure.detail) setMessage(t('team.signIn.throttled', { seconds: Number(failure.detail) }));
      else setMessage(t('team.signIn.error', { message: failure.message }));
    });
  };

  return (
    <TranslatorContext.Provider value={translator}>
      <main className="sign-in" data-testid="sign-in" dir={translator.direction}>
        <form className="sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
          <Icon name="history" className="sign-in-logo" />
          <h1 id="sign-in-title">{t('team.signIn.title')}</h1>
          <p className="muted">{t('team.signIn.subtitle', { host: location.host })}</p>
          <label className="form-field">
            <span>{t('team.signIn.login')}</span>
            <input name="login" autoComplete="username" dir="auto" required value={login} onChange={(event) => setLogin(event.target.value)} autoFocus />
          </label>
          <label className="form-field">
            <span>{t('team.signIn.password')}</span>
            <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
          </label>
          {message && (
            <p className="sign-in-message" role="alert" data-testid="sign-in-message">
              {message}
            </p>
          )}
          <button type="submit" className="button" disabled={working || !login || !password} data-testid="sign-in-submit">
            {working ? t('team.signIn.working') : t('team.signIn.submit')}
          </button>
          <button type="button" className="link-button" onClick={() => setLanguage(language === 'ar' ? 'en' : 'ar')}>
            {t('team.signIn.otherLanguage')}
          </button>
        </form>
      </main>
    </TranslatorContext.Provider>
  );
}
