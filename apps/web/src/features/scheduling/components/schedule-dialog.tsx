import { useId, useMemo, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormattedText } from '../../../lib/format/formatted-text';
import { errorMessage } from '../../../lib/http';
import {
  DAY,
  formatClock,
  formatInZone,
  formatLong,
  fromInputs,
  offsetLabel,
  relativeTime,
  toDateInput,
  toTimeInput,
  zonedParts,
  zonedToUtc,
} from '../../../lib/time';
import { useNow } from '../../../lib/use-now';
import { defaultPick, quickPicks } from '../quick-picks';

export interface ScheduleRecipient {
  name: string;
  timeZone: string;
}

export interface ScheduleDialogProps {
  title?: string;
  submitLabel?: string;
  /** The person's own zone (their setting). */
  timeZone: string;
  /** Direct chats: the other person, to show their local time. */
  recipient?: ScheduleRecipient | null;
  /** Nothing sooner than this is offered (GET /api/config). */
  pickerMinLeadSeconds: number;
  maxHorizonDays: number;
  /** Start from this moment (rescheduling). */
  initial?: Date | null;
  /** What will be sent, shown for context. */
  contentPreview?: string | null;
  /** The message it answers, shown for context. */
  replyPreview?: { name: string; text: string } | null;
  /**
   * Why there is nothing that could be scheduled (an empty or too long message): said at once,
   * and Schedule stays disabled, so that nothing is ever submitted that the server must refuse.
   */
  contentProblem?: string | null;
  /**
   * Offer "Show recipients it was scheduled" (new messages only: by default a scheduled message
   * looks like any message to them).
   */
  offerShowAsScheduled?: boolean;
  /** Resolves when scheduled; a rejection's message is shown in the dialog. */
  onSubmit: (at: Date, options?: { showAsScheduled: boolean }) => Promise<void>;
  onClose: () => void;
}

function describeMin(seconds: number): string {
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'one minute' : `${minutes} minutes`;
}

/**
 * Pick when a message goes out: quick picks, or date and time in the person's zone; a preview of
 * the exact moment; the recipient's local time in a direct chat; server errors in place.
 */
