import type { z } from 'zod';
import { ValidationError } from '../../domain/errors.ts';
import { fieldsOf } from '../api/problem.ts';

/** Parses at the edge: a bad value is a 400 naming the field at fault. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: string,
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(
      'the request does not match the agent protocol: see fields',
      fieldsOf(parsed.error, where),
    );
  }
  return parsed.data;
}

/** The JSON body, or a 400 when it is not JSON at all. */
export async function jsonOf(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new ValidationError('the body is not valid JSON');
  }
}
