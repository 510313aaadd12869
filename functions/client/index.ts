export { AuterynClient, type AuterynClientOptions } from './client.ts';
export {
  ApiError,
  ConnectionError,
  PlatformUnreachableError,
  SigningError,
  WaitTimeoutError,
} from './errors.ts';
export {
  executeApiRegion,
  MAX_SIGNED_BODY_BYTES,
  type SignedFetchOptions,
  signedFetch,
} from './sigv4-fetch.ts';
export type * from './types.ts';
export type { WaitOptions } from './wait.ts';
