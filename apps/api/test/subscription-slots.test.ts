import { TooManyRequestsError } from '@trellis/kernel';
import { describe, expect, it } from 'vitest';
import { SubscriptionSlots } from '../src/live/subscription-slots';

describe('SubscriptionSlots', () => {
  it('caps streams per user and per instance, and a release frees exactly one slot', () => {
    const slots = new SubscriptionSlots({ perUser: 2, max: 3 });
    const ada = [slots.take('ada'), slots.take('ada')];
    expect(() => slots.take('ada')).toThrow(TooManyRequestsError);
    const grace = slots.take('grace');
    expect(slots.open).toBe(3);
    // The instance is full: a third user is refused too, with the instance's reason.
    expect(() => slots.take('linus')).toThrow(/as many live streams as it can/);
    ada[0]!();
    ada[0]!(); // twice: still one slot
    expect(slots.open).toBe(2);
    const linus = slots.take('linus');
    expect(() => slots.take('ada')).toThrow(TooManyRequestsError);
    grace();
    linus();
    ada[1]!();
    expect(slots.open).toBe(0);
  });
});
