import { describe, expect, it } from 'vitest';
import { ConflictError, DomainError, InvalidInputError, NotFoundError } from './domain-error';

describe('domain errors', () => {
  it('carry the code the API maps and keep their class name', () => {
    const error = new NotFoundError('Workspace');
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.name).toBe('NotFoundError');
    expect(new ConflictError('taken').code).toBe('CONFLICT');
    expect(new InvalidInputError(['assigneeId'], 'not a member').path).toEqual(['assigneeId']);
  });
});
