import { describe, expect, it } from 'vitest';
import { idSchema, requiredText, text } from './schemas';

describe('shared schemas', () => {
  it('requiredText rejects blanks and over-long text; idSchema takes only UUIDs', () => {
    expect(requiredText(5).safeParse('   ').success).toBe(false);
    expect(requiredText(5).safeParse('123456').success).toBe(false);
    expect(requiredText(5).parse('  ok ')).toBe('ok');
    expect(requiredText(50).safeParse('broken \ud800 text').success).toBe(false);
    expect(requiredText(50).safeParse('emoji \ud83d\ude00 fine').success).toBe(true);
    expect(text(50).safeParse('\udc00').success).toBe(false);
    expect(text(50).safeParse('').success).toBe(true);
    expect(idSchema.safeParse('1').success).toBe(false);
    expect(idSchema.safeParse('5f0c4b8e-2d7c-4a3e-9a53-0e1b8c7d6f5a').success).toBe(true);
  });
});
