import { useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import type { Conversation, PublicUser } from '@herald/shared';
import { Button } from '../../../components/ui/button';
import { LockIcon } from '../../../components/ui/icons';
import { dismissKeyChange, safetyNumberWith, useKeyChanges } from '../../../lib/e2ee';
import { errorMessage } from '../../../lib/http';

/**
 * Safety numbers (DESIGN section 7): the server hands out public keys, so two people who want to
 * be sure nobody stands in between compare a number computed from both their keys. It reads the
 * same on both sides; if it differs, someone's keys are not the ones the other sees.
 */

/** Which person the chat info should open the "Verify security" view for (set by the banner). */
export const useVerifyRequest = create<{ userId: string | null }>()(() => ({ userId: null }));

export function requestVerify(userId: string | null): void {
  useVerifyRequest.setState({ userId });
}

/** 60 digits in 12 groups of 5, laid out as 3 rows of 4 to be read aloud. */
function SafetyNumberGrid({ value }: { value: string }) {
  const groups = value.split(' ');
  return (
    <div className="safety-number" data-testid="safety-number" aria-label={`Safety number ${value}`}>
      {groups.map((group, i) => (
        <span key={i} className="safety-number-group">
          {group}
        </span>
      ))}
    </div>
  );
}

export function VerifySecurity({ contact, onBack }: { contact: PublicUser; onBack: () => void }) {
  const [number, setNumber] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const changed = useKeyChanges((s) => Boolean(s.changed[contact.id]));
  // The button that opened this view is gone: focus moves here (so Escape and Tab keep working).
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  useEffect(() => {
    let live = true;
    safetyNumberWith(contact.id).then(
      (value) => live && setNumber(value),
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [contact.id]);

  return (
    <section className="verify-security" aria-label="Verify security">
      <h3 ref={heading} tabIndex={-1}>
        <LockIcon size={16} aria-hidden="true" /> Verify security with {contact.displayName}
      </h3>
      {changed ? (
        <p className="key-change-note" role="status">
          {contact.displayName}’s security key changed recently. Compare the number again.
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : number === undefined ? (
        <p className="muted">Computing the safety number…</p>
      ) : number === null ? (
        <p className="muted">{contact.displayName} has not set up encryption yet; there is nothing to compare.</p>
      ) : (
        <>
          <SafetyNumberGrid value={number} />
          <p className="muted">
            Compare this number with the one {contact.displayName} sees in this chat on their device, in person or on a
            call. If they match, your messages can be read only by the two of you. If they differ, someone may be
            reading along: do not trust this chat until you know why.
          </p>
        </>
      )}
      <div className="dialog-actions">
        <Button onClick={onBack}>Back</Button>
        {changed && number ? (
          <Button
            variant="primary"
            onClick={() => {
              dismissKeyChange(contact.id);
              onBack();
            }}
          >
            The numbers match
          </Button>
        ) : null}
      </div>
    </section>
  );
}

/**
 * "Bob's security key changed": shown at the top of the chat for each member whose keys changed
 * since this device last saw them, with a way to verify (or to dismiss it).
 */
export function KeyChangeBanner({
  conversation,
  myId,
  onVerify,
}: {
  conversation: Conversation;
  myId: string;
  onVerify: (userId: string) => void;
}) {
  const changed = useKeyChanges((s) => s.changed);
  const people = conversation.members.filter((m) => m.user.id !== myId && changed[m.user.id]).map((m) => m.user);
  if (people.length === 0) return null;
  return (
    <div className="key-change-banners">
      {people.map((person) => (
        <div key={person.id} className="key-change-banner" role="status">
          <LockIcon size={15} aria-hidden="true" />
          <span>{person.displayName}’s security key changed.</span>
          <button type="button" className="link" onClick={() => onVerify(person.id)}>
            Verify security
          </button>
          <button
            type="button"
            className="link muted"
            aria-label={`Dismiss the notice about ${person.displayName}`}
            onClick={() => dismissKeyChange(person.id)}
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
