/** Resolves the theme setting against the OS (prefers-color-scheme, forced-colors) and applies it. */
import { useEffect, useState } from 'react';
import type { Settings } from '../../src-main/common/model';

/** A concrete theme. */
export type ResolvedTheme = 'dark' | 'light' | 'high-contrast';

function fromSystem(): ResolvedTheme {
  if (window.matchMedia('(forced-colors: active)').matches || window.matchMedia('(prefers-contrast: more)').matches) return 'high-contrast';
  return window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** The theme in effect, following OS changes live while the setting is 'system'. */
export function useResolvedTheme(setting: Settings['theme']): ResolvedTheme {
  const [system, setSystem] = useState<ResolvedTheme>(fromSystem);
  useEffect(() => {
    const queries = ['(prefers-color-scheme: light)', '(forced-colors: active)', '(prefers-contrast: more)'].map((query) => window.matchMedia(query));
    const update = () => setSystem(fromSystem());
    for (const query of queries) query.addEventListener('change', update);
    return () => {
      for (const query of queries) query.removeEventListener('change', update);
    };
  }, []);
  const theme = setting === 'system' ? system : setting;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return theme;
}
