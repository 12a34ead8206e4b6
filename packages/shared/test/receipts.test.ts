import { describe, expect, it } from 'vitest';
import { aggregateStatus } from '../src/index.js';

const at = '2026-01-01T00:00:00.000Z';

describe('aggregateStatus (the one rule the server and the web apply)', () => {
  it('is sent without recipients, and follows the one recipient of a direct chat', () => {
    expect(aggregateStatus([])).toBe('sent');
    expect(aggregateStatus([{ deliveredAt: null, readAt: null }])).toBe('sent');
    expect(aggregateStatus([{ deliveredAt: at, readAt: null }])).toBe('delivered');
    expect(aggregateStatus([{ deliveredAt: at, readAt: at }])).toBe('read');
  });

  it('takes the least advanced recipient of a group, a read receipt counting as delivered', () => {
    expect(
      aggregateStatus([
        { deliveredAt: at, readAt: at },
        { deliveredAt: null, readAt: null },
      ]),
    ).toBe('sent');
    expect(
      aggregateStatus([
        { deliveredAt: at, readAt: at },
        { deliveredAt: at, readAt: null },
      ]),
    ).toBe('delivered');
    expect(
      aggregateStatus([
        { deliveredAt: null, readAt: at },
        { deliveredAt: at, readAt: null },
      ]),
    ).toBe('delivered');
  });
});
