import type { ListeningTestApp } from '../helpers/app.js';
import { ApiClient, registerUser, type TestUser } from '../helpers/client.js';
import { directChat, groupChat } from '../helpers/chat.js';
import type { TestSocket } from '../helpers/socket.js';
import { LIVE_PEOPLE, PEOPLE, type Actor, type LivePerson, type Person } from './actors.js';

/**
 * Where a row's object lives:
 * - `group`: a group the owner created with coMember, removed, blocked and deleted as members;
 * - `direct`: a direct chat between the owner and one other person: the actor of the case when
 *   the actor's relation is about that chat (coMember, removed, blocked, deleted), else coMember.
 */
export type Scene = 'group' | 'direct';

/**
 * One case's world: fresh accounts for every actor, the row's conversation, and (once the row
 * made its object) the relations that define the actors: removed out, blocked blocked, deleted
 * deleted. Each case builds its own, so that an allowed call (a deletion, a leave) cannot change
 * the next case's world.
 */
export class World {
  readonly sockets = new Map<LivePerson, TestSocket>();
  /** Members added by a row's setup (ids), current members too. */
  readonly extraMembers: string[] = [];
  conv = '';
  partner: Person = 'coMember';
  /** Whether the actors are what they are named yet (finalize ran): who is a member depends on it. */
  private final = false;

  private constructor(
    readonly t: ListeningTestApp,
    readonly scene: Scene,
    readonly actor: Actor,
    readonly people: Readonly<Record<Person, TestUser>>,
  ) {}

  static async build(t: ListeningTestApp, scene: Scene, actor: Actor): Promise<World> {
    const users = await Promise.all(PEOPLE.map(() => registerUser(t.app)));
    const people = Object.fromEntries(PEOPLE.map((p, i) => [p, users[i]!])) as Record<Person, TestUser>;
    const w = new World(t, scene, actor, people);
    if (scene === 'group') {
      const members = [people.coMember, people.removed, people.blocked, people.deleted];
      w.conv = (await groupChat(people.owner, 'authz', members)).id;
    } else {
      const aboutTheChat: Actor[] = ['coMember', 'removed', 'blocked', 'deleted'];
      w.partner = aboutTheChat.includes(actor) ? (actor as Person) : 'coMember';
      w.conv = (await directChat(people.owner, people[w.partner])).id;
      // A direct chat appears for the other person with its first message or when they open it
      // themselves (issue 13): the partner opens it, so that it is theirs as much as the owner's.
      await directChat(people[w.partner], people.owner);
    }
    return w;
  }

  /** The account behind an actor; anonymous borrows nonMember's (for ids and keys in bodies only). */
  user(actor: Actor): TestUser {
    return this.people[actor === 'anonymous' ? 'nonMember' : actor];
  }

  /** The actor's HTTP client: its own cookie (dead for `deleted`), none for anonymous. */
  api(actor: Actor): ApiClient {
    return actor === 'anonymous' ? new ApiClient(this.t.app) : this.people[actor].client;
  }

  id(actor: Actor): string {
    return this.user(actor).id;
  }

  /** The people who are current members of the row's conversation (removed and deleted until finalize). */
  members(): Person[] {
    if (this.scene === 'direct') return ['owner', this.partner];
    return this.final ? ['owner', 'coMember', 'blocked'] : ['owner', 'coMember', 'removed', 'blocked', 'deleted'];
  }

  /** Current members' ids (the envelope's recipients), extra members included. */
  memberIds(): string[] {
    const gone = this.final ? ['deleted'] : [];
    const people = this.members().filter((p) => !gone.includes(p));
    return [...people.map((p) => this.people[p].id), ...this.extraMembers];
  }

  /** One more account (a member to manage, a receiver whose deletion fails a message). */
  async extraUser(): Promise<TestUser> {
    return registerUser(this.t.app);
  }

  /**
   * Makes the actors what they are named, after the row made its object (so that the removed
   * and the deleted could see it once): the owner removes `removed` from the group (in a direct
   * chat with them, they delete the chat), the owner blocks `blocked`, `deleted` deletes their
   * account (keeping the dead cookie).
   */
  async finalize(): Promise<void> {
    const { owner, removed, blocked, deleted } = this.people;
    const checks: Promise<{ status: number }>[] = [];
    if (this.scene === 'group')
      checks.push(owner.client.delete(`/api/conversations/${this.conv}/members/${removed.id}`));
    else if (this.partner === 'removed') checks.push(removed.client.delete(`/api/conversations/${this.conv}`));
    checks.push(owner.client.put(`/api/users/${blocked.id}/block`));
    for (const res of await Promise.all(checks)) if (res.status !== 200) throw new Error(`world: ${res.status}`);
    const cookie = deleted.client.cookie;
    const gone = await deleted.client.delete('/api/users/me', { authKey: deleted.authKey });
    if (gone.status !== 200) throw new Error(`world: delete account ${gone.status}`);
    // The deleted account keeps sending its old session cookie.
    deleted.client.cookie = cookie;
    this.final = true;
  }

  /** A socket for every live account: each one watches what reaches it. */
  async connectWatchers(): Promise<void> {
    const sockets = await Promise.all(LIVE_PEOPLE.map((p) => this.t.connect(this.people[p].client.cookie)));
    LIVE_PEOPLE.forEach((p, i) => this.sockets.set(p, sockets[i]!));
  }

  socket(person: LivePerson): TestSocket {
    const socket = this.sockets.get(person);
    if (!socket) throw new Error(`no socket for ${person}`);
    return socket;
  }
}
