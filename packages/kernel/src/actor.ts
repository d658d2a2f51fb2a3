/** Who is acting: the authenticated user. Services take it to enforce tenant and role rules. */
export interface Actor {
  userId: string;
}
