import { type AwsPlatform, createAwsPlatform } from '../aws/platform.ts';
import { readHandlerEnv } from './env.ts';

let built: AwsPlatform | undefined;

/**
 * The platform of this Lambda process, built at the first invocation
 * and kept while the container is warm: SDK clients and caches once.
 */
export function platformOfProcess(): AwsPlatform {
  built ??= createAwsPlatform(readHandlerEnv(process.env));
  return built;
}
