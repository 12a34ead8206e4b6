import { useState, type FormEvent } from 'react';
import { isCleanName } from '@herald/shared';
import { Button } from '../../../components/ui/button';
import { toast } from '../../../components/ui/toast-store';
import { errorMessage } from '../../../lib/http';

/** The longest group title the server takes (`GroupTitle` of @herald/shared). */
export const MAX_GROUP_TITLE = 100;

/** Why this group name cannot be saved, in a sentence; null when it can. */
export function groupTitleProblem(raw: string): string | null {
  const title = raw.trim();
  if (!title) return 'The name cannot be empty.';
  if (title.length > MAX_GROUP_TITLE) {
    return `The name can be at most ${MAX_GROUP_TITLE} characters (it has ${title.length}).`;
  }
  if (!isCleanName(title)) return 'The name cannot contain control or invisible formatting characters.';
  return null;
}

export interface GroupTitleEditorProps {
  title: string;
  /** Owners and admins may rename (the server's rule for PATCH /api/conversations/:id). */
  canEdit: boolean;
  onSave: (title: string) => Promise<void>;
}

/**
 * The group's name in its info panel: owners and admins rename it in place (Enter saves, Escape
 * cancels), with the reason shown under the field when the name cannot be saved. Everyone sees the
 * new name live (conversation_updated).
 */
export function GroupTitleEditor({ title, canEdit, onSave }: GroupTitleEditorProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  if (draft === null) {
    return (
      <div className="group-title-row">
        <h3 className="group-title" data-testid="group-title">
          {title}
        </h3>
        {canEdit ? (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => {
              setDraft(title);
              setTouched(false);
            }}
          >
            Rename
          </Button>
        ) : null}
      </div>
    );
  }
  const problem = groupTitleProblem(draft);
  const shown = touched ? problem : null;
  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (problem || draft === null) return;
    const next = draft.trim();
    if (next === title) {
      setDraft(null);
      return;
    }
    setBusy(true);
    try {
      await onSave(next);
      setDraft(null);
      toast.success('Group renamed');
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="group-title-form" onSubmit={(e) => void submit(e)} noValidate>
      <label className="field">
        <span>Group name</span>
        <input
          value={draft}
          autoFocus
          aria-invalid={shown ? true : undefined}
          aria-describedby={shown ? 'group-title-error' : undefined}
          onChange={(e) => {
            setDraft(e.target.value);
            setTouched(true);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              setDraft(null);
            }
          }}
        />
      </label>
      {shown ? (
        <small id="group-title-error" className="form-error" role="alert">
          {shown}
        </small>
      ) : null}
      <div className="dialog-actions">
        <Button onClick={() => setDraft(null)} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={busy} disabled={Boolean(problem)}>
          Save
        </Button>
      </div>
    </form>
  );
}
