import { useState, type ReactNode } from 'react';
import type { Conversation, MemberRole } from '@herald/shared';
import { TEMPORARY_TTLS } from '@herald/shared';
import { Avatar } from '../../../components/ui/avatar';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { LastSeen } from '../../../components/ui/last-seen';
import { toast } from '../../../components/ui/toast-store';
import { errorMessage } from '../../../lib/http';
import { conversationTitle, otherMember, ttlLabel } from '../model';
import { useConversations } from '../store';
import { GroupTitleEditor } from './group-title-editor';
import { UserSearch } from './user-search';
import { requestVerify, useVerifyRequest, VerifySecurity } from './verify-security';

export interface ConversationInfoProps {
  conversation: Conversation;
  myId: string;
  timeZone: string;
  onClose: () => void;
  /** The conversation is gone for me (left or deleted). */
  onGone: () => void;
  /** Groups: the picture and its editor (composed in app/, where media and conversations meet). */
  groupPicture?: ReactNode;
}

const isAdmin = (role: MemberRole) => role === 'owner' || role === 'admin';

/** Who owns the group, in words (it passes on, live, when the owner leaves). */
function ownerLine(conversation: Conversation, myId: string): string {
  const owner = conversation.members.find((m) => m.role === 'owner');
  if (!owner) return 'Nobody owns this group.';
  return owner.user.id === myId ? 'You own this group.' : `${owner.user.displayName} owns this group.`;
}

