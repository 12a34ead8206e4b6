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

describe('Dialog initial focus (issue 13, item 11)', () => {
  it('starts in the first field, not on the close button', () => {
    render(
      <Dialog title="Rename" onClose={() => {}}>
        <p>Pick a name</p>
        <button type="button">Help</button>
        <label>
          Name <input />
        </label>
        <textarea aria-label="Notes" />
      </Dialog>,
    );
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Name' }));
  });

  it('a select or textarea counts as a field; a disabled one does not', () => {
    render(
      <Dialog title="Pick" onClose={() => {}}>
        <input aria-label="Off" disabled />
        <select aria-label="Zone">
          <option>UTC</option>
        </select>
      </Dialog>,
    );
    expect(document.activeElement).toBe(screen.getByRole('combobox', { name: 'Zone' }));
  });

  it('without fields, starts on the first button of the body, then of the footer', () => {
    const { unmount } = render(
      <Dialog title="Confirm" onClose={() => {}}>
        <p>Sure?</p>
        <button type="button">Yes</button>
      </Dialog>,
    );
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Yes' }));
    unmount();
    render(
      <Dialog title="Info" onClose={() => {}} footer={<button type="button">OK</button>}>
        <p>Done.</p>
      </Dialog>,
    );
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'OK' }));
  });

  it('data-autofocus wins; the close button only when there is nothing else', () => {
    const { unmount } = render(
      <Dialog title="Edit" onClose={() => {}}>
        <input aria-label="First" />
        <button type="button" data-autofocus>
          Chosen
        </button>
      </Dialog>,
    );
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Chosen' }));
    unmount();
    render(
      <Dialog title="Empty" onClose={() => {}}>
        <p>Nothing to do.</p>
      </Dialog>,
    );
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }));
  });
});
