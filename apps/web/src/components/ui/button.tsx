import type { ButtonHTMLAttributes, ReactNode } from 'react';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: 'sm' | 'md';
  busy?: boolean;
}

export function Button({
  variant = 'secondary',
  size = 'md',
  busy,
  className,
  children,
  disabled,
  ...rest
}: ButtonProps) {
  return (
    <button
      type="button"
      className={['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', className ?? ''].join(' ').trim()}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

export interface IconButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'aria-label'> {
  /** Required: icon-only buttons must say what they do. */
  label: string;
  children: ReactNode;
  badge?: number;
  /** Red for problems (failures), blue for information (counts). */
  badgeTone?: 'danger' | 'info';
}

export function IconButton({ label, children, className, badge, badgeTone = 'danger', ...rest }: IconButtonProps) {
  return (
    <button type="button" className={`icon-btn ${className ?? ''}`.trim()} aria-label={label} title={label} {...rest}>
      {children}
      {badge ? (
        <span className={`icon-btn-badge badge-tone-${badgeTone}`} aria-hidden="true">
          {badge > 99 ? '99+' : badge}
        </span>
      ) : null}
    </button>
  );
}
