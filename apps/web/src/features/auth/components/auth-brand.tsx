import type { ReactNode } from 'react';

/** The Herald mark and name at the top of the sign-in and unlock screens, with a line under it. */
export function AuthBrand({ children }: { children: ReactNode }) {
  return (
    <div className="auth-brand">
      <span className="brand-mark" aria-hidden="true">
        H
      </span>
      <div>
        <h1>Herald</h1>
        <p className="muted">{children}</p>
      </div>
    </div>
  );
}
