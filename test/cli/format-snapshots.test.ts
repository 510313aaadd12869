import { describe, expect, it } from 'vitest';
import { diffLines, humanBytes } from '../../functions/cli/format-snapshots.ts';

describe('snapshot formatting', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 KB'],
    [1234, '1.2 KB'],
    [999_960, '1 MB'],
    [1_200_000, '1.2 MB'],
    [5_500_000_000, '5.5 GB'],
    [2_000_000_000_000, '2000 GB'],
  ])('writes %i bytes as %s', (bytes, text) => {
    expect(humanBytes(bytes)).toBe(text);
  });

  it('sorts diff lines by path, whatever their mark', () => {
    const lines = diffLines({
      added: ['/home/agent/b', '/home/agent/z'],
      removed: ['/home/agent/a'],
      changed: ['/home/agent/c'],
    });

    expect(lines).toBe(
      '- /home/agent/a\n+ /home/agent/b\n~ /home/agent/c\n+ /home/agent/z',
    );
  });

  it('has no lines at all when nothing differs', () => {
    expect(diffLines({ added: [], removed: [], changed: [] })).toBeUndefined();
  });
});
