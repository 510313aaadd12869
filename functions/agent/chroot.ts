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

// @debt agent "no /proc, /sys or /dev/pts inside the chroot without CAP_SYS_ADMIN (README.md beside this file)"
/**
 * Enters the sandbox's root and runs the command there. Perl comes from
 * the agent's image and is loaded before the chroot, so no binary of the
 * sandbox runs before the switch. Arguments: root, cwd, a counted list
 * of NAME=value pairs, then the command's argv.
 *
 * Once inside, CAP_SYS_CHROOT goes from the bounding set and from the
 * process's own sets: a chroot can only be left by calling chroot again,
 * so the command and everything it starts stay in the sandbox's root,
 * away from the agent, its token and the container's files. Perl has no
 * prctl or capset of its own: the raw system calls are made by number.
 */
const CHROOT_PROGRAM = `
use Config;
my ($root, $cwd, @rest) = @ARGV;
my @env = splice(@rest, 0, shift(@rest));
chroot($root) or die "chroot $root: $!\\n";
chdir('/') or die "chdir /: $!\\n";
drop_chroot_capability();
unless (chdir($cwd)) {
  print STDERR "${CWD_MISSING_MARKER}\\n";
  exit(${CWD_MISSING_EXIT});
}
%ENV = map { split(/=/, $_, 2) } @env;
exec { $rest[0] } @rest or die "exec $rest[0]: $!\\n";

sub drop_chroot_capability {
  my %calls = (x86_64 => [157, 125, 126], aarch64 => [167, 90, 91]);
  my ($arch) = $Config{archname} =~ /^([^-]+)/;
  my $numbers = $calls{$arch} or die "no system call numbers for $arch\\n";
  my ($prctl, $capget, $capset) = @$numbers;
  my ($PR_CAPBSET_DROP, $CAP_SYS_CHROOT) = (24, 18);

  syscall($prctl, $PR_CAPBSET_DROP, $CAP_SYS_CHROOT) == 0
    or die "cannot drop CAP_SYS_CHROOT from the bounding set: $!\\n";
  # Version 3 of the capability structs: effective, permitted and
  # inheritable words for capabilities 0-31, then for 32-63.
  my $header = pack('LL', 0x20080522, 0);
  my $sets = "\\0" x 24;
  syscall($capget, $header, $sets) == 0 or die "capget: $!\\n";
  my @words = unpack('L6', $sets);
  $_ &= ~(1 << $CAP_SYS_CHROOT) for @words[0 .. 2];
  $sets = pack('L6', @words);
  syscall($capset, $header, $sets) == 0 or die "capset: $!\\n";
}
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
