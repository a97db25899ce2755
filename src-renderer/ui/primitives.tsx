/** Small shared building blocks: icons, empty states, error banners, skeletons, dialogs. */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useTranslator } from '../i18n';
import { localizeError } from '../i18n/service-text';

/** A codicon (from the locally bundled @vscode/codicons font). */
export function Icon({ name, label, className = '' }: { name: string; label?: string; className?: string }) {
  return label ? (
    <span className={`codicon codicon-${name} ${className}`} role="img" aria-label={label} title={label} />
  ) : (
    <span className={`codicon codicon-${name} ${className}`} aria-hidden="true" />
  );
}

/** A centred message for views with nothing to show, with what to do next. */
export function EmptyState({ icon, title, hint, children }: { icon: string; title: string; hint?: string; children?: ReactNode }) {
  return (
    <div className="empty-state" role="status">
      <Icon name={icon} className="empty-state-icon" />
      <p className="empty-state-title">{title}</p>
      {hint && <p className="empty-state-hint">{hint}</p>}
      {children && <div className="empty-state-actions">{children}</div>}
    </div>
  );
}

/**
 * An error explained: a title in the UI's language (from the error's code), the service's own message
 * (English, often quoting Odoo) as the specifics, and what to do.
 */
export function ErrorBanner({ error, onDismiss, onRetry }: { error: unknown; onDismiss?: () => void; onRetry?: () => void }) {
  const translator = useTranslator();
  const { t } = translator;
  const localized = localizeError(translator, error);
  const showMessage = localized.message && localized.message !== localized.title;
  return (
    <div className="banner banner-error" role="alert" data-error-code={localized.code}>
      <Icon name="error" />
      <div className="banner-text">
        <strong>{localized.title}</strong>
        {showMessage && (
          <span className="banner-message" dir="auto">
            <bdi>{localized.message}</bdi>
          </span>
        )}
        {localized.hint && <span className="banner-hint">{localized.hint}</span>}
        {(localized.detail || localized.originalHint) && (
          <details>
            <summary>{t('common.details')}</summary>
            {localized.originalHint && (
              <p dir="auto">
                {t('error.originalHint')}: <bdi>{localized.originalHint}</bdi>
              </p>
            )}
            {localized.detail && <pre dir="ltr">{localized.detail}</pre>}
          </details>
        )}
      </div>
      {onRetry && (
        <button type="button" className="button secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
      {onDismiss && (
        <button type="button" className="icon-button" onClick={onDismiss} aria-label={t('common.dismiss')}>
          <Icon name="close" />
        </button>
      )}
    </div>
  );
}

/** A message banner (warning or info) with an optional hint. */
export function Banner({ kind, title, hint, children }: { kind: 'warning' | 'info'; title: string; hint?: string; children?: ReactNode }) {
  return (
    <div className={`banner banner-${kind}`} role={kind === 'warning' ? 'alert' : 'status'}>
      <Icon name={kind === 'warning' ? 'warning' : 'info'} />
      <div className="banner-text">
        <strong>{title}</strong>
        {hint && <span className="banner-hint">{hint}</span>}
        {children}
      </div>
    </div>
  );
}

/** Grey placeholder lines while something loads. */
export function Skeleton({ lines = 3 }: { lines?: number }) {
  const { t } = useTranslator();
  return (
    <div className="skeleton" aria-busy="true" aria-label={t('common.loading')}>
      {Array.from({ length: lines }, (_, index) => (
        <div key={index} className="skeleton-line" style={{ inlineSize: `${60 + ((index * 37) % 35)}%` }} />
      ))}
    </div>
  );
}

/**
 * A modal dialog: focus moves in, Escape closes, focus returns to where it was. It is rendered into
 * `document.body` and centred in the window, so a decision is always in view: never laid out below a
 * long table or a panel that the user would have to scroll past, whatever view opened it. The body
 * scrolls inside the dialog; the header and the footer with its buttons stay put.
 */
export function Dialog({
  title,
  onClose,
  children,
  footer,
  wide = false,
  testId,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  testId?: string;
}) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input:not([disabled]), select, textarea, button:not([disabled])');
    (first ?? ref.current)?.focus();
    return () => previous?.focus?.();
  }, []);
  const { t, direction } = useTranslator();
  return createPortal(
    <div className="dialog-backdrop" dir={direction} onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={ref}
        className={`dialog ${wide ? 'dialog-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        data-testid={testId}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          }
        }}
      >
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')}>
            <Icon name="close" />
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </div>
    </div>,
    document.body,
  );
}

/** A progress bar (determinate when total is known). */
export function ProgressBar({ done, total, label }: { done: number; total?: number; label: string }) {
  const percent = total ? Math.min(100, Math.round((done / total) * 100)) : undefined;
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={total ?? undefined} aria-valuenow={total ? done : undefined}>
      <div className={`progress-fill ${percent === undefined ? 'indeterminate' : ''}`} style={percent === undefined ? undefined : { inlineSize: `${percent}%` }} />
    </div>
  );
}
