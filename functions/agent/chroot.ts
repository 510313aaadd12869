import { type ChildProcess, spawn } from 'node:child_process';
import { PERL } from '../adapters/local/perl-programs.ts';
import type { Launch } from '../adapters/local/sandbox-launcher.ts';
import { HOST_ENV } from '../adapters/local/sandbox-layout.ts';

/**
 * Exit code and stderr of the chroot program when the cwd is missing.
 * Both come before the command runs, so no command can be mistaken for
 * it except one that imitates both on purpose (and fools only itself).
 */
export const CWD_MISSING_EXIT = 121;
export const CWD_MISSING_MARKER = 'auteryn-agent: no such cwd';

// @debt agent "commands keep CAP_SYS_CHROOT and can leave the chroot for the container's root: drop it and ptrace from their bounding set"
// @debt agent "no /proc, /sys or /dev/pts inside the chroot without CAP_SYS_ADMIN (README.md beside this file)"
/**
 * Enters the sandbox's root and runs the command there. Perl comes from
 * the agent's image and is loaded before the chroot, so no binary of the
 * sandbox runs before the switch. Arguments: root, cwd, a counted list
 * of NAME=value pairs, then the command's argv.
 */
const CHROOT_PROGRAM = `
my ($root, $cwd, @rest) = @ARGV;
my @env = splice(@rest, 0, shift(@rest));
chroot($root) or die "chroot $root: $!\\n";
chdir('/') or die "chdir /: $!\\n";
unless (chdir($cwd)) {
  print STDERR "${CWD_MISSING_MARKER}\\n";
  exit(${CWD_MISSING_EXIT});
}
%ENV = map { split(/=/, $_, 2) } @env;
exec { $rest[0] } @rest or die "exec $rest[0]: $!\\n";
`;

/**
 * The host command that runs `launch` inside `root`. The environment
 * travels as arguments: in perl's own environment it could inject code
 * (PERL5OPT, LD_PRELOAD) before the switch.
 */
export function chrootCommand(root: string, launch: Launch) {
  const pairs = Object.entries(launch.env).map(([k, v]) => `${k}=${v}`);
  const args = [
    '-e',
    CHROOT_PROGRAM,
    root,
    launch.cwd,
    String(pairs.length),
    ...pairs,
    ...launch.argv,
  ];
  return { command: PERL, args, env: HOST_ENV };
}

/** Starts `launch` inside `root`, in a process group of its own. */
export function spawnInChroot(
  root: string,
  launch: Launch,
  stdin: 'ignore' | 'pipe',
): ChildProcess {
  const { command, args, env } = chrootCommand(root, launch);
  return spawn(command, args, {
    env,
    detached: true,
    stdio: [stdin, 'pipe', 'pipe'],
  });
}
