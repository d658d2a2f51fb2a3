import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDirectory } from '../src/config-store';

describe('where the config lives', () => {
  it('is $XDG_CONFIG_HOME/trellis, else ~/.config/trellis', () => {
    expect(configDirectory({ XDG_CONFIG_HOME: '/tmp/xdg' })).toBe('/tmp/xdg/trellis');
    expect(configDirectory({})).toBe(path.join(homedir(), '.config', 'trellis'));
    expect(configDirectory({ XDG_CONFIG_HOME: '  ' })).toBe(
      path.join(homedir(), '.config', 'trellis'),
    );
  });
});
