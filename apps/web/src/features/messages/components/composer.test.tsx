import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { useMessages } from '../store';
import { Composer, type ComposerProps } from './composer';

const C = 'c0000000-0000-4000-8000-000000000001';

function setup(props: Partial<ComposerProps> = {}) {
  const onSend = vi.fn();
  render(<Composer conversationId={C} onSend={onSend} maxLength={200} {...props} />);
  return { onSend, user: userEvent.setup() };
}
const box = () => screen.getByRole('textbox', { name: 'Message' });
const send = () => screen.getByRole('button', { name: 'Send' });

describe('composer', () => {
  it('Enter sends the trimmed words and empties the box; Shift+Enter breaks the line', async () => {
    const { onSend, user } = setup();
    await user.type(box(), '  first line{Shift>}{Enter}{/Shift}second  ');
    expect(onSend).not.toHaveBeenCalled();
    expect(box()).toHaveValue('  first line\nsecond  ');
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('first line\nsecond');
    expect(box()).toHaveValue('');
    expect(useMessages.getState().drafts[C]).toBe('');
  });

  it('sends nothing empty: Enter on blanks does nothing and Send is disabled', async () => {
    const { onSend, user } = setup();
    expect(send()).toBeDisabled();
    await user.type(box(), '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('shows the limit as it nears and refuses to send over it', async () => {
    const { onSend, user } = setup();
    await user.click(box());
    await user.paste('a'.repeat(150));
    expect(screen.getByTestId('composer-limit')).toHaveTextContent('50 characters left.');
    await user.paste('b'.repeat(51));
    expect(screen.getByTestId('composer-limit')).toHaveTextContent(
      'This message is 1 character too long (the limit is 200).',
    );
    expect(box()).toHaveAttribute('aria-invalid', 'true');
    expect(send()).toBeDisabled();
    await user.keyboard('{Enter}');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('an attachment chosen can go without words, and its tray shows above the box', async () => {
    const { onSend, user } = setup({ canSendEmpty: true, above: <div data-testid="tray">cat.png</div> });
    expect(screen.getByTestId('tray')).toHaveTextContent('cat.png');
    expect(send()).toBeEnabled();
    await user.click(send());
    expect(onSend).toHaveBeenCalledExactlyOnceWith('');
  });

  it('says why nothing can be written, instead of a box', () => {
    setup({ disabledReason: 'This account was deleted; you cannot write here any more.' });
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.getByRole('note')).toHaveTextContent('This account was deleted');
  });
});
