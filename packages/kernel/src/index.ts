export {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  TooManyRequestsError,
  UnauthorizedError,
} from './domain-error';
export type { DomainErrorCode } from './domain-error';
export type { Actor } from './actor';
export { idSchema, requiredText, text } from './schemas';
