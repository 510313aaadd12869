/**
 * Node has no call for xattrs, mknod, nanosecond utimes or syncfs, so
 * these run as perl programs making the system calls themselves (as
 * ../perl-programs.ts does for the privileged steps of boot): a server
 * kept for a capture's calls, one process per batch of a restore.
 * Paths and values travel NUL separated on stdin, never in argv.
 */

interface MetadataSyscalls {
  syncfs: number;
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
    syncfs: 306,
    lgetxattr: 192,
    llistxattr: 195,
    lsetxattr: 189,
    lremovexattr: 198,
    mknodat: 259,
    fchownat: 260,
    utimensat: 280,
  },
  arm64: {
    syncfs: 267,
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
 * Serves requests from stdin until it closes, each a letter and its
 * fields, and answers each with the lines it promises:
 * - `x`, a count n, n paths: one line per path, space separated
 *   `hexname:hexvalue` xattr pairs, empty where the file system has
 *   none, `!message` where a call failed;
 * - `s`, a path: syncfs(2) of its file system, `ok` or `!message`.
 */
export function metadataServerProgram(): string {
  const call = syscalls();
  return `
use strict; use warnings;
binmode STDIN; binmode STDOUT;
$| = 1;
local $/ = "\\0";
sub xattrs_of {
  my ($path) = @_;
  my $names = "\\0" x ${XATTR_BUFFER};
  my $length = syscall(${call.llistxattr}, $path, $names, ${XATTR_BUFFER});
  if ($length < 0) {
    return '' if $!{EOPNOTSUPP} || $!{ENOTSUP};
    return "!listxattr: $!";
  }
  my @pairs;
  for my $name (split /\\0/, substr($names, 0, $length)) {
    next unless $name =~ ${KEPT_XATTRS};
    my $value = "\\0" x ${XATTR_BUFFER};
    my $size = syscall(${call.lgetxattr}, $path, $name, $value, ${XATTR_BUFFER});
    next if $size < 0 && $!{ENODATA};
    return "!getxattr $name: $!" if $size < 0;
    push @pairs, unpack('H*', $name) . ':' . unpack('H*', substr($value, 0, $size));
  }
  return join(' ', @pairs);
}
while (defined(my $op = <STDIN>)) {
  chomp $op;
  if ($op eq 'x') {
    my $count = <STDIN>; chomp $count;
    for (1 .. $count) {
      my $path = <STDIN>; chomp $path;
      print xattrs_of($path), "\\n";
    }
  } elsif ($op eq 's') {
    my $path = <STDIN>; chomp $path;
    if (!sysopen(my $handle, $path, 0)) { print "!open: $!\\n"; }
    elsif (syscall(${call.syncfs}, fileno($handle)) != 0) { print "!syncfs: $!\\n"; }
    else { print "ok\\n"; }
  } else {
    die "unknown request $op\\n";
  }
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
