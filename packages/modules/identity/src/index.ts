export { identityMigrations } from './migrations';
export type { User } from './user';
export { toUser, USER_COLUMNS } from './user';
export { authResultSchema, signInInput, signUpInput, userSchema } from './schemas';
export { signUp } from './services/sign-up';
export { signIn, INVALID_CREDENTIALS } from './services/sign-in';
export { signInThrottled } from './services/throttled-sign-in';
export type { ThrottledSignInContext } from './services/throttled-sign-in';
export { signUpThrottled } from './services/throttled-sign-up';
export type { ThrottledSignUpContext } from './services/throttled-sign-up';
export { purgeExpiredCredentials } from './services/purge-expired-credentials';
export type { PurgeOptions } from './services/purge-expired-credentials';
export { DEFAULT_PASSWORD_HASH_LIMITS, PasswordHashQueue } from './credentials/password-hash-queue';
export type { PasswordHashQueueLimits } from './credentials/password-hash-queue';
export {
  DEFAULT_SIGN_IN_THROTTLE,
  DEFAULT_SIGN_UP_THROTTLE,
} from './throttle/sign-in-throttle-policy';
export type {
  SignInThrottlePolicy,
  SignUpThrottlePolicy,
} from './throttle/sign-in-throttle-policy';
export { addressGroup } from './throttle/address-group';
export { signOut } from './services/sign-out';
export { authenticate } from './services/authenticate';
export { findUserByEmail } from './services/find-user-by-email';
export { UserModel } from './models/user-model';