/** Members and roles, temporary mode, blocking, leaving and deleting. */
export function ConversationInfo({
  conversation,
  myId,
  timeZone,
  onClose,
  onGone,
  groupPicture,
}: ConversationInfoProps) {
  // Actions, read when called; what is shown is selected (no whole-store subscription).
  const store = useConversations.getState();
  const presence = useConversations((s) => s.presence);
  const [confirm, setConfirm] = useState<'leave' | 'delete' | null>(null);
  const [adding, setAdding] = useState(false);
  const other = otherMember(conversation, myId);
  const admin = isAdmin(conversation.myRole);
  const canSetTtl = conversation.kind === 'direct' || admin;
  // "Verify security": opened from the button here or from a key-change notice in the chat.
  const verifyId = useVerifyRequest((s) => s.userId);
  const verifying = verifyId ? conversation.members.find((m) => m.user.id === verifyId)?.user : undefined;

  const run = (action: () => Promise<unknown>, done?: string) => {
    action().then(
      () => done && toast.success(done),
      (err: unknown) => toast.error(errorMessage(err)),
    );
  };

  return (
    <Dialog
      title={conversationTitle(conversation, myId)}
      onClose={() => {
        requestVerify(null);
        onClose();
      }}
    >
      {verifying ? (
        <VerifySecurity contact={verifying} onBack={() => requestVerify(null)} />
      ) : (
        <div className="info">
          {other ? (
            <div className="info-person">
              <Avatar
                name={other.displayName}
                seed={other.id}
                src={other.avatarUrl}
                size={56}
                online={presence[other.id]?.online}
              />
              <div>
                <strong>{other.displayName}</strong>
                <div className="muted">@{other.username}</div>
                <div className="muted">
                  {presence[other.id]?.online ? (
                    'online'
                  ) : (
                    <LastSeen lastSeenAt={presence[other.id]?.lastSeenAt ?? other.lastSeenAt} timeZone={timeZone} />
                  )}{' '}
                  · local time zone {other.timeZone.replace(/_/g, ' ')}
                </div>
              </div>
            </div>
          ) : null}
          {conversation.kind === 'group' ? (
            <div className="group-head">
              {groupPicture}
              <GroupTitleEditor
                title={conversation.title ?? ''}
                canEdit={admin}
                onSave={(title) => store.update(conversation.id, { title })}
              />
            </div>
          ) : null}
          {other && !other.deleted ? (
            <Button className="verify-button" onClick={() => requestVerify(other.id)}>
              Verify security
            </Button>
          ) : null}

          <label className="field">
            <span>Disappearing messages</span>
            <select
              value={conversation.temporaryTtlSeconds === null ? 'off' : String(conversation.temporaryTtlSeconds)}
              disabled={!canSetTtl}
              onChange={(e) =>
                run(
                  () =>
                    store.update(conversation.id, {
                      temporaryTtlSeconds: e.target.value === 'off' ? null : Number(e.target.value),
                    }),
                  'Disappearing messages updated',
                )
              }
            >
              {TEMPORARY_TTLS.map((ttl) => (
                <option key={String(ttl)} value={ttl === null ? 'off' : String(ttl)}>
                  {ttlLabel(ttl)}
                </option>
              ))}
            </select>
            <small className="muted">New messages disappear this long after they are delivered.</small>
          </label>

          {conversation.kind === 'group' ? (
            <section aria-label="Members">
              <div className="info-section-head">
                <div>
                  <h3>{conversation.members.length} members</h3>
                  <p className="muted info-owner" data-testid="group-owner">
                    {ownerLine(conversation, myId)}
                  </p>
                </div>
                {admin ? (
                  <Button size="sm" onClick={() => setAdding((a) => !a)}>
                    {adding ? 'Done' : 'Add people'}
                  </Button>
                ) : null}
              </div>
              {adding ? (
                <UserSearch
                  label="Add someone"
                  exclude={conversation.members.map((m) => m.user.id)}
                  onPick={(u) => run(() => store.addMembers(conversation.id, [u.id]), `${u.displayName} added`)}
                  autoFocus
                />
              ) : null}
              <ul className="member-list">
                {conversation.members.map((member) => (
                  <li key={member.user.id} className="member-row">
                    <Avatar
                      name={member.user.displayName}
                      seed={member.user.id}
                      src={member.user.avatarUrl}
                      size={32}
                      online={presence[member.user.id]?.online}
                    />
                    <span className="member-name">
                      {member.user.displayName}
                      {member.user.id === myId ? ' (you)' : ''}
                    </span>
                    {member.role !== 'member' ? <Badge tone="info">{member.role}</Badge> : null}
                    {member.user.id !== myId && !member.user.deleted ? (
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Verify security with ${member.user.displayName}`}
                        onClick={() => requestVerify(member.user.id)}
                      >
                        Verify
                      </Button>
                    ) : null}
                    {admin && member.user.id !== myId && member.role !== 'owner' ? (
                      <span className="member-actions">
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() =>
                            run(() =>
                              store.setRole(
                                conversation.id,
                                member.user.id,
                                member.role === 'admin' ? 'member' : 'admin',
                              ),
                            )
                          }
                        >
                          {member.role === 'admin' ? 'Make member' : 'Make admin'}
                        </Button>
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() =>
                            run(
                              () => store.removeMember(conversation.id, member.user.id),
                              `${member.user.displayName} removed`,
                            )
                          }
                        >
                          Remove
                        </Button>
                      </span>
                    ) : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}

          <div className="info-actions">
            {other && !other.deleted ? (
              conversation.blockedByMe ? (
                <Button onClick={() => run(() => store.unblock(other.id), `${other.displayName} unblocked`)}>
                  Unblock
                </Button>
              ) : (
                <Button variant="danger" onClick={() => run(() => store.block(other), `${other.displayName} blocked`)}>
                  Block {other.displayName}
                </Button>
              )
            ) : null}
            {conversation.kind === 'group' ? (
              <Button variant="danger" onClick={() => setConfirm('leave')}>
                Leave group
              </Button>
            ) : null}
            <Button variant="danger" onClick={() => setConfirm('delete')}>
              Delete chat
            </Button>
          </div>
          {confirm ? (
            <div className="confirm" role="alertdialog" aria-label="Confirm">
              <p>
                {confirm === 'leave'
                  ? 'Leave this group? Your scheduled messages here will not be sent.'
                  : 'Delete this chat for you? Its history is hidden and your scheduled messages here will not be sent.'}
              </p>
              <div className="dialog-actions">
                <Button onClick={() => setConfirm(null)}>Cancel</Button>
                <Button
                  variant="danger"
                  onClick={() =>
                    run(
                      async () => {
                        if (confirm === 'leave') await store.leave(conversation.id);
                        else await store.deleteChat(conversation.id);
                        onGone();
                      },
                      confirm === 'leave' ? 'You left the group' : 'Chat deleted',
                    )
                  }
                >
                  {confirm === 'leave' ? 'Leave' : 'Delete'}
                </Button>
              </div>
            </div>
          ) : null}
        </div>
      )}
    </Dialog>
  );
}
