export { identityMigrations } from './migrations';
export type { User } from './user';
export { authResultSchema, signInInput, signUpInput, userSchema } from './schemas';
export { signUp } from './services/sign-up';
export { signIn } from './services/sign-in';
export { signOut } from './services/sign-out';
export { authenticate } from './services/authenticate';
export { findUserByEmail } from './services/find-user-by-email';
export { UserModel } from './models/user-model';
