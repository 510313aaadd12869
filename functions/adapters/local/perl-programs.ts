/**
 * The two steps that cross from the host into a sandbox run as small perl
 * programs. Perl is loaded from the host before the switch and then only
 * makes system calls, so no binary of the sandbox (which its root can
 * replace) ever runs with the host's full capabilities. nsenter and
 * setpriv cannot do this: setpriv would have to run from inside.
 */

interface SyscallNumbers {
  setns: number;
  prctl: number;
  capget: number;
  capset: number;
  pivotRoot: number;
  umount2: number;
}

// From the kernel's arch/x86/entry/syscalls/syscall_64.tbl and
// include/uapi/asm-generic/unistd.h (used by arm64).
const SYSCALLS: Partial<Record<string, SyscallNumbers>> = {
  x64: {
    setns: 308,
    prctl: 157,
    capget: 125,
    capset: 126,
    pivotRoot: 155,
    umount2: 166,
  },
  arm64: {
    setns: 268,
    prctl: 167,
    capget: 90,
    capset: 91,
    pivotRoot: 41,
    umount2: 39,
  },
};

export const PERL = 'perl';

/** Docker's default capabilities, less mknod: no devices cgroup backs it. */
export const KEPT_CAPABILITIES = {
  chown: 0,
  dac_override: 1,
  fowner: 3,
  fsetid: 4,
  kill: 5,
  setgid: 6,
  setuid: 7,
  setpcap: 8,
  net_bind_service: 10,
  net_raw: 13,
  sys_chroot: 18,
  audit_write: 29,
  setfcap: 31,
};

export const syscallsSupported = () => SYSCALLS[process.arch] !== undefined;

function syscalls(): SyscallNumbers {
  const numbers = SYSCALLS[process.arch];
  if (!numbers) throw new Error(`unsupported architecture ${process.arch}`);
  return numbers;
}

// PR_CAPBSET_DROP = 24, PR_CAP_AMBIENT = 47 with CLEAR_ALL = 4, and
// _LINUX_CAPABILITY_VERSION_3 = 0x20080522 (linux/prctl.h, capability.h).
// With the bounding, inheritable and ambient sets emptied, the next
// execve leaves root with only the kept capabilities.
function dropCapabilities(call: SyscallNumbers): string {
  const kept = Object.values(KEPT_CAPABILITIES).join(', ');
  return `
sub last_capability {
  open(my $file, '<', '/proc/sys/kernel/cap_last_cap') or die "cap_last_cap: $!\\n";
  return 0 + <$file>;
}
sub drop_capabilities {
  my ($last) = @_;
  my %kept = map { $_ => 1 } (${kept});
  for my $cap (0 .. $last) {
    next if $kept{$cap};
    syscall(${call.prctl}, 24, $cap, 0, 0, 0) == 0 or die "drop capability $cap: $!\\n";
  }
  syscall(${call.prctl}, 47, 4, 0, 0, 0);
  my $header = pack('LL', 0x20080522, 0);
  my $sets = "\\0" x 24;
  syscall(${call.capget}, $header, $sets) == 0 or die "capget: $!\\n";
  my @words = unpack('L6', $sets);
  @words[2, 5] = (0, 0);
  my $cleared = pack('L6', @words);
  syscall(${call.capset}, $header, $cleared) == 0 or die "capset: $!\\n";
}
`;
}

/**
 * Last step of a sandbox's boot, run with the overlay as cwd: make it the
 * root, drop the host's root, drop capabilities, then become the PID-1
 * loop (bash reaps orphans). Prints `ready` once the sandbox is usable.
 */
export function initProgram(): string {
  const call = syscalls();
  return `${dropCapabilities(call)}
my $last = last_capability();
my ($new_root, $put_old, $old_root) = ('.', '.', '.');
syscall(${call.pivotRoot}, $new_root, $put_old) == 0 or die "pivot_root: $!\\n";
syscall(${call.umount2}, $old_root, 2) == 0 or die "umount old root: $!\\n";
chdir('/') or die "chdir: $!\\n";
drop_capabilities($last);
%ENV = (PATH => '/usr/sbin:/usr/bin:/sbin:/bin', LANG => 'C.UTF-8');
$| = 1;
print "ready\\n";
exec { '/bin/bash' } 'bash', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'
  or die "exec init: $!\\n";
`;
}

/**
 * Runs a command inside a sandbox. Arguments: init pid, inode of its
 * mount namespace (so a recycled pid is refused), cwd, then counted lists
 * of cgroup.procs files and NAME=value pairs, then the command's argv.
 * Exits with the command's code, or 128 + signal.
 */
export function launcherProgram(): string {
  const call = syscalls();
  return `${dropCapabilities(call)}
my ($pid, $mount_inode, $cwd, @rest) = @ARGV;
my @cgroups = splice(@rest, 0, shift(@rest));
my @env = splice(@rest, 0, shift(@rest));
my $last = last_capability();
for my $procs (@cgroups) {
  open(my $file, '>', $procs) or die "cgroup $procs: $!\\n";
  print $file "$$\\n";
  close($file) or die "cgroup $procs: $!\\n";
}
my @namespaces = map {
  open(my $ns, '<', "/proc/$pid/ns/$_") or die "sandbox is not running\\n";
  $ns;
} qw(ipc uts pid mnt);
(stat($namespaces[3]))[1] == $mount_inode or die "sandbox is not running\\n";
opendir(my $root, "/proc/$pid/root") or die "sandbox is not running\\n";
for my $ns (@namespaces) {
  syscall(${call.setns}, fileno($ns), 0) == 0 or die "setns: $!\\n";
}
chdir($root) && chroot('.') or die "chroot: $!\\n";
closedir($root);
close($_) for @namespaces;
my $child = fork() // die "fork: $!\\n";
if ($child == 0) {
  drop_capabilities($last);
  %ENV = map { split(/=/, $_, 2) } @env;
  chdir($cwd) or die "cwd $cwd: $!\\n";
  exec { $rest[0] } @rest or die "exec $rest[0]: $!\\n";
}
waitpid($child, 0);
exit(($? & 127) ? 128 + ($? & 127) : $? >> 8);
`;
}