export function ScheduleDialog({
  title = 'Schedule message',
  submitLabel = 'Schedule',
  timeZone,
  recipient,
  pickerMinLeadSeconds,
  maxHorizonDays,
  initial,
  contentPreview,
  replyPreview,
  contentProblem,
  offerShowAsScheduled = false,
  onSubmit,
  onClose,
}: ScheduleDialogProps) {
  const now = useNow(10_000);
  const minLeadMs = pickerMinLeadSeconds * 1000;
  // Minute precision is what people want; a server configured for a lead under a minute (tests,
  // demos) gets second precision so that "a few seconds from now" can be picked.
  const precise = pickerMinLeadSeconds < 60;
  const start = useMemo(() => {
    const from = initial && initial.getTime() >= Date.now() + minLeadMs ? initial : defaultPick(new Date(), timeZone);
    return zonedParts(from, timeZone);
    // Only the first render decides where the pickers start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const [date, setDate] = useState(toDateInput(start));
  const [time, setTime] = useState(toTimeInput(start, precise));
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [showAsScheduled, setShowAsScheduled] = useState(false);
  const previewId = useId();

  const earliest = now + minLeadMs;
  const latest = now + maxHorizonDays * DAY;
  const wall = fromInputs(date, time);
  const chosen = wall ? zonedToUtc(wall, timeZone) : null;
  const picks = useMemo(() => quickPicks(new Date(now), timeZone, minLeadMs), [now, timeZone, minLeadMs]);

  let problem: string | null = null;
  if (!chosen) problem = 'Pick a date and a time.';
  else if (chosen.getTime() < earliest) problem = `Pick a time at least ${describeMin(pickerMinLeadSeconds)} from now.`;
  else if (chosen.getTime() > latest) problem = `Pick a time within ${maxHorizonDays} days.`;

  // The wall time may not exist (spring forward) and then moves; say so.
  const shifted = chosen && wall ? toTimeInput(zonedParts(chosen, timeZone)) !== toTimeInput(wall) : false;

  const minDate = toDateInput(zonedParts(earliest, timeZone));
  const maxDate = toDateInput(zonedParts(latest, timeZone));
  const minTime =
    date === minDate ? toTimeInput(zonedParts(earliest + (precise ? 999 : 59_999), timeZone), precise) : undefined;

  function pick(at: Date) {
    const p = zonedParts(at, timeZone);
    setDate(toDateInput(p));
    setTime(toTimeInput(p, precise));
    setServerError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!chosen || problem || contentProblem) return;
    setBusy(true);
    setServerError(null);
    try {
      await (offerShowAsScheduled ? onSubmit(chosen, { showAsScheduled }) : onSubmit(chosen));
    } catch (error) {
      setServerError(errorMessage(error));
      setBusy(false);
    }
  }

  return (
    <Dialog title={title} onClose={onClose} size="md">
      <form className="schedule-form" onSubmit={(e) => void submit(e)} aria-describedby={previewId}>
        {replyPreview ? (
          <p className="schedule-reply muted">
            Replying to <strong>{replyPreview.name}</strong>: {replyPreview.text}
          </p>
        ) : null}
        {contentPreview ? (
          // As it will look: formatted like a bubble (bold, links, ...).
          <div className="schedule-content msg-text" data-testid="schedule-content-preview">
            <FormattedText text={contentPreview} />
          </div>
        ) : null}
        {contentProblem ? (
          <p className="form-error" role="alert" data-testid="schedule-content-problem">
            {contentProblem}
          </p>
        ) : null}
        {picks.length ? (
          <fieldset className="quick-picks">
            <legend>Quick picks</legend>
            {picks.map((p) => {
              const selected = chosen?.getTime() === p.at.getTime();
              return (
                <button
                  key={p.id}
                  type="button"
                  className={`quick-pick ${selected ? 'selected' : ''}`}
                  aria-pressed={selected}
                  onClick={() => pick(p.at)}
                >
                  <span>{p.label}</span>
                  <small>{p.detail}</small>
                </button>
              );
            })}
          </fieldset>
        ) : null}
        <div className="schedule-inputs">
          <label className="field">
            <span>Date</span>
            <input
              type="date"
              name="date"
              value={date}
              min={minDate}
              max={maxDate}
              required
              onChange={(e) => {
                setDate(e.target.value);
                setServerError(null);
              }}
            />
          </label>
          <label className="field">
            <span>Time</span>
            <input
              type="time"
              name="time"
              value={time}
              min={minTime}
              step={precise ? 1 : 60}
              required
              onChange={(e) => {
                setTime(e.target.value);
                setServerError(null);
              }}
            />
          </label>
        </div>
        <p className="schedule-zone muted">
          Time zone: <strong>{timeZone.replace(/_/g, ' ')}</strong> ({offsetLabel(chosen ?? now, timeZone)})
        </p>
        <div id={previewId} className="schedule-preview" aria-live="polite">
          {chosen && !problem ? (
            <>
              <p data-testid="schedule-preview">
                Will be sent <strong>{formatLong(chosen, timeZone)}</strong>{' '}
                <span className="muted">({relativeTime(chosen, now)})</span>
              </p>
              {shifted ? (
                <p className="muted">
                  {toTimeInput(wall!)} does not exist that day (the clocks go forward); it will go out at{' '}
                  {formatClock(chosen, timeZone)}.
                </p>
              ) : null}
              {recipient ? (
                <p className="schedule-recipient" data-testid="recipient-time">
                  {recipient.timeZone === timeZone ? (
                    <>
                      {recipient.name} is in your time zone too: {formatClock(chosen, recipient.timeZone)} for them.
                    </>
                  ) : (
                    <>
                      For {recipient.name} it will be{' '}
                      <strong>
                        {formatClock(chosen, recipient.timeZone)}
                        {toDateInput(zonedParts(chosen, recipient.timeZone)) !==
                        toDateInput(zonedParts(chosen, timeZone))
                          ? ` on ${formatInZone(chosen, recipient.timeZone, { weekday: 'long' })}`
                          : ''}
                      </strong>{' '}
                      ({recipient.timeZone.replace(/_/g, ' ')}).
                    </>
                  )}
                </p>
              ) : null}
            </>
          ) : (
            <p className="form-error" role="alert">
              {problem}
            </p>
          )}
        </div>
        {offerShowAsScheduled ? (
          <label className="schedule-show-as">
            <input
              type="checkbox"
              name="showAsScheduled"
              checked={showAsScheduled}
              onChange={(e) => setShowAsScheduled(e.target.checked)}
            />
            <span>
              Show recipients it was scheduled
              <small className="muted">Otherwise it arrives like any message.</small>
            </span>
          </label>
        ) : null}
        {serverError ? (
          <p className="form-error" role="alert" data-testid="schedule-error">
            {serverError}
          </p>
        ) : null}
        <div className="dialog-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={problem !== null || Boolean(contentProblem)}>
            {submitLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
