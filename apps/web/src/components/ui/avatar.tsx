import { useState } from 'react';

const HUES = [172, 200, 220, 250, 280, 320, 350, 20, 40, 140];

function hueOf(seed: string): number {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return HUES[hash % HUES.length]!;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const letters = words.length === 1 ? [...words[0]!].slice(0, 2) : [words[0]![0], words[words.length - 1]![0]];
  return letters.join('').toUpperCase();
}

export interface AvatarProps {
  name: string;
  seed?: string;
  size?: number;
  online?: boolean;
  group?: boolean;
  /** A user's picture (PublicUser.avatarUrl); the initials when absent or when it fails to load. */
  src?: string | null | undefined;
}

export function Avatar({ name, seed, size = 40, online, group, src }: AvatarProps) {
  const hue = hueOf(seed ?? name);
  const [failed, setFailed] = useState<string | null>(null);
  if (src && failed !== src) {
    return (
      <span
        className={`avatar avatar-user-picture ${group ? 'avatar-group' : ''}`}
        style={{ width: size, height: size }}
        aria-hidden="true"
      >
        <img src={src} alt="" data-testid="user-avatar" decoding="async" onError={() => setFailed(src)} />
        {online ? <span className="avatar-online" /> : null}
      </span>
    );
  }
  return (
    <span
      className={`avatar ${group ? 'avatar-group' : ''}`}
      style={{ width: size, height: size, fontSize: size * 0.38, background: `hsl(${hue} 55% 42%)` }}
      aria-hidden="true"
    >
      {initials(name)}
      {online ? <span className="avatar-online" /> : null}
    </span>
  );
}
