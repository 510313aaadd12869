export { AuterynClient, type AuterynClientOptions } from './client.ts';
export {
  ApiError,
  ConnectionError,
  PlatformUnreachableError,
  WaitTimeoutError,
} from './errors.ts';
export type * from './types.ts';
export type { WaitOptions } from './wait.ts';
