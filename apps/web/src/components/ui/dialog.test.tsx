import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Dialog } from './dialog';

function Picker({ onClose }: { onClose: () => void }) {
  const [added, setAdded] = useState(false);
  return (
    <Dialog title="Group info" onClose={onClose}>
      {added ? <p>Bob added</p> : <button onClick={() => setAdded(true)}>Bob</button>}
    </Dialog>
  );
}

describe('Dialog', () => {
  it('closes on Escape from inside', () => {
    const onClose = vi.fn();
    render(<Picker onClose={onClose} />);
    fireEvent.keyDown(screen.getByRole('button', { name: 'Bob' }), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('still closes on Escape once the focused element inside was removed (focus fell to the body)', () => {
    const onClose = vi.fn();
    render(<Picker onClose={onClose} />);
    const bob = screen.getByRole('button', { name: 'Bob' });
    bob.focus();
    fireEvent.click(bob);
    expect(screen.getByText('Bob added')).toBeTruthy();
    expect(document.activeElement).toBe(document.body);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('with two dialogs open, only the newest closes', () => {
    const outer = vi.fn();
    const inner = vi.fn();
    render(
      <>
        <Dialog title="Outer" onClose={outer}>
          <p>outer</p>
        </Dialog>
        <Dialog title="Inner" onClose={inner}>
          <p>inner</p>
        </Dialog>
      </>,
    );
    (document.activeElement as HTMLElement | null)?.blur();
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(inner).toHaveBeenCalledTimes(1);
    expect(outer).not.toHaveBeenCalled();
  });
});
