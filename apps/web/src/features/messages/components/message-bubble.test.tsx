import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { message } from '../../../test-support/fixtures';
import { MessageBubble } from './message-bubble';

describe('a failed message bubble (item 19)', () => {
  it('says why in one sentence (no double full stop), and can be retried or discarded', async () => {
    const failed = {
      ...message({ content: 'hi' }),
      localStatus: 'failed' as const,
      localError: 'You cannot send messages to this person.',
    };
    const onRetry = vi.fn();
    const onDiscard = vi.fn();
    render(
      <MessageBubble
        message={failed}
        mine
        senderName={null}
        timeZone="UTC"
        myId={failed.senderId}
        replyTo={null}
        highlighted={false}
        media={null}
        onReply={() => {}}
        onReact={() => {}}
        onRetry={onRetry}
        onDiscard={onDiscard}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Not sent: You cannot send messages to this person.');
    expect(alert.textContent).not.toMatch(/\.\./);
    await userEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(onDiscard).toHaveBeenCalledWith(failed);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledWith(failed);
  });
});
