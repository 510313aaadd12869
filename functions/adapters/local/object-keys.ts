import { ValidationError } from '../../../domain/errors.ts';

/**
 * The folder below a DirectoryObjectStore's root where puts write until
 * their body is whole. Keys may not start with it, so it never lists.
 */
export const TEMP_FOLDER = '.tmp';

const KEY_RULES =
  'a key is a /-separated relative path with no empty, . or .. ' +
  `segments, no backslash or NUL, outside ${TEMP_FOLDER}/`;

/** Why `key` cannot name a file below a root, or undefined if it can. */
function keyProblem(key: string): string | undefined {
  if (key === '') return 'is empty';
  if (key.includes('\0')) return 'holds a NUL';
  if (key.includes('\\')) return 'holds a backslash';
  if (key.startsWith('/')) return 'is absolute';

  const segments = key.split('/');
  if (segments.includes('..')) return 'climbs out with ..';
  if (segments.some((segment) => segment === '' || segment === '.')) {
    return 'has an empty or . segment';
  }
  if (segments[0] === TEMP_FOLDER) return `is in ${TEMP_FOLDER}/`;
  return undefined;
}

/**
 * The key's segments, each a plain file name: joined below a root they
 * can only name something inside it. ValidationError for any other key.
 */
export function keySegments(key: string): string[] {
  const problem = keyProblem(key);
  if (problem) {
    throw new ValidationError(`object key ${JSON.stringify(key)} ${problem}`, [
      { field: 'key', message: KEY_RULES },
    ]);
  }
  return key.split('/');
}

/** Whether a file found below the root is reachable under that key. */
export const isReachableKey = (key: string): boolean =>
  keyProblem(key) === undefined;
