/**
 * Node has no call for xattrs, mknod or nanosecond utimes, so these run
 * as perl programs making the system calls themselves, one process per
 * batch (as ../perl-programs.ts does for the privileged steps of boot).
 * Paths and values travel NUL separated on stdin, never in argv.
 */

interface MetadataSyscalls {
  lgetxattr: number;
  llistxattr: number;
  lsetxattr: number;
  lremovexattr: number;
  mknodat: number;
  fchownat: number;
  utimensat: number;
}

// From the kernel's arch/x86/entry/syscalls/syscall_64.tbl and
// include/uapi/asm-generic/unistd.h (used by arm64).
const SYSCALLS: Partial<Record<string, MetadataSyscalls>> = {
  x64: {
    lgetxattr: 192,
    llistxattr: 195,
    lsetxattr: 189,
    lremovexattr: 198,
    mknodat: 259,
    fchownat: 260,
    utimensat: 280,
  },
  arm64: {
    lgetxattr: 9,
    llistxattr: 12,
    lsetxattr: 6,
    lremovexattr: 15,
    mknodat: 33,
    fchownat: 54,
    utimensat: 88,
  },
};

function syscalls(): MetadataSyscalls {
  const numbers = SYSCALLS[process.arch];
  if (!numbers) throw new Error(`unsupported architecture ${process.arch}`);
  return numbers;
}

/** Namespaces a snapshot keeps; security.selinux and the like are not. */
const KEPT_XATTRS =
  '/^(?:user\\.|trusted\\.|security\\.capability\\z|system\\.posix_acl_)/';

// 64 KiB is the kernel's limit for one xattr value and for a name list.
const XATTR_BUFFER = 65536;

/**
 * Reads paths from stdin and prints one line per path: space separated
 * `hexname:hexvalue` pairs, empty where the file system has no xattrs,
 * `!message` where the call failed.
 */
export function readXattrsProgram(): string {
  const call = syscalls();
  return `
use strict; use warnings;
binmode STDIN; binmode STDOUT;
local $/ = "\\0";
while (my $path = <STDIN>) {
  chomp $path;
  my $names = "\\0" x ${XATTR_BUFFER};
  my $length = syscall(${call.llistxattr}, $path, $names, ${XATTR_BUFFER});
  if ($length < 0) {
    if ($!{EOPNOTSUPP} || $!{ENOTSUP}) { print "\\n"; next; }
    print "!listxattr: $!\\n"; next;
  }
  my @pairs;
  for my $name (split /\\0/, substr($names, 0, $length)) {
    next unless $name =~ ${KEPT_XATTRS};
    my $value = "\\0" x ${XATTR_BUFFER};
    my $size = syscall(${call.lgetxattr}, $path, $name, $value, ${XATTR_BUFFER});
    next if $size < 0 && $!{ENODATA};
    die "getxattr $name: $!\\n" if $size < 0;
    push @pairs, unpack('H*', $name) . ':' . unpack('H*', substr($value, 0, $size));
  }
  print join(' ', @pairs), "\\n";
}
`;
}

/**
 * Applies operations read from stdin, in order, each a letter and its
 * fields: n path mode rdev (mknod), o path uid gid (lchown), m path mode
 * (chmod), x path name hexvalue (lsetxattr), r path name (lremovexattr),
 * t path seconds nanoseconds (mtime, without following a symlink).
 * Prints how many xattrs the file system refused as unsupported.
 */
export function applyMetadataProgram(): string {
  const call = syscalls();
  return `
use strict; use warnings;
binmode STDIN; binmode STDOUT;
umask(0);
local $/ = "\\0";
my @fields = <STDIN>;
chomp(@fields);
my ($unsupported, $at_cwd, $no_follow, $omit) = (0, -100, 0x100, (1 << 30) - 2);
while (@fields) {
  my ($op, $path) = splice(@fields, 0, 2);
  if ($op eq 'n') {
    my ($mode, $rdev) = map { 0 + $_ } splice(@fields, 0, 2);
    syscall(${call.mknodat}, $at_cwd, $path, $mode, $rdev) == 0 or die "mknod $path: $!\\n";
  } elsif ($op eq 'o') {
    my ($uid, $gid) = map { 0 + $_ } splice(@fields, 0, 2);
    syscall(${call.fchownat}, $at_cwd, $path, $uid, $gid, $no_follow) == 0 or die "chown $path: $!\\n";
  } elsif ($op eq 'm') {
    my $mode = 0 + shift(@fields);
    chmod($mode, $path) or die "chmod $path: $!\\n";
  } elsif ($op eq 'x') {
    my ($name, $hex) = splice(@fields, 0, 2);
    my $value = pack('H*', $hex);
    next if syscall(${call.lsetxattr}, $path, $name, $value, length($value), 0) == 0;
    if ($!{EOPNOTSUPP} || $!{ENOTSUP}) { $unsupported++; next; }
    die "setxattr $name $path: $!\\n";
  } elsif ($op eq 'r') {
    my $name = shift(@fields);
    syscall(${call.lremovexattr}, $path, $name) == 0 || $!{ENODATA} or die "removexattr $name $path: $!\\n";
  } elsif ($op eq 't') {
    my ($seconds, $nanoseconds) = map { 0 + $_ } splice(@fields, 0, 2);
    my $times = pack('q4', 0, $omit, $seconds, $nanoseconds);
    syscall(${call.utimensat}, $at_cwd, $path, $times, $no_follow) == 0 or die "utimes $path: $!\\n";
  } else {
    die "unknown operation $op\\n";
  }
}
print "$unsupported\\n";
`;
}
