import { ProgressBar } from '../../../components/ui/progress-bar';
import { useAuth } from '../store';

/**
 * What the password work is doing, in words and as a bar ("Checking your current password and
 * securing the new one… 40%"). The only subscriber to the progress: nothing else re-renders as
 * it moves.
 */
export function PasswordProgress() {
  const work = useAuth((s) => s.passwordWork);
  if (!work) return null;
  const percent = Math.round(work.fraction * 100);
  return (
    <div className="kdf-progress">
      <ProgressBar value={work.fraction} label={work.task} />
      <small className="muted" data-testid="password-progress">
        {work.task}
        {percent < 100 ? ` ${percent}%` : ''}
      </small>
    </div>
  );
}
