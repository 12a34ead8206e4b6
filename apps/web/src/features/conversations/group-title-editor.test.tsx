import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { GroupTitleEditor, groupTitleProblem } from './components/group-title-editor';

describe('rename a group (item 9)', () => {
  it('explains an empty, too long or invisible-character name', () => {
    expect(groupTitleProblem('   ')).toBe('The name cannot be empty.');
    expect(groupTitleProblem('x'.repeat(101))).toBe('The name can be at most 100 characters (it has 101).');
    expect(groupTitleProblem('evil\u202Ename')).toMatch(/control or invisible/);
    expect(groupTitleProblem('bell\u0007')).toMatch(/control or invisible/);
    expect(groupTitleProblem('  Trip 2027  ')).toBeNull();
  });

  it('renames in place for an admin, with the reason shown, Save disabled until valid', async () => {
    const onSave = vi.fn(() => Promise.resolve());
    render(<GroupTitleEditor title="Trip" canEdit onSave={onSave} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Rename' }));
    const input = screen.getByRole('textbox', { name: 'Group name' });
    expect(input).toHaveFocus();
    await user.clear(input);
    expect(screen.getByRole('alert')).toHaveTextContent('The name cannot be empty.');
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    await user.type(input, '  Trip 2027 {Enter}');
    expect(onSave).toHaveBeenCalledWith('Trip 2027');
    expect(await screen.findByRole('button', { name: 'Rename' })).toBeInTheDocument();
  });

  it('offers no Rename to plain members', () => {
    render(<GroupTitleEditor title="Trip" canEdit={false} onSave={() => Promise.resolve()} />);
    expect(screen.getByTestId('group-title')).toHaveTextContent('Trip');
    expect(screen.queryByRole('button', { name: 'Rename' })).toBeNull();
  });
});
