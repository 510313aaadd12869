import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface PlatformProcess {
  url: string;
  output: () => string;
  /** Sends a signal and waits for the process to exit; returns its code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `npm start`'s entry point as a real child process, as a user runs it:
 * the only way to test Ctrl-C and a platform restart honestly.
 */
export async function startPlatformProcess(
  dataDir: string,
): Promise<PlatformProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'functions/local/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        AUTERYN_DATA_DIR: dataDir,
        AUTERYN_LOG_LEVEL: 'WARN',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setInterval(() => {
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        resolveUrl(match[1]);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`platform exited with ${code}: ${output}`));
    });
  });

  return {
    url,
    output: () => output,
    stop: async (signal = 'SIGINT') => {
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}
