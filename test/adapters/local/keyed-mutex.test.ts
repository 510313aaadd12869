import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../../functions/adapters/local/keyed-mutex.ts';

describe('KeyedMutex', () => {
  it('runs tasks of one key one after another, even after a failure', async () => {
    const mutex = new KeyedMutex();
    const steps: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((done) => {
      release = done;
    });

    const first = mutex.run('a', async () => {
      steps.push('first starts');
      await gate;
      steps.push('first ends');
      throw new Error('first failed');
    });
    const second = mutex.run('a', async () => {
      steps.push('second runs');
    });
    const other = mutex.run('b', async () => {
      steps.push('other key runs');
    });
    await other;
    release();

    await expect(first).rejects.toThrow('first failed');
    await second;
    expect(steps).toEqual([
      'first starts',
      'other key runs',
      'first ends',
      'second runs',
    ]);
  });
});
