import { BaseModel } from '@trellis/db';
import type { InvitableRole } from '../role';

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'revoked';

/** Table `invitations`. Internal: other modules never see invitations. */
export class InvitationModel extends BaseModel {
  static override tableName = 'invitations';

  declare id: string;
  declare workspaceId: string;
  declare email: string;
  declare role: InvitableRole;
  declare inviterId: string;
  declare status: InvitationStatus;
  declare sentAt: Date;
  declare expiresAt: Date;
  declare answeredAt: Date | null;
}
